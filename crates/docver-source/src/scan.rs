//! Finding versioned families and the types they use in Rust source files.

use std::collections::BTreeMap;

use docver_attr::FamilyDecl;
use docver_check::{LineIndex, Span};
use proc_macro2::LineColumn;

/// A parsed `.rs` file.
#[derive(Debug)]
pub struct SourceFile {
    /// The path as reports show it.
    pub name: String,
    pub text: String,
    lines: LineIndex,
}

/// A versioned family found in a file, with the types defined alongside it.
#[derive(Debug)]
pub struct SourceFamily {
    pub family: FamilyDecl,
    /// Structs and enums defined in the scanned files, by name (for fields of those types).
    pub items: BTreeMap<String, syn::Item>,
}

/// A family whose annotations do not validate (the derive would refuse to compile it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FamilyError {
    pub span: Span,
    pub message: String,
}

impl SourceFile {
    pub fn new(name: impl Into<String>, text: String) -> Self {
        SourceFile {
            name: name.into(),
            lines: LineIndex::new(&text),
            text,
        }
    }

    /// The byte offset of a proc-macro2 location (1-based line, 0-based column in characters).
    pub fn offset(&self, at: LineColumn) -> usize {
        self.lines.offset(&self.text, at.line, at.column)
    }

    /// The byte span of a syn span.
    pub fn span(&self, span: proc_macro2::Span) -> Span {
        let start = self.offset(span.start());
        let end = self.offset(span.end()).max(start);
        Span::new(start, end)
    }

    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        self.lines.line_col(&self.text, offset)
    }

    /// A location at a syn span, with no schema pointer (a history finding's).
    pub fn location(&self, span: proc_macro2::Span) -> docver_check::Location {
        docver_check::Location {
            pointer: String::new(),
            span: self.span(span),
            key_span: None,
        }
    }

    /// `file:line:column: message`, the way errors about this file are shown.
    pub fn located(&self, span: Span, message: &str) -> String {
        let (line, column) = self.line_col(span.start);
        format!("{}:{line}:{column}: {message}", self.name)
    }
}

fn is_versioned(attr: &syn::Attribute) -> bool {
    attr.path()
        .segments
        .last()
        .is_some_and(|s| s.ident == "versioned")
}

/// What one file holds: its valid families, the errors of those that do not validate, and the
/// structs, enums and type aliases it defines (by name).
pub type Scanned = (
    Vec<FamilyDecl>,
    Vec<FamilyError>,
    BTreeMap<String, syn::Item>,
);

/// Every family in `file` (validated), the errors of families that do not validate, and the
/// structs and enums the file defines. Syntax errors are returned as one error.
pub fn scan_file(file: &SourceFile) -> Result<Scanned, FamilyError> {
    let ast = syn::parse_file(&file.text).map_err(|e| FamilyError {
        span: file.span(e.span()),
        message: e.to_string(),
    })?;
    let mut families = Vec::new();
    let mut errors = Vec::new();
    let mut items = BTreeMap::new();
    let mut stack: Vec<&syn::Item> = ast.items.iter().collect();
    while let Some(item) = stack.pop() {
        match item {
            syn::Item::Mod(m) => {
                if let Some((_, inner)) = &m.content {
                    stack.extend(inner.iter());
                }
            }
            syn::Item::Struct(s) => {
                if let Some(attr) = s.attrs.iter().find(|a| is_versioned(a)) {
                    let args = match &attr.meta {
                        syn::Meta::List(list) => list.tokens.clone(),
                        _ => proc_macro2::TokenStream::new(),
                    };
                    match docver_attr::parse_family(args, s) {
                        Ok(family) => families.push(family),
                        Err(errs) => errors.extend(errs.into_iter().map(|e| FamilyError {
                            span: file.span(e.span()),
                            message: e.to_string(),
                        })),
                    }
                } else {
                    items.insert(s.ident.to_string(), item.clone());
                }
            }
            syn::Item::Enum(e) => {
                // The derive refuses it; skipped silently, its versions would go unchecked.
                if e.attrs.iter().any(is_versioned) {
                    let error = docver_attr::ast::enum_family_error(e);
                    errors.push(FamilyError {
                        span: file.span(error.span()),
                        message: error.to_string(),
                    });
                }
                items.insert(e.ident.to_string(), item.clone());
            }
            syn::Item::Type(t) => {
                items.insert(t.ident.to_string(), item.clone());
            }
            _ => {}
        }
    }
    Ok((families, errors, items))
}
