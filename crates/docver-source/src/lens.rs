//! A step's declared lens in its JSON form, read from source: what the derive's `lens()`
//! exports, so that the check can ask whether the lens produces the next version's schema
//! (`lens-disagrees`, [`docver_check::check::lens_agreement`]).
//!
//! Top-level names become JSON names (the field's serde name in the older or newer version);
//! names inside `in`/`map` are JSON names already. Conversion tables are needed where the
//! schema transform has no property schema to adopt; their values are read as literals or as
//! unit variants of enums defined in the scanned files, and one that cannot be read makes the
//! step's lens unchecked (a located warning), never guessed. Defaults only matter to
//! documents: one that cannot be read is left out of the model.

use std::collections::BTreeMap;

use docver::lens::{Convert, Head, In, LensOp, Map, Move, Property, Rename, Wrap};
use docver_attr::FamilyDecl;
use docver_attr::lens_syntax::Op;
use docver_attr::serde_attr::{Direction, SerdeContainer, SerdeVariant};
use serde_json::Value;
use syn::{Expr, Ident, Item};

/// The lens of step `previous → next` as `x-docver-lens`, with the property schemas taken
/// from the older and newer reader schemas (as the derive's `lens()` does), or why it cannot
/// be read from source. `None` when the step declares no lens.
pub fn step_lens(
    family: &FamilyDecl,
    (previous, next): (u32, u32),
    items: &BTreeMap<String, Item>,
    (older, newer): (&Value, &Value),
) -> Option<Result<Value, String>> {
    let written = family.lens_to(next);
    if written.is_empty() {
        return None;
    }
    let cx = Resolve {
        family,
        items,
        versions: (previous, next),
    };
    let ops: Result<Vec<LensOp>, String> = written.iter().map(|w| cx.op(&w.op, true)).collect();
    // The derive's own assembly: the same property schemas as its `lens()` carries.
    Some(ops.map(|ops| docver::__private::lens_document(previous, next, Ok(ops), older, newer)))
}

struct Resolve<'a> {
    family: &'a FamilyDecl,
    items: &'a BTreeMap<String, Item>,
    versions: (u32, u32),
}

impl Resolve<'_> {
    /// A name as the documents spell it: top-level names through the field's serde name.
    fn key(&self, name: &Ident, older: bool, top: bool) -> String {
        let version = if older {
            self.versions.0
        } else {
            self.versions.1
        };
        match self.family.field_in(version, &name.to_string()) {
            Some(field) if top => self.family.json_name(field),
            _ => name.to_string(),
        }
    }

    fn op(&self, op: &Op, top: bool) -> Result<LensOp, String> {
        let key = |name: &Ident, older: bool| self.key(name, older, top);
        // Defaults only matter to documents, not to the schema transform: one that cannot be
        // read from source is left out rather than guessed.
        let default = |v: &Option<Expr>| -> Result<Option<Value>, String> {
            Ok(v.as_ref().and_then(|e| self.value(e).ok()))
        };
        let value = |v: &Option<Expr>| v.as_ref().map(|e| self.value(e)).transpose();
        let table = |t: &[(Expr, Expr)]| -> Result<Vec<(Value, Value)>, String> {
            t.iter()
                .map(|(k, v)| Ok((self.value(k)?, self.value(v)?)))
                .collect()
        };
        let nested = |ops: &[Op]| -> Result<Vec<LensOp>, String> {
            ops.iter().map(|op| self.op(op, false)).collect()
        };
        let property = |p: &Property<Ident, Expr>, older: bool| -> Result<Property, String> {
            Ok(Property {
                name: key(&p.name, older),
                default: default(&p.default)?,
                schema: p.schema.clone(),
                required: p.required,
            })
        };
        Ok(match op {
            LensOp::Add(p) => LensOp::Add(property(p, false)?),
            LensOp::Remove(p) => LensOp::Remove(property(p, true)?),
            LensOp::Rename(r) => LensOp::Rename(Rename {
                from: key(&r.from, true),
                to: key(&r.to, false),
            }),
            LensOp::Hoist(m) => LensOp::Hoist(Move {
                host: key(&m.host, true),
                name: m.name.to_string(),
            }),
            LensOp::Plunge(m) => LensOp::Plunge(Move {
                host: key(&m.host, true),
                name: m.name.to_string(),
            }),
            LensOp::Wrap(w) => LensOp::Wrap(Wrap {
                name: key(&w.name, true),
                default: default(&w.default)?,
            }),
            LensOp::Head(h) => LensOp::Head(Head {
                name: key(&h.name, true),
                default: default(&h.default)?,
            }),
            LensOp::In(i) => LensOp::In(In {
                name: key(&i.name, true),
                ops: nested(&i.ops)?,
            }),
            LensOp::Map(m) => LensOp::Map(Map {
                ops: nested(&m.ops)?,
            }),
            LensOp::Convert(c) => LensOp::Convert(Convert {
                name: key(&c.name, true),
                forward: table(&c.forward)?,
                forward_default: value(&c.forward_default)?,
                reverse: c.reverse.as_deref().map(table).transpose()?,
                reverse_default: value(&c.reverse_default)?,
                schema: c.schema.clone(),
                reverse_schema: c.reverse_schema.clone(),
            }),
        })
    }

    /// A value written in the attribute, as JSON: a literal, `None`, or a unit variant of an
    /// enum defined in the scanned files (named as serde names it).
    fn value(&self, expr: &Expr) -> Result<Value, String> {
        let unreadable = || {
            format!(
                "`{}` cannot be read as a JSON value from source",
                quote::ToTokens::to_token_stream(expr)
            )
        };
        match expr {
            Expr::Lit(lit) => literal(&lit.lit).ok_or_else(unreadable),
            Expr::Group(g) => self.value(&g.expr),
            Expr::Paren(p) => self.value(&p.expr),
            Expr::Unary(u) if matches!(u.op, syn::UnOp::Neg(_)) => match self.value(&u.expr)? {
                Value::Number(n) => match (n.as_i64(), n.as_f64()) {
                    (Some(i), _) => Ok(Value::from(-i)),
                    (None, Some(f)) => Ok(Value::from(-f)),
                    _ => Err(unreadable()),
                },
                _ => Err(unreadable()),
            },
            Expr::Path(p) if p.path.is_ident("None") => Ok(Value::Null),
            Expr::Path(p) => self.unit_variant(&p.path).ok_or_else(unreadable),
            _ => Err(unreadable()),
        }
    }

    /// `Progress::Open` → `"open"`, when `Progress` is an enum of the scanned files.
    fn unit_variant(&self, path: &syn::Path) -> Option<Value> {
        let mut segments = path.segments.iter().rev();
        let variant = &segments.next()?.ident;
        let enum_name = segments.next()?.ident.to_string();
        let Some(Item::Enum(item)) = self.items.get(&enum_name) else {
            return None;
        };
        let declared = item.variants.iter().find(|v| v.ident == *variant)?;
        let container = SerdeContainer::from_attrs(&item.attrs);
        let serde = SerdeVariant::from_attrs(&declared.attrs);
        let name = serde.name(
            &variant.to_string(),
            &container.rename_all,
            Direction::Serialize,
        );
        Some(Value::String(name))
    }
}

fn literal(lit: &syn::Lit) -> Option<Value> {
    Some(match lit {
        syn::Lit::Bool(b) => Value::Bool(b.value),
        syn::Lit::Str(s) => Value::String(s.value()),
        syn::Lit::Char(c) => Value::String(c.value().to_string()),
        syn::Lit::Int(i) => Value::from(i.base10_parse::<i64>().ok()?),
        syn::Lit::Float(f) => Value::from(f.base10_parse::<f64>().ok()?),
        _ => return None,
    })
}
