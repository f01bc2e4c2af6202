//! `lens(...)` inside `step(to = N, ...)`: the step declared as Cambria-style lens operations,
//! from which the derive generates both the upgrade and the downgrade.
//!
//! ```text
//! step(to = 3, lens(
//!     rename(from = done, to = status),
//!     convert(status, up = { false => Progress::Open, true => Progress::Completed },
//!                     down = { Progress::Completed => true, _ => false }),
//! ))
//! ```
//!
//! Top-level names are the struct's field names. Inside `in(host, ...)` and `map(...)` the
//! names are the nested object's JSON property names (the derive cannot see nested types).

use proc_macro2::Span;
use syn::meta::ParseNestedMeta;
use syn::spanned::Spanned;
use syn::{Expr, Ident, Pat};

use crate::attr::{self, key_name};
use crate::ctxt::Ctxt;

/// Operations accepted inside `lens(...)`.
pub const LENS_OPS: &[&str] = &[
    "add", "remove", "rename", "hoist", "plunge", "wrap", "head", "in", "map", "convert",
];

/// One lens operation as written.
#[derive(Debug, Clone)]
pub enum LensOp {
    /// A field that exists from this step on; the downgrade removes it.
    Add {
        name: Ident,
        default: Option<Expr>,
    },
    /// A field that ends at this step; the downgrade puts it back (`default` when the document
    /// does not carry the old value among its unknown fields).
    Remove {
        name: Ident,
        default: Option<Expr>,
    },
    Rename {
        from: Ident,
        to: Ident,
    },
    /// `host.name` moves up to `name`.
    Hoist {
        host: Ident,
        name: Ident,
    },
    /// `name` moves down into `host.name`.
    Plunge {
        host: Ident,
        name: Ident,
    },
    /// A scalar becomes a one-element array.
    Wrap {
        name: Ident,
        default: Option<Expr>,
    },
    /// An array becomes its first element (`default` when it is empty).
    Head {
        name: Ident,
        default: Option<Expr>,
    },
    /// Operations inside the object at `host`.
    In {
        host: Ident,
        ops: Vec<LensOp>,
    },
    /// Operations on every element of the array the lens is at (inside `in`).
    Map {
        ops: Vec<LensOp>,
    },
    /// Values mapped through a table each way.
    Convert {
        name: Ident,
        up: Table,
        down: Option<Table>,
    },
}

/// `{ pattern => value, ... }`: a conversion table. Patterns are literals, paths (unit enum
/// variants, constants) or `_`, so each entry can also be stated as a JSON value pair.
#[derive(Debug, Clone)]
pub struct Table {
    pub arms: Vec<TableArm>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct TableArm {
    /// `None` for `_`.
    pub key: Option<Expr>,
    pub value: Expr,
}

impl Table {
    pub fn wildcard(&self) -> Option<&Expr> {
        self.arms.iter().find(|a| a.key.is_none()).map(|a| &a.value)
    }

    /// The reverse table when this one is a bijection (no `_`, distinct keys and values), or
    /// why it is not.
    pub fn derived_reverse(&self) -> Result<Table, String> {
        if self.wildcard().is_some() {
            return Err("it has a `_` arm, so several values map to one".to_owned());
        }
        let mut seen_keys = Vec::new();
        let mut seen_values = Vec::new();
        for arm in &self.arms {
            let key = tokens(arm.key.as_ref().expect("no wildcard"));
            let value = tokens(&arm.value);
            if seen_keys.contains(&key) {
                return Err(format!("`{key}` appears twice"));
            }
            if seen_values.contains(&value) {
                return Err(format!("two entries map to `{value}`"));
            }
            if !is_pattern_like(&arm.value) {
                return Err(format!(
                    "`{value}` cannot be matched on (only literals and paths can)"
                ));
            }
            seen_keys.push(key);
            seen_values.push(value);
        }
        Ok(Table {
            arms: self
                .arms
                .iter()
                .map(|a| TableArm {
                    key: Some(a.value.clone()),
                    value: a.key.clone().expect("no wildcard"),
                })
                .collect(),
            span: self.span,
        })
    }

    /// Whether `other` is exactly this table reversed (entry for entry, any order).
    pub fn is_inverse_of(&self, other: &Table) -> bool {
        let Ok(reverse) = self.derived_reverse() else {
            return false;
        };
        let set = |t: &Table| {
            let mut v: Vec<(Option<String>, String)> = t
                .arms
                .iter()
                .map(|a| (a.key.as_ref().map(tokens), tokens(&a.value)))
                .collect();
            v.sort();
            v
        };
        set(&reverse) == set(other)
    }
}

fn tokens(e: &Expr) -> String {
    quote::ToTokens::to_token_stream(e)
        .to_string()
        .replace(' ', "")
}

fn is_pattern_like(e: &Expr) -> bool {
    match e {
        Expr::Lit(_) | Expr::Path(_) => true,
        Expr::Unary(u) => matches!(u.op, syn::UnOp::Neg(_)) && matches!(*u.expr, Expr::Lit(_)),
        Expr::Group(g) => is_pattern_like(&g.expr),
        _ => false,
    }
}

/// A table pattern as an expression (for the reverse direction and the JSON form).
fn pattern_to_expr(pat: &Pat) -> Option<Expr> {
    match pat {
        Pat::Lit(lit) => Some(Expr::Lit(lit.clone())),
        Pat::Path(path) => Some(Expr::Path(path.clone())),
        Pat::Ident(ident) if ident.subpat.is_none() && ident.by_ref.is_none() => {
            // `None`, `CONST` or a unit variant brought into scope parse as identifiers.
            Some(Expr::Path(syn::ExprPath {
                attrs: Vec::new(),
                qself: None,
                path: ident.ident.clone().into(),
            }))
        }
        Pat::Paren(p) => pattern_to_expr(&p.pat),
        _ => None,
    }
}

impl LensOp {
    /// The top-level field an operation is reported under (a rename's new name; none for
    /// `map`, which only appears nested).
    pub fn field(&self) -> Option<&Ident> {
        match self {
            LensOp::Add { name, .. }
            | LensOp::Remove { name, .. }
            | LensOp::Wrap { name, .. }
            | LensOp::Head { name, .. }
            | LensOp::Convert { name, .. }
            | LensOp::Hoist { name, .. }
            | LensOp::Plunge { name, .. } => Some(name),
            LensOp::Rename { to, .. } => Some(to),
            LensOp::In { host, .. } => Some(host),
            LensOp::Map { .. } => None,
        }
    }

    /// Whether down(up(x)) == x and up(down(y)) == y for the typed derive, and if not, why.
    /// (The derive keeps a removed or added field's value among the document's unknown
    /// fields, so `add`/`remove` lose nothing; `wrap`/`head` drop extra elements.)
    pub fn loss(&self) -> Option<String> {
        match self {
            LensOp::Add { .. } | LensOp::Remove { .. } | LensOp::Rename { .. } => None,
            LensOp::Hoist { .. } | LensOp::Plunge { .. } => None,
            LensOp::Wrap { .. } => {
                Some("the array keeps only its first element on the way back".to_owned())
            }
            LensOp::Head { .. } => Some("only the array's first element is kept".to_owned()),
            LensOp::In { ops, .. } | LensOp::Map { ops } => ops.iter().find_map(LensOp::loss),
            LensOp::Convert { up, down, .. } => match down {
                None => None,
                Some(down) if up.is_inverse_of(down) => None,
                Some(_) => Some("the `down` table is not the inverse of `up`".to_owned()),
            },
        }
    }

    /// The field names (top level) this op is about: the older version's and the newer one's.
    pub fn touches(&self) -> (Vec<&Ident>, Vec<&Ident>) {
        match self {
            LensOp::Add { name, .. } => (vec![], vec![name]),
            LensOp::Remove { name, .. } => (vec![name], vec![]),
            LensOp::Rename { from, to } => (vec![from], vec![to]),
            LensOp::Hoist { host, name } => (vec![host], vec![host, name]),
            LensOp::Plunge { host, name } => (vec![host, name], vec![host]),
            LensOp::Wrap { name, .. } | LensOp::Head { name, .. } => (vec![name], vec![name]),
            LensOp::Convert { name, .. } => (vec![name], vec![name]),
            LensOp::In { host, .. } => (vec![host], vec![host]),
            LensOp::Map { .. } => (vec![], vec![]),
        }
    }
}

/// Parses `lens(op, op, ...)`; `nested` is true inside `in`/`map`.
pub fn parse_lens(cx: &Ctxt, meta: &ParseNestedMeta<'_>, nested: bool) -> syn::Result<Vec<LensOp>> {
    let mut ops = Vec::new();
    meta.parse_nested_meta(|op| {
        if let Some(parsed) = parse_op(cx, &op, nested)? {
            ops.push(parsed);
        }
        Ok(())
    })?;
    Ok(ops)
}

/// Arguments of one op: positional names, `key = value` pairs and nested ops.
#[derive(Default)]
struct OpArgs {
    positional: Vec<Ident>,
    named: Vec<(Ident, Expr)>,
    tables: Vec<(Ident, Table)>,
    ops: Vec<LensOp>,
}

impl OpArgs {
    fn ident(&self, key: &str) -> Option<Ident> {
        self.named
            .iter()
            .find(|(k, _)| k == key)
            .and_then(|(_, v)| match v {
                Expr::Path(p) => p.path.get_ident().cloned(),
                _ => None,
            })
    }

    fn expr(&self, key: &str) -> Option<Expr> {
        self.named
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
    }

    fn table(&mut self, key: &str) -> Option<Table> {
        let i = self.tables.iter().position(|(k, _)| k == key)?;
        Some(self.tables.remove(i).1)
    }
}

fn parse_op(cx: &Ctxt, op: &ParseNestedMeta<'_>, nested: bool) -> syn::Result<Option<LensOp>> {
    let kind = key_name(op);
    let span = op.path.span();
    if !LENS_OPS.contains(&kind.as_str()) {
        cx.error_spanned_by(
            &op.path,
            attr::unknown_key(&kind, LENS_OPS, "lens operation"),
        );
        attr::skip_value(op)?;
        return Ok(None);
    }
    let mut args = OpArgs::default();
    op.parse_nested_meta(|arg| {
        let key = key_name(&arg);
        if arg.input.peek(syn::token::Paren) {
            if let Some(inner) = parse_op(cx, &arg, true)? {
                args.ops.push(inner);
            }
        } else if arg.input.peek(syn::Token![=]) {
            let ident = arg
                .path
                .get_ident()
                .cloned()
                .unwrap_or_else(|| Ident::new("_", span));
            if key == "up" || key == "down" {
                args.tables.push((ident, parse_table(cx, &arg)?));
            } else {
                args.named.push((ident, arg.value()?.parse()?));
            }
        } else {
            match arg.path.get_ident() {
                Some(ident) => args.positional.push(ident.clone()),
                None => cx.error_spanned_by(&arg.path, "expected a field name"),
            }
        }
        Ok(())
    })?;
    let first = |what: &str| -> Option<Ident> {
        let found = args.positional.first().cloned();
        if found.is_none() {
            cx.error_at(
                span,
                format!("`{kind}(...)` needs the {what}, like `{kind}(status, ...)`"),
            );
        }
        found
    };
    let parsed = match kind.as_str() {
        "add" | "remove" | "wrap" | "head" => {
            let Some(name) = first("field name") else {
                return Ok(None);
            };
            let default = args.expr("default");
            match kind.as_str() {
                "add" => LensOp::Add { name, default },
                "remove" => LensOp::Remove { name, default },
                "wrap" => LensOp::Wrap { name, default },
                _ => LensOp::Head { name, default },
            }
        }
        "rename" => {
            let (from, to) = match (args.ident("from"), args.ident("to")) {
                (Some(from), Some(to)) => (from, to),
                _ => {
                    cx.error_at(span, "`rename` needs `from = old_name, to = new_name`");
                    return Ok(None);
                }
            };
            LensOp::Rename { from, to }
        }
        "hoist" | "plunge" => {
            let (host, name) = match (args.ident("host"), args.ident("name")) {
                (Some(host), Some(name)) => (host, name),
                _ => {
                    cx.error_at(
                        span,
                        format!("`{kind}` needs `host = object_field, name = field`"),
                    );
                    return Ok(None);
                }
            };
            if kind == "hoist" {
                LensOp::Hoist { host, name }
            } else {
                LensOp::Plunge { host, name }
            }
        }
        "in" => {
            let Some(host) = first("object field it goes into") else {
                return Ok(None);
            };
            LensOp::In {
                host,
                ops: std::mem::take(&mut args.ops),
            }
        }
        "map" => {
            if !nested {
                cx.error_at(
                    span,
                    "`map(...)` works on an array: use it inside `in(field, map(...))`",
                );
            }
            LensOp::Map {
                ops: std::mem::take(&mut args.ops),
            }
        }
        _ => {
            let Some(name) = first("field name") else {
                return Ok(None);
            };
            let Some(up) = args.table("up") else {
                cx.error_at(span, "`convert` needs `up = { old => new, ... }`");
                return Ok(None);
            };
            let down = args.table("down");
            if down.is_none()
                && let Err(why) = up.derived_reverse()
            {
                cx.error_at(
                    up.span,
                    format!("the reverse of this table cannot be derived: {why}; add `down = {{ new => old, ... }}`"),
                );
            }
            LensOp::Convert { name, up, down }
        }
    };
    Ok(Some(parsed))
}

fn parse_table(cx: &Ctxt, arg: &ParseNestedMeta<'_>) -> syn::Result<Table> {
    let input = arg.value()?;
    let content;
    let brace = syn::braced!(content in input);
    let mut arms = Vec::new();
    while !content.is_empty() {
        let arm: syn::Arm = content.parse()?;
        if let Some((_, guard)) = &arm.guard {
            cx.error_spanned_by(guard, "conversion tables take no guards");
        }
        let key = match &arm.pat {
            Pat::Wild(_) => None,
            pat => match pattern_to_expr(pat) {
                Some(e) => Some(e),
                None => {
                    cx.error_spanned_by(
                        pat,
                        "a conversion table's keys are literals, paths or `_`",
                    );
                    continue;
                }
            },
        };
        arms.push(TableArm {
            key,
            value: *arm.body,
        });
    }
    Ok(Table {
        arms,
        span: brace.span.join(),
    })
}
