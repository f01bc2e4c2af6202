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

/// One key of a `#[serde(...)]` attribute, as written.
#[derive(Debug, Clone, PartialEq)]
pub struct SerdeKey {
    pub key: String,
    pub value: SerdeValue,
}

#[derive(Debug, Clone, PartialEq)]
pub enum SerdeValue {
    /// `key`
    Bare,
    /// `key = "..."`
    Str(String),
    /// `key = <anything but a string>`
    Expr,
    /// `key(serialize = "...", deserialize = "...")`, in order.
    Split(Vec<(String, String)>),
}

impl SerdeValue {
    /// The string this key gives when reading: `key = "..."`, or the `deserialize` value of
    /// `key(...)` (else its first).
    pub fn for_reading(&self) -> Option<&str> {
        match self {
            SerdeValue::Str(s) => Some(s),
            SerdeValue::Split(split) => split
                .iter()
                .find(|(direction, _)| direction == "deserialize")
                .or(split.first())
                .map(|(_, value)| value.as_str()),
            SerdeValue::Bare | SerdeValue::Expr => None,
        }
    }
}

/// Every key of the `#[serde(...)]` attributes in `attrs`, in order; `None` if one does not
/// parse (serde's derive reports it).
pub fn serde_keys(attrs: &[Attribute]) -> Option<Vec<SerdeKey>> {
    let mut keys = Vec::new();
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        attr.parse_nested_meta(|meta| {
            let value = if meta.input.peek(syn::Token![=]) {
                match meta.value()?.parse::<syn::Expr>()? {
                    syn::Expr::Lit(syn::ExprLit {
                        lit: syn::Lit::Str(s),
                        ..
                    }) => SerdeValue::Str(s.value()),
                    _ => SerdeValue::Expr,
                }
            } else if meta.input.peek(syn::token::Paren) {
                let mut split = Vec::new();
                meta.parse_nested_meta(|inner| {
                    let value = inner.value()?.parse::<syn::LitStr>()?.value();
                    split.push((crate::attr::key_name(&inner), value));
                    Ok(())
                })?;
                SerdeValue::Split(split)
            } else {
                SerdeValue::Bare
            };
            keys.push(SerdeKey {
                key: crate::attr::key_name(&meta),
                value,
            });
            Ok(())
        })
        .ok()?;
    }
    Some(keys)
}

/// The string value of the last `key = "..."` (or `key(deserialize = "...")`) in
/// `#[serde(...)]`.
fn serde_string(attrs: &[Attribute], wanted: &str) -> Option<String> {
    serde_keys(attrs)
        .unwrap_or_default()
        .iter()
        .rev()
        .filter(|k| k.key == wanted)
        .find_map(|k| k.value.for_reading().map(str::to_owned))
}

impl Field {
    /// The other names serde accepts for this field when reading (`#[serde(alias = "...")]`).
    pub fn serde_aliases(&self) -> Vec<String> {
        serde_keys(&self.attrs)
            .unwrap_or_default()
            .into_iter()
            .filter_map(|k| match k.value {
                SerdeValue::Str(alias) if k.key == "alias" => Some(alias),
                _ => None,
            })
            .collect()
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
