//! The JSON names serde gives a family's fields: `#[serde(rename = "...")]` on the field, else
//! the container's `#[serde(rename_all = "...")]` style applied to the Rust name.

use syn::Attribute;

use crate::ast::{Family, Field};

/// serde's `rename_all` case styles.
pub fn rename(name: &str, style: &str) -> String {
    let words: Vec<String> = {
        let mut words = Vec::new();
        let mut current = String::new();
        let chars: Vec<char> = name.chars().collect();
        for (i, c) in chars.iter().enumerate() {
            if *c == '_' || *c == '-' {
                if !current.is_empty() {
                    words.push(std::mem::take(&mut current));
                }
                continue;
            }
            let boundary = c.is_uppercase()
                && i > 0
                && (chars[i - 1].is_lowercase()
                    || chars.get(i + 1).is_some_and(|n| n.is_lowercase())
                        && chars[i - 1].is_uppercase());
            if boundary && !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            current.push(*c);
        }
        if !current.is_empty() {
            words.push(current);
        }
        words.into_iter().map(|w| w.to_lowercase()).collect()
    };
    let capitalized = |w: &String| {
        let mut c = w.chars();
        c.next()
            .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
            .unwrap_or_default()
    };
    match style {
        "lowercase" => name.to_lowercase(),
        "UPPERCASE" => name.to_uppercase(),
        "PascalCase" => words.iter().map(capitalized).collect(),
        "camelCase" => words
            .iter()
            .enumerate()
            .map(|(i, w)| if i == 0 { w.clone() } else { capitalized(w) })
            .collect(),
        "snake_case" => words.join("_"),
        "SCREAMING_SNAKE_CASE" => words.join("_").to_uppercase(),
        "kebab-case" => words.join("-"),
        "SCREAMING-KEBAB-CASE" => words.join("-").to_uppercase(),
        _ => name.to_owned(),
    }
}

/// The string value of `key = "..."` (or `key(deserialize = "...")`) in `#[serde(...)]`.
fn serde_string(attrs: &[Attribute], wanted: &str) -> Option<String> {
    let mut found = None;
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let _ = attr.parse_nested_meta(|meta| {
            let is_wanted = meta.path.is_ident(wanted);
            if meta.input.peek(syn::Token![=]) {
                let value: syn::Expr = meta.value()?.parse()?;
                if is_wanted
                    && let syn::Expr::Lit(syn::ExprLit {
                        lit: syn::Lit::Str(s),
                        ..
                    }) = value
                {
                    found = Some(s.value());
                }
            } else if meta.input.peek(syn::token::Paren) {
                meta.parse_nested_meta(|inner| {
                    let value = inner.value()?.parse::<syn::LitStr>()?.value();
                    if is_wanted && (inner.path.is_ident("deserialize") || found.is_none()) {
                        found = Some(value);
                    }
                    Ok(())
                })?;
            }
            Ok(())
        });
    }
    found
}

/// Every `key = "..."` value of `wanted` in `#[serde(...)]`, in order (`alias` may repeat).
fn serde_strings(attrs: &[Attribute], wanted: &str) -> Vec<String> {
    let mut found = Vec::new();
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let _ = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident(wanted) && meta.input.peek(syn::Token![=]) {
                found.push(meta.value()?.parse::<syn::LitStr>()?.value());
            } else {
                crate::attr::skip_value(&meta)?;
            }
            Ok(())
        });
    }
    found
}

impl Field {
    /// The other names serde accepts for this field when reading (`#[serde(alias = "...")]`).
    pub fn serde_aliases(&self) -> Vec<String> {
        serde_strings(&self.attrs, "alias")
    }
}

impl Family {
    /// The JSON property name of `field` in this family's documents.
    pub fn json_name(&self, field: &Field) -> String {
        if let Some(name) = serde_string(&field.attrs, "rename") {
            return name;
        }
        // serde names a raw identifier `r#type` "type".
        let name = field.name();
        let name = name.strip_prefix("r#").unwrap_or(&name);
        match serde_string(&self.attrs, "rename_all") {
            Some(style) => rename(name, &style),
            None => name.to_owned(),
        }
    }

    /// The container's `#[serde(rename = "...")]`, if it has one.
    pub fn serde_rename(&self) -> Option<String> {
        serde_string(&self.attrs, "rename")
    }
}
