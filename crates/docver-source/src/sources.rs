//! The families of a set of files, with every struct, enum and type alias they use, and each
//! version's schema models derived from them.

use std::collections::{BTreeMap, HashSet};

use docver::Contract;
use docver_attr::FamilyDecl;
use docver_check::{Schema, read_schema};

use crate::error::SourceError;
use crate::scan::{SourceFile, scan_file};
use crate::schema::{Derived, version_schema};

/// The families of a set of files, with every struct and enum they define.
#[derive(Debug)]
pub struct Sources {
    pub files: Vec<SourceFile>,
    /// (file index, family)
    pub families: Vec<(usize, FamilyDecl)>,
    pub items: BTreeMap<String, syn::Item>,
    /// `file:line:column: message` for each family that does not validate.
    pub errors: Vec<String>,
}

/// Type names a set of items mentions (field types, variant fields, alias targets).
fn mentioned_names(tokens: proc_macro2::TokenStream, out: &mut HashSet<String>) {
    for tree in tokens {
        match tree {
            proc_macro2::TokenTree::Ident(ident) => {
                out.insert(ident.to_string());
            }
            proc_macro2::TokenTree::Group(group) => mentioned_names(group.stream(), out),
            _ => {}
        }
    }
}

/// Whether `text` may define one of `names` (a cheap textual test before parsing).
fn may_define(text: &str, names: &HashSet<String>) -> bool {
    ["struct ", "enum ", "type "].iter().any(|keyword| {
        text.match_indices(keyword).any(|(at, _)| {
            let rest = &text[at + keyword.len()..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            names.contains(&name)
        })
    })
}

impl Sources {
    /// Parses the files that hold a family, then the ones that may define a type those
    /// mention, until nothing new is mentioned (parsing is most of the work).
    pub fn scan(files: Vec<SourceFile>) -> Sources {
        let mut parsed = vec![false; files.len()];
        let mut wanted: Vec<usize> = (0..files.len())
            .filter(|i| files[*i].text.contains("versioned"))
            .collect();
        let mut families = Vec::new();
        let mut items = BTreeMap::new();
        let mut errors = Vec::new();
        let mut mentioned = HashSet::new();
        while !wanted.is_empty() {
            for i in std::mem::take(&mut wanted) {
                parsed[i] = true;
                let file = &files[i];
                match scan_file(file) {
                    Ok((found, invalid, defined)) => {
                        for family in &found {
                            for field in &family.fields {
                                mentioned_names(
                                    quote::ToTokens::to_token_stream(&field.ty),
                                    &mut mentioned,
                                );
                            }
                        }
                        for item in defined.values() {
                            mentioned_names(quote::ToTokens::to_token_stream(item), &mut mentioned);
                        }
                        families.extend(found.into_iter().map(|f| (i, f)));
                        items.extend(defined);
                        errors.extend(invalid.iter().map(|e| file.located(e.span, &e.message)));
                    }
                    Err(e) => errors.push(file.located(e.span, &e.message)),
                }
            }
            let unresolved: HashSet<String> = mentioned
                .iter()
                .filter(|n| !items.contains_key(*n))
                .cloned()
                .collect();
            wanted = (0..files.len())
                .filter(|i| !parsed[*i] && may_define(&files[*i].text, &unresolved))
                .collect();
        }
        Sources {
            files,
            families,
            items,
            errors,
        }
    }

    /// One version's schema under one contract, derived from source and read as a model.
    pub fn derive(
        &self,
        family: &FamilyDecl,
        version: u32,
        contract: Contract,
    ) -> Result<(Derived, Schema), SourceError> {
        let derived = version_schema(family, version, &self.items, contract);
        let schema = self.read_model(family, version, &derived)?;
        Ok((derived, schema))
    }

    /// The model of a derived schema.
    pub fn read_model(
        &self,
        family: &FamilyDecl,
        version: u32,
        derived: &Derived,
    ) -> Result<Schema, SourceError> {
        read_schema(
            &format!("{} v{version}", family.schema.value()),
            &derived.schema.to_string(),
        )
        .map_err(|e| {
            SourceError(format!(
                "internal: the schema derived for {} v{version} does not read: {e}",
                family.schema.value()
            ))
        })
    }

    /// The family named `schema`, if these sources declare it.
    pub fn family(&self, schema: &str) -> Option<&FamilyDecl> {
        self.families
            .iter()
            .map(|(_, f)| f)
            .find(|f| f.schema.value() == schema)
    }
}
