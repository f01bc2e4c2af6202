//! The doc text of generated items. Schema text (descriptions, names, pointers) is quoted in
//! it, so every doc line goes through [`doc_lines`], which keeps Markdown from reading it as
//! code (rustdoc would compile that as a doctest).

use proc_macro2::TokenStream;
use quote::quote;

use crate::adapters::types::{Module, Ty};

pub(super) fn doc_attrs(lines: &[String]) -> TokenStream {
    let lines = doc_lines(lines);
    quote!(#(#[doc = #lines])*)
}

/// Lines as rustdoc wants them: one attribute per line, a space after `///` unless blank.
///
/// Doc text quotes schemas, which can hold anything, so every line is made inert: it is cut at
/// `\r` as well as `\n` (a lone `\r` is not allowed in a doc comment), and a line Markdown
/// would read as the start of a code block (a fence, or four spaces of indentation) is
/// rewritten, since rustdoc compiles code blocks as doctests.
fn doc_lines(lines: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    for l in lines {
        if l.is_empty() {
            out.push(String::new());
        }
        for line in l.lines().flat_map(|line| line.split('\r')) {
            let line = inert_markdown_line(line.trim_end());
            out.push(if line.is_empty() {
                String::new()
            } else {
                format!(" {line}")
            });
        }
    }
    out
}

/// `line` with at most three columns of indentation (four make an indented code block) and a
/// backslash before a leading code fence (`\```` is three literal backquotes).
fn inert_markdown_line(line: &str) -> String {
    let text = line.trim_start_matches([' ', '\t']);
    let indent_width: usize = line[..line.len() - text.len()]
        .chars()
        .map(|c| if c == '\t' { 4 } else { 1 })
        .sum();
    let indent = " ".repeat(indent_width.min(3));
    if text.starts_with("```") || text.starts_with("~~~") {
        format!("{indent}\\{text}")
    } else {
        format!("{indent}{text}")
    }
}

pub(super) fn inner_doc_attrs(lines: &[String]) -> TokenStream {
    let lines = doc_lines(lines);
    quote!(#(#![doc = #lines])*)
}

/// `Option<Vec<old::Todo>>`, for docs.
pub(super) fn display(module: &Module, prefix: &str, ty: &Ty) -> String {
    match ty {
        Ty::Bool => "bool".into(),
        Ty::I64 => "i64".into(),
        Ty::F64 => "f64".into(),
        Ty::String => "String".into(),
        Ty::Value => "serde_json::Value".into(),
        Ty::Vec(t) => format!("Vec<{}>", display(module, prefix, t)),
        Ty::Map(t) => format!("BTreeMap<String, {}>", display(module, prefix, t)),
        Ty::Option(t) => format!("Option<{}>", display(module, prefix, t)),
        Ty::Struct(i) => format!("{prefix}::{}", module.structs[*i].name),
        Ty::Enum(i) => format!("{prefix}::{}", module.enums[*i].name),
        Ty::Extern(i) => format!("{prefix}::{}", module.externs[*i].name),
    }
}

pub(super) fn article(module: &str) -> &'static str {
    if module == "old" { "an" } else { "a" }
}

pub(super) fn capitalize(s: &str) -> String {
    let mut chars = s.chars();
    chars
        .next()
        .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
        .unwrap_or_default()
}

pub(super) fn pointer_or_root(pointer: &str) -> &str {
    if pointer.is_empty() { "#" } else { pointer }
}
