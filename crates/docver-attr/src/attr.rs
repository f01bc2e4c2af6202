//! `#[docver(...)]` on fields and the arguments of `#[versioned(...)]`.

use proc_macro2::Span;
use syn::meta::ParseNestedMeta;
use syn::spanned::Spanned;
use syn::{Expr, ExprLit, Lit, LitInt, LitStr, Path};

use crate::ctxt::Ctxt;

/// Keys accepted on a field.
pub const FIELD_KEYS: &[&str] = &[
    "since",
    "until",
    "default",
    "upgrade",
    "downgrade",
    "fallible",
    "lossless",
];
/// Keys accepted on the container.
pub const CONTAINER_KEYS: &[&str] = &[
    "schema",
    "versions",
    "base",
    "schema_field",
    "version_field",
    "step",
];
/// Keys accepted inside `step(...)`.
pub const STEP_KEYS: &[&str] = &[
    "to",
    "upgrade",
    "downgrade",
    "fallible",
    "lossless",
    "parts",
    "lens",
];

/// A version number with where it was written.
#[derive(Debug, Clone, Copy)]
pub struct Version {
    pub value: u32,
    pub span: Span,
}

/// `default` or `default = path` on a field.
#[derive(Debug, Clone)]
pub enum DefaultValue {
    /// `Default::default()`.
    Trait(Span),
    /// A function returning the value.
    Path(Path),
}

/// What `#[docver(...)]` says about one field.
#[derive(Debug, Clone, Default)]
pub struct FieldAttrs {
    pub since: Option<Version>,
    pub until: Option<Version>,
    pub default: Option<DefaultValue>,
    pub upgrade: Option<Path>,
    pub downgrade: Option<Path>,
    pub fallible: bool,
    pub lossless: bool,
}

/// Edit distance, for "did you mean".
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = if ca == *cb {
                prev
            } else {
                1 + prev.min(row[j]).min(row[j + 1])
            };
            prev = cur;
        }
    }
    row[b.len()]
}

/// "unknown docver attribute `sinse`; did you mean `since`?" (or the list of keys).
pub fn unknown_key(key: &str, known: &[&str], what: &str) -> String {
    let best = known
        .iter()
        .map(|k| (distance(key, k), *k))
        .min()
        .filter(|(d, _)| *d <= 2);
    match best {
        Some((_, k)) => format!("unknown {what} `{key}`; did you mean `{k}`?"),
        None => format!(
            "unknown {what} `{key}`; expected one of: {}",
            known.join(", ")
        ),
    }
}

/// Skips the value of a key already reported as unknown (`= value` or `(...)`), so the keys
/// after it are still read and checked.
pub fn skip_value(meta: &ParseNestedMeta<'_>) -> syn::Result<()> {
    if meta.input.peek(syn::Token![=]) {
        let _: Expr = meta.value()?.parse()?;
    } else if meta.input.peek(syn::token::Paren) {
        let _: proc_macro2::Group = meta.input.parse()?;
    }
    Ok(())
}

/// The keys already given in one attribute list (a field's `#[docver(...)]`s, the arguments of
/// `#[versioned(...)]`, one `step(...)`), so that a repeated key is an error rather than
/// silently replacing the first.
#[derive(Debug, Default)]
pub struct GivenKeys {
    given: Vec<String>,
}

impl GivenKeys {
    /// Records the key of `meta`; if it was given before, reports the repetition on it.
    /// `what` names the list in the message ("docver attribute", "`step` argument").
    pub fn record(&mut self, cx: &Ctxt, meta: &ParseNestedMeta<'_>, what: &str) {
        let key = key_name(meta);
        if self.given.contains(&key) {
            cx.error_spanned_by(
                &meta.path,
                format!("duplicate {what} `{key}`: it is already given; keep one"),
            );
        } else {
            self.given.push(key);
        }
    }
}

pub fn key_name(meta: &ParseNestedMeta<'_>) -> String {
    meta.path
        .get_ident()
        .map(ToString::to_string)
        .unwrap_or_else(|| quote::ToTokens::to_token_stream(&meta.path).to_string())
}

pub fn parse_version(meta: &ParseNestedMeta<'_>) -> syn::Result<Version> {
    let lit: LitInt = meta.value()?.parse()?;
    Ok(Version {
        value: lit.base10_parse()?,
        span: lit.span(),
    })
}

pub fn parse_path(meta: &ParseNestedMeta<'_>) -> syn::Result<Path> {
    let value = meta.value()?;
    // Accept `upgrade = path::to::fn` and the serde-style `upgrade = "path::to::fn"`.
    let parsed = if value.peek(LitStr) {
        let lit: LitStr = value.parse()?;
        lit.parse()
    } else {
        value.parse()
    };
    parsed.map_err(|e| {
        let key = key_name(meta);
        let message = if key == "default" {
            "`default = ...` takes the path of a function returning the value, like \
             `default = defaults::priority`; write a bare `default` for `Default::default()`"
                .to_owned()
        } else {
            format!(
                "`{key} = ...` takes the path of a migration function, like `{key} = migrate::f`"
            )
        };
        syn::Error::new(e.span(), message)
    })
}

impl FieldAttrs {
    pub fn from_attrs(cx: &Ctxt, attrs: &[syn::Attribute]) -> FieldAttrs {
        let mut out = FieldAttrs::default();
        // Over all of the field's `#[docver(...)]`s: a key is given once in any of them.
        let mut given = GivenKeys::default();
        for attr in attrs.iter().filter(|a| a.path().is_ident("docver")) {
            let result = attr.parse_nested_meta(|meta| {
                let key = key_name(&meta);
                if FIELD_KEYS.contains(&key.as_str()) {
                    given.record(cx, &meta, "docver attribute");
                }
                match key.as_str() {
                    "since" => out.since = Some(parse_version(&meta)?),
                    "until" => out.until = Some(parse_version(&meta)?),
                    "default" => {
                        out.default = Some(if meta.input.peek(syn::Token![=]) {
                            DefaultValue::Path(parse_path(&meta)?)
                        } else {
                            DefaultValue::Trait(meta.path.span())
                        })
                    }
                    "upgrade" => out.upgrade = Some(parse_path(&meta)?),
                    "downgrade" => out.downgrade = Some(parse_path(&meta)?),
                    "fallible" => out.fallible = true,
                    "lossless" => out.lossless = true,
                    _ => {
                        cx.error_spanned_by(
                            &meta.path,
                            unknown_key(&key, FIELD_KEYS, "docver attribute"),
                        );
                        skip_value(&meta)?;
                    }
                }
                Ok(())
            });
            if let Err(e) = result {
                cx.syn_error(e);
            }
        }
        out
    }
}

/// `versions = 1..=4`, `versions = 1..5` or `versions = [1, 2, 4]`.
pub fn parse_versions(cx: &Ctxt, expr: &Expr) -> Vec<Version> {
    let int = |e: &Expr| match e {
        Expr::Lit(ExprLit {
            lit: Lit::Int(i), ..
        }) => i.base10_parse::<u32>().ok().map(|v| Version {
            value: v,
            span: i.span(),
        }),
        _ => None,
    };
    match expr {
        Expr::Range(range) => {
            let (Some(start), Some(end)) = (
                range.start.as_deref().and_then(int),
                range.end.as_deref().and_then(int),
            ) else {
                cx.error_spanned_by(expr, "`versions` must be a range of integer literals like `1..=4`, or a list like `[1, 2, 4]`");
                return Vec::new();
            };
            let last = match range.limits {
                syn::RangeLimits::Closed(_) => end.value,
                syn::RangeLimits::HalfOpen(_) => end.value.saturating_sub(1),
            };
            if last < start.value {
                cx.error_spanned_by(expr, "`versions` is an empty range");
                return Vec::new();
            }
            (start.value..=last)
                .map(|value| Version {
                    value,
                    span: start.span.join(end.span).unwrap_or(start.span),
                })
                .collect()
        }
        Expr::Array(array) => array
            .elems
            .iter()
            .filter_map(|e| {
                let v = int(e);
                if v.is_none() {
                    cx.error_spanned_by(e, "expected a version number");
                }
                v
            })
            .collect(),
        _ => {
            cx.error_spanned_by(
                expr,
                "`versions` must be a range like `1..=4` or a list like `[1, 2, 4]`",
            );
            Vec::new()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_the_closest_key() {
        assert_eq!(
            unknown_key("sinse", FIELD_KEYS, "docver attribute"),
            "unknown docver attribute `sinse`; did you mean `since`?"
        );
        assert!(unknown_key("zzzzzz", FIELD_KEYS, "docver attribute").contains("expected one of"));
    }
}
