//! Rust identifiers from schema names: deterministic, valid, and deduplicated.

use std::collections::BTreeSet;

use proc_macro2::{Ident, Span};

/// Words of a name: split on anything that is not a letter or digit, and before an upper-case
/// letter that follows a lower-case letter or digit (`todoItem` → `todo`, `Item`).
fn words(s: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut prev_lower = false;
    for c in s.chars() {
        if !c.is_ascii_alphanumeric() {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            prev_lower = false;
            continue;
        }
        if c.is_ascii_uppercase() && prev_lower && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        current.push(c);
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

/// `todo-item` → `TodoItem`; never empty, never starts with a digit.
pub(crate) fn pascal(s: &str) -> String {
    let mut out = String::new();
    for word in words(s) {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            out.push(first.to_ascii_uppercase());
            out.extend(chars.map(|c| c.to_ascii_lowercase()));
        }
    }
    if out.is_empty() {
        out.push_str("Empty");
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, 'V');
    }
    out
}

/// `todoItem` → `todo_item`; never empty, never starts with a digit.
pub(crate) fn snake(s: &str) -> String {
    let mut out = words(s)
        .iter()
        .map(|w| w.to_ascii_lowercase())
        .collect::<Vec<_>>()
        .join("_");
    if out.is_empty() {
        out.push_str("empty");
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert_str(0, "n_");
    }
    // `self`, `super` and `crate` cannot even be raw identifiers: the name itself changes, so
    // that a field named after one gets `#[serde(rename)]` back to its JSON name.
    if NOT_RAW.contains(&out.as_str()) {
        out.push('_');
    }
    out
}

/// Whether a title reads as a type name (`Todo`, `todo-item`, `Todo Item`) rather than a
/// sentence.
pub(crate) fn is_name_like(title: &str) -> bool {
    !title.is_empty()
        && title.len() <= 64
        && title.starts_with(|c: char| c.is_ascii_alphabetic())
        && title
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | ' ' | '.'))
        && title.split_whitespace().count() <= 4
}

const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "dyn", "else", "enum", "extern", "false",
    "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub",
    "ref", "return", "static", "struct", "trait", "true", "type", "unsafe", "use", "where",
    "while", "abstract", "become", "box", "do", "final", "macro", "override", "priv", "typeof",
    "unsized", "virtual", "yield", "try",
];

/// Keywords that cannot be raw identifiers.
const NOT_RAW: &[&str] = &["self", "super", "crate", "_"];

/// An identifier for `text` (already snake or Pascal case): raw (`r#type`) for keywords.
pub(crate) fn ident(text: &str) -> Ident {
    if KEYWORDS.contains(&text) {
        Ident::new_raw(text, Span::call_site())
    } else if NOT_RAW.contains(&text) || text == "Self" {
        Ident::new(&format!("{text}_"), Span::call_site())
    } else {
        Ident::new(text, Span::call_site())
    }
}

/// Type names the generated code uses unqualified; a schema name equal to one gets a suffix.
const RESERVED_TYPES: &[&str] = &[
    "Option", "Some", "None", "Vec", "String", "Box", "Result", "Ok", "Err", "Self",
];

/// Hands out names in one namespace: the first request for a name gets it, later ones get
/// `Name2`, `Name3`, … (or `name_2`, … for snake-case names).
#[derive(Debug, Default)]
pub(crate) struct Namespace {
    taken: BTreeSet<String>,
}

impl Namespace {
    pub(crate) fn with_reserved(names: &[&str]) -> Namespace {
        Namespace {
            taken: names.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    pub(crate) fn types() -> Namespace {
        Namespace::with_reserved(RESERVED_TYPES)
    }

    pub(crate) fn claim(&mut self, base: &str) -> String {
        let snake_case = base.contains('_') || base.starts_with(|c: char| c.is_ascii_lowercase());
        let mut candidate = base.to_owned();
        let mut n = 2;
        while self.taken.contains(&candidate) {
            candidate = if snake_case {
                format!("{base}_{n}")
            } else {
                format!("{base}{n}")
            };
            n += 1;
        }
        self.taken.insert(candidate.clone());
        candidate
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cases() {
        assert_eq!(pascal("todo-item"), "TodoItem");
        assert_eq!(pascal("todoItem"), "TodoItem");
        assert_eq!(pascal("in progress"), "InProgress");
        assert_eq!(pascal("1st"), "V1st");
        assert_eq!(pascal(""), "Empty");
        assert_eq!(snake("dueDate"), "due_date");
        assert_eq!(snake("Due-Date"), "due_date");
        assert_eq!(snake("2fa"), "n_2fa");
        assert_eq!(snake("self"), "self_");
        assert_eq!(snake("Super"), "super_");
        assert_eq!(ident("type").to_string(), "r#type");
        assert_eq!(ident("self").to_string(), "self_");
        let mut ns = Namespace::types();
        assert_eq!(ns.claim("Todo"), "Todo");
        assert_eq!(ns.claim("Todo"), "Todo2");
        assert_eq!(ns.claim("Option"), "Option2");
        let mut ns = Namespace::default();
        assert_eq!(ns.claim("upgrade_status"), "upgrade_status");
        assert_eq!(ns.claim("upgrade_status"), "upgrade_status_2");
    }
}
