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

use docver_lens::{Convert, Head, In, LensOp, Map, Move, OpKind, Property, Rename, Wrap};
use proc_macro2::Span;
use syn::meta::ParseNestedMeta;
use syn::spanned::Spanned;
use syn::{Expr, Ident, Pat};

use crate::attr::{self, key_name};
use crate::ctxt::Ctxt;

/// One operation as written: the lens interpreter's own model (`docver_lens::LensOp`) over the
/// attribute's Rust names (with their spans) and expressions (defaults, table entries), so
/// that the parser, the derive and the interpreter share one definition of every operation.
/// A table's `_` arm is its `forward_default` (`reverse_default` for `down`).
pub type Op = LensOp<Ident, Expr>;

/// A conversion table: `(pattern, value)` entries as written, the `_` arm aside.
pub type Entries = Vec<(Expr, Expr)>;

/// A top-level operation with the spans the model has no place for.
#[derive(Debug, Clone)]
pub struct WrittenOp {
    pub op: Op,
    /// A `convert`'s `up = { ... }` and `down = { ... }` braces: rustc's errors about the
    /// `match` generated from a table point there.
    pub up_table: Option<Span>,
    pub down_table: Option<Span>,
}

/// The reverse of a table when it is a bijection (no `_`, distinct keys and values, values
/// that can be matched on), or why it is not.
pub fn derived_reverse(
    entries: &[(Expr, Expr)],
    wildcard: Option<&Expr>,
) -> Result<Entries, String> {
    if wildcard.is_some() {
        return Err("it has a `_` arm, so several values map to one".to_owned());
    }
    let mut seen_keys = Vec::new();
    let mut seen_values = Vec::new();
    for (key, value) in entries {
        let (key, value_text) = (tokens(key), tokens(value));
        if seen_keys.contains(&key) {
            return Err(format!("`{key}` appears twice"));
        }
        if seen_values.contains(&value_text) {
            return Err(format!("two entries map to `{value_text}`"));
        }
        if !is_pattern_like(value) {
            return Err(format!(
                "`{value_text}` cannot be matched on (only literals and paths can)"
            ));
        }
        seen_keys.push(key);
        seen_values.push(value_text);
    }
    Ok(entries
        .iter()
        .map(|(k, v)| (v.clone(), k.clone()))
        .collect())
}

/// Whether `down` is exactly the reverse of `up` (entry for entry, any order).
fn is_inverse_of(up: &Convert<Ident, Expr>, down: &[(Expr, Expr)]) -> bool {
    if up.reverse_default.is_some() {
        return false;
    }
    let Ok(reverse) = derived_reverse(&up.forward, up.forward_default.as_ref()) else {
        return false;
    };
    let set = |entries: &[(Expr, Expr)]| {
        let mut v: Vec<(String, String)> = entries
            .iter()
            .map(|(k, v)| (tokens(k), tokens(v)))
            .collect();
        v.sort();
        v
    };
    set(&reverse) == set(down)
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

/// The top-level field an operation is reported under (a rename's new name; none for `map`,
/// which only appears nested).
pub fn field(op: &Op) -> Option<&Ident> {
    match op {
        LensOp::Add(Property { name, .. })
        | LensOp::Remove(Property { name, .. })
        | LensOp::Wrap(Wrap { name, .. })
        | LensOp::Head(Head { name, .. })
        | LensOp::Convert(Convert { name, .. })
        | LensOp::Hoist(Move { name, .. })
        | LensOp::Plunge(Move { name, .. }) => Some(name),
        LensOp::Rename(Rename { to, .. }) => Some(to),
        LensOp::In(In { name, .. }) => Some(name),
        LensOp::Map(_) => None,
    }
}

/// Whether down(up(x)) == x and up(down(y)) == y for the typed derive, and if not, why.
/// (The derive keeps a removed or added field's value among the document's unknown fields, so
/// `add`/`remove` lose nothing; `wrap`/`head` drop extra elements.)
pub fn loss(op: &Op) -> Option<String> {
    match op {
        LensOp::Add(_) | LensOp::Remove(_) | LensOp::Rename(_) => None,
        LensOp::Hoist(_) | LensOp::Plunge(_) => None,
        LensOp::Wrap(_) => {
            Some("the array keeps only its first element on the way back".to_owned())
        }
        LensOp::Head(_) => Some("only the array's first element is kept".to_owned()),
        LensOp::In(In { ops, .. }) | LensOp::Map(Map { ops }) => ops.iter().find_map(loss),
        LensOp::Convert(convert) => match &convert.reverse {
            None => None,
            Some(down) if is_inverse_of(convert, down) => None,
            Some(_) => Some("the `down` table is not the inverse of `up`".to_owned()),
        },
    }
}

/// The field names (top level) an operation is about: the older version's and the newer one's.
pub fn touches(op: &Op) -> (Vec<&Ident>, Vec<&Ident>) {
    match op {
        LensOp::Add(p) => (vec![], vec![&p.name]),
        LensOp::Remove(p) => (vec![&p.name], vec![]),
        LensOp::Rename(r) => (vec![&r.from], vec![&r.to]),
        LensOp::Hoist(m) => (vec![&m.host], vec![&m.host, &m.name]),
        LensOp::Plunge(m) => (vec![&m.host, &m.name], vec![&m.host]),
        LensOp::Wrap(Wrap { name, .. }) | LensOp::Head(Head { name, .. }) => {
            (vec![name], vec![name])
        }
        LensOp::Convert(c) => (vec![&c.name], vec![&c.name]),
        LensOp::In(i) => (vec![&i.name], vec![&i.name]),
        LensOp::Map(_) => (vec![], vec![]),
    }
}

/// Parses `lens(op, op, ...)`; `nested` is true inside `in`/`map`.
pub fn parse_lens(
    cx: &Ctxt,
    meta: &ParseNestedMeta<'_>,
    nested: bool,
) -> syn::Result<Vec<WrittenOp>> {
    let mut ops = Vec::new();
    meta.parse_nested_meta(|op| {
        if let Some(parsed) = parse_op(cx, &op, nested)? {
            ops.push(parsed);
        }
        Ok(())
    })?;
    Ok(ops)
}

/// A `{ pattern => value, ... }` table as written.
struct Table {
    entries: Entries,
    /// The value of the `_` arm.
    wildcard: Option<Expr>,
    span: Span,
}

/// Arguments of one op: positional names, `key = value` pairs and nested ops.
#[derive(Default)]
struct OpArgs {
    positional: Vec<Ident>,
    named: Vec<(Ident, Expr)>,
    tables: Vec<(Ident, Table)>,
    ops: Vec<Op>,
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

    fn parse(cx: &Ctxt, op: &ParseNestedMeta<'_>) -> syn::Result<OpArgs> {
        let mut args = OpArgs::default();
        op.parse_nested_meta(|arg| {
            let key = key_name(&arg);
            if arg.input.peek(syn::token::Paren) {
                if let Some(inner) = parse_op(cx, &arg, true)? {
                    args.ops.push(inner.op);
                }
            } else if arg.input.peek(syn::Token![=]) {
                let ident = arg
                    .path
                    .get_ident()
                    .cloned()
                    .unwrap_or_else(|| Ident::new("_", op.path.span()));
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
        Ok(args)
    }
}

fn parse_op(cx: &Ctxt, op: &ParseNestedMeta<'_>, nested: bool) -> syn::Result<Option<WrittenOp>> {
    let name = key_name(op);
    let span = op.path.span();
    let Some(kind) = OpKind::from_name(&name) else {
        let known = OpKind::ALL.map(OpKind::name);
        cx.error_spanned_by(&op.path, attr::unknown_key(&name, &known, "lens operation"));
        attr::skip_value(op)?;
        return Ok(None);
    };
    let mut args = OpArgs::parse(cx, op)?;
    // A misspelt argument is reported on itself, not as the operation missing the one meant.
    let known = named_arguments(kind);
    let mut misspelt = false;
    for (key, _) in &args.named {
        let key_text = key.to_string();
        if !known.contains(&key_text.as_str()) {
            misspelt = true;
            let message = if known.is_empty() {
                format!("`{name}(...)` takes no `{key_text} = ...` argument")
            } else {
                attr::unknown_key(&key_text, known, &format!("`{name}` argument"))
            };
            cx.error_spanned_by(key, message);
        }
    }
    if misspelt {
        return Ok(None);
    }
    let first = |what: &str| -> Option<Ident> {
        let found = args.positional.first().cloned();
        if found.is_none() {
            cx.error_at(
                span,
                format!("`{name}(...)` needs the {what}, like `{name}(status, ...)`"),
            );
        }
        found
    };
    let (mut up_table, mut down_table) = (None, None);
    let parsed = match kind {
        OpKind::Add | OpKind::Remove | OpKind::Wrap | OpKind::Head => {
            let Some(name) = first("field name") else {
                return Ok(None);
            };
            let default = args.expr("default");
            let property = |name, default| Property {
                name,
                default,
                schema: None,
                required: false,
            };
            match kind {
                OpKind::Add => LensOp::Add(property(name, default)),
                OpKind::Remove => LensOp::Remove(property(name, default)),
                OpKind::Wrap => LensOp::Wrap(Wrap { name, default }),
                _ => LensOp::Head(Head { name, default }),
            }
        }
        OpKind::Rename => {
            let (Some(from), Some(to)) = (args.ident("from"), args.ident("to")) else {
                cx.error_at(span, "`rename` needs `from = old_name, to = new_name`");
                return Ok(None);
            };
            LensOp::Rename(Rename { from, to })
        }
        OpKind::Hoist | OpKind::Plunge => {
            let (Some(host), Some(field)) = (args.ident("host"), args.ident("name")) else {
                cx.error_at(
                    span,
                    format!("`{name}` needs `host = object_field, name = field`"),
                );
                return Ok(None);
            };
            let moved = Move { host, name: field };
            if kind == OpKind::Hoist {
                LensOp::Hoist(moved)
            } else {
                LensOp::Plunge(moved)
            }
        }
        OpKind::In => {
            let Some(host) = first("object field it goes into") else {
                return Ok(None);
            };
            LensOp::In(In {
                name: host,
                ops: std::mem::take(&mut args.ops),
            })
        }
        OpKind::Map => {
            if !nested {
                cx.error_at(
                    span,
                    "`map(...)` works on an array: use it inside `in(field, map(...))`",
                );
            }
            LensOp::Map(Map {
                ops: std::mem::take(&mut args.ops),
            })
        }
        OpKind::Convert => {
            let Some(name) = first("field name") else {
                return Ok(None);
            };
            let Some(up) = args.table("up") else {
                cx.error_at(span, "`convert` needs `up = { old => new, ... }`");
                return Ok(None);
            };
            let down = args.table("down");
            if down.is_none()
                && let Err(why) = derived_reverse(&up.entries, up.wildcard.as_ref())
            {
                cx.error_at(
                    up.span,
                    format!("the reverse of this table cannot be derived: {why}; add `down = {{ new => old, ... }}`"),
                );
            }
            up_table = Some(up.span);
            down_table = down.as_ref().map(|d| d.span);
            let (reverse, reverse_default) = match down {
                Some(down) => (Some(down.entries), down.wildcard),
                None => (None, None),
            };
            LensOp::Convert(Convert {
                name,
                forward: up.entries,
                forward_default: up.wildcard,
                reverse,
                reverse_default,
                schema: None,
                reverse_schema: None,
            })
        }
    };
    Ok(Some(WrittenOp {
        op: parsed,
        up_table,
        down_table,
    }))
}

/// The `key = value` arguments an operation takes (`convert`'s `up`/`down` tables aside).
fn named_arguments(kind: OpKind) -> &'static [&'static str] {
    match kind {
        OpKind::Add | OpKind::Remove | OpKind::Wrap | OpKind::Head => &["default"],
        OpKind::Rename => &["from", "to"],
        OpKind::Hoist | OpKind::Plunge => &["host", "name"],
        OpKind::In | OpKind::Map | OpKind::Convert => &[],
    }
}

fn parse_table(cx: &Ctxt, arg: &ParseNestedMeta<'_>) -> syn::Result<Table> {
    let input = arg.value()?;
    let content;
    let brace = syn::braced!(content in input);
    let mut table = Table {
        entries: Vec::new(),
        wildcard: None,
        span: brace.span.join(),
    };
    while !content.is_empty() {
        let arm: syn::Arm = content.parse()?;
        if let Some((_, guard)) = &arm.guard {
            cx.error_spanned_by(guard, "conversion tables take no guards");
        }
        if table.wildcard.is_some() {
            // The interpreter tries every entry before the default; a `match` would not.
            cx.error_spanned_by(
                &arm.pat,
                "this entry comes after `_`, which already matches everything: put `_` last",
            );
            continue;
        }
        match &arm.pat {
            Pat::Wild(_) => table.wildcard = Some(*arm.body),
            pat => match pattern_to_expr(pat) {
                Some(key) => table.entries.push((key, *arm.body)),
                None => {
                    cx.error_spanned_by(pat, "a conversion table's keys are literals, paths or `_`")
                }
            },
        }
    }
    Ok(table)
}
