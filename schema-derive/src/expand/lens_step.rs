//! Typed code for a step declared with `lens(...)`.
//!
//! The operations are followed over the older version's fields at compile time: each field the
//! lens touches is a *slot* holding an expression (`from.status`, or a local the code computed),
//! and each operation rewrites slots. The fields the lens produces are then assigned from
//! their slots. Only `in`/`map`/`hoist`/`plunge` go through `serde_json::Value` (for the nested
//! object alone, whose type the macro cannot see); everything else is plain moves and `match`es.
//! The downgrade is the same walk over the inverted operations in reverse order.

use std::convert::Infallible;

use docver_attr::attr::DefaultValue;
use docver_attr::lens_syntax::{self, Op, WrittenOp, derived_reverse};
use docver_attr::{FamilyDecl, Field};
use docver_lens::{Convert, Head, In, LensOp, Map, Move, Property, Rename, Way, Wrap};
use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::Ident;
use syn::spanned::Spanned;

/// A field's value while the lens runs.
#[derive(Clone)]
struct Slot {
    expr: TokenStream,
    /// Whether `expr` is a `serde_json::Value` (after an operation on a nested object).
    json: bool,
}

/// The generated statements and the value of every field the lens writes.
pub struct LensCode {
    pub statements: Vec<TokenStream>,
    pub fields: Vec<(String, TokenStream)>,
    /// Document paths whose values a round trip through this step may change.
    pub lossy: Vec<String>,
}

struct Walk<'a> {
    family: &'a FamilyDecl,
    /// The version read and the one written.
    source: u32,
    target: u32,
    slots: Vec<(String, Slot)>,
    statements: Vec<TokenStream>,
    counter: usize,
    way: Way,
}

/// Generates one direction of a lens step between `previous` and `next`.
pub fn generate(family: &FamilyDecl, previous: u32, next: u32, way: Way) -> LensCode {
    let ops = family.lens_to(next);
    let (source, target) = match way {
        Way::Up => (previous, next),
        Way::Down => (next, previous),
    };
    let mut walk = Walk {
        family,
        source,
        target,
        slots: Vec::new(),
        statements: Vec::new(),
        counter: 0,
        way,
    };
    let inverted: Vec<WrittenOp>;
    let ordered: Vec<&WrittenOp> = match way {
        Way::Up => ops.iter().collect(),
        Way::Down => {
            inverted = ops.iter().rev().map(invert).collect();
            inverted.iter().collect()
        }
    };
    for op in ordered {
        walk.op(op);
    }
    let mut fields = Vec::new();
    let slots = std::mem::take(&mut walk.slots);
    for (name, slot) in slots {
        let Some(field) = family.field_in(target, &name) else {
            continue;
        };
        let value = if slot.json {
            let key = family.json_name(field);
            let (ty, expr) = (&field.ty, slot.expr);
            quote!(::docver::__private::from_lens_value::<#ty>(#expr, #key, &mut unknown)?)
        } else {
            slot.expr
        };
        fields.push((name, value));
    }
    let lossy = ops
        .iter()
        .filter(|op| lens_syntax::loss(&op.op).is_some())
        .map(|op| {
            let name = lens_syntax::field(&op.op)
                .map(ToString::to_string)
                .unwrap_or_default();
            let key = family
                .field_in(previous, &name)
                .or_else(|| family.field_in(next, &name))
                .map_or(name.clone(), |f| family.json_name(f));
            format!("/{key}")
        })
        .collect();
    LensCode {
        statements: walk.statements,
        fields,
        lossy,
    }
}

/// The operation that undoes `op` (its table spans following its tables).
fn invert(written: &WrittenOp) -> WrittenOp {
    let (mut up_table, mut down_table) = (written.up_table, written.down_table);
    let op = match written.op.clone() {
        LensOp::Add(p) => LensOp::Remove(p),
        LensOp::Remove(p) => LensOp::Add(p),
        LensOp::Rename(Rename { from, to }) => LensOp::Rename(Rename { from: to, to: from }),
        LensOp::Hoist(m) => LensOp::Plunge(m),
        LensOp::Plunge(m) => LensOp::Hoist(m),
        LensOp::Wrap(Wrap { name, default }) => LensOp::Head(Head { name, default }),
        LensOp::Head(Head { name, default }) => LensOp::Wrap(Wrap { name, default }),
        // Nested operations run in the other direction at run time.
        op @ (LensOp::In(_) | LensOp::Map(_)) => op,
        LensOp::Convert(c) => {
            let reverse = c.reverse.clone().unwrap_or_else(|| {
                derived_reverse(&c.forward, c.forward_default.as_ref()).expect("validated")
            });
            // A derived table is reported at the table it comes from.
            (up_table, down_table) = (down_table.or(up_table), up_table);
            LensOp::Convert(Convert {
                name: c.name,
                forward: reverse,
                forward_default: c.reverse_default,
                reverse: Some(c.forward),
                reverse_default: c.forward_default,
                schema: c.reverse_schema,
                reverse_schema: c.schema,
            })
        }
    };
    WrittenOp {
        op,
        up_table,
        down_table,
    }
}

impl Walk<'_> {
    fn local(&mut self, name: &Ident) -> Ident {
        self.counter += 1;
        format_ident!("lens_{}_{}", name, self.counter)
    }

    /// Takes the slot of `name`, starting from the source field when the lens has not
    /// touched it yet.
    fn take(&mut self, name: &Ident) -> Slot {
        let key = name.to_string();
        if let Some(i) = self.slots.iter().position(|(n, _)| *n == key) {
            return self.slots.remove(i).1;
        }
        Slot {
            expr: quote!(from.#name),
            json: false,
        }
    }

    fn put(&mut self, name: &Ident, slot: Slot) {
        self.slots.push((name.to_string(), slot));
    }

    fn field(&self, version: u32, name: &Ident) -> Option<&Field> {
        self.family.field_in(version, &name.to_string())
    }

    /// The JSON key of `name` in `version` (the Rust name when the version lacks the field).
    fn key(&self, version: u32, name: &Ident) -> String {
        self.field(version, name)
            .map_or_else(|| name.to_string(), |f| self.family.json_name(f))
    }

    /// `let` with the target field's type when the target version has the field.
    fn bind(&mut self, name: &Ident, value: TokenStream) -> Slot {
        let local = self.local(name);
        let ty = self.field(self.target, name).map(|f| &f.ty);
        let annotation = ty.map(|ty| quote!(: #ty));
        self.statements
            .push(quote_spanned!(name.span()=> let #local #annotation = #value;));
        Slot {
            expr: quote!(#local),
            json: false,
        }
    }

    /// The default for `name` in `version`: the op's `default = value`, else the field's
    /// `#[docver(default)]`, else `Default::default()` (`None` for an `Option`).
    fn default_of(&self, version: u32, name: &Ident, default: Option<&syn::Expr>) -> TokenStream {
        if let Some(expr) = default {
            // A string literal through `Into`, so that `default = ""` fills a `String` (the
            // spelling the checker reads from source); other literals keep their inference.
            let is_str = matches!(
                expr,
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(_),
                    ..
                })
            );
            return if is_str {
                quote_spanned!(expr.span()=> ::core::convert::Into::into(#expr))
            } else {
                quote_spanned!(expr.span()=> #expr)
            };
        }
        match self.field(version, name).and_then(Field::default) {
            Some(DefaultValue::Path(path)) => quote_spanned!(path.span()=> #path()),
            _ => quote_spanned!(name.span()=> ::core::default::Default::default()),
        }
    }

    fn typed(&mut self, name: &Ident, slot: Slot) -> TokenStream {
        if slot.json {
            let message = format!(
                "`{name}` went through a nested-object operation (`in`, `map`, `hoist`, `plunge`) before this one; order the typed operations first"
            );
            quote_spanned!(name.span()=> ::core::compile_error!(#message))
        } else {
            slot.expr
        }
    }

    fn json(&mut self, name: &Ident, slot: Slot, version: u32) -> TokenStream {
        if slot.json {
            slot.expr
        } else {
            let key = self.key(version, name);
            let expr = slot.expr;
            quote!(::docver::__private::to_lens_value(&#expr, #key, &mut unknown)?)
        }
    }

    fn op(&mut self, written: &WrittenOp) {
        let (source, target) = (self.source, self.target);
        match &written.op {
            LensOp::Add(Property { name, default, .. }) => {
                let key = self.key(target, name);
                let default = self.default_of(target, name, default.as_ref());
                let slot = self.bind(
                    name,
                    quote!(::docver::__private::take_unknown(&mut unknown, #key).unwrap_or_else(|| #default)),
                );
                self.put(name, slot);
            }
            LensOp::Remove(Property { name, default, .. }) => {
                // Kept among the unknown fields (unless it is the default the way back fills
                // in anyway), so the inverse `add` restores it.
                let key = self.key(source, name);
                let slot = self.take(name);
                let value = self.typed(name, slot);
                let default = self.default_of(source, name, default.as_ref());
                let local = self.local(name);
                self.statements.push(quote_spanned!(name.span()=>
                    let #local = #value;
                    ::docver::__private::stash(&mut unknown, #key, &#local, ::core::option::Option::Some(&#default));
                ));
            }
            LensOp::Rename(Rename { from, to }) => {
                let slot = self.take(from);
                let (from_key, to_key) = (self.key(source, from), self.key(target, to));
                self.statements.push(quote_spanned!(to.span()=>
                    ::docver::__private::rename_overlay(&mut unknown, #from_key, #to_key);
                ));
                self.put(to, slot);
            }
            LensOp::Convert(convert) => {
                let name = &convert.name;
                let slot = self.take(name);
                let value = self.typed(name, slot);
                let span = written.up_table.unwrap_or_else(|| name.span());
                let matched = table_match(value, convert, span);
                let slot = self.bind(name, matched);
                self.put(name, slot);
            }
            LensOp::Wrap(Wrap { name, .. }) => {
                let slot = self.take(name);
                let value = self.typed(name, slot);
                let optional = self.field(source, name).is_some_and(Field::is_option);
                let wrapped = if optional {
                    quote!(::core::iter::Iterator::collect(::core::iter::IntoIterator::into_iter(#value)))
                } else {
                    quote!(::core::iter::Iterator::collect(::core::iter::once(#value)))
                };
                let slot = self.bind(name, wrapped);
                self.put(name, slot);
            }
            LensOp::Head(Head { name, default }) => {
                let slot = self.take(name);
                let value = self.typed(name, slot);
                let first = quote!(::core::iter::Iterator::next(&mut ::core::iter::IntoIterator::into_iter(#value)));
                let optional = self.field(target, name).is_some_and(Field::is_option);
                let head = if optional {
                    first
                } else {
                    let default = self.default_of(target, name, default.as_ref());
                    quote!(#first.unwrap_or_else(|| #default))
                };
                let slot = self.bind(name, head);
                self.put(name, slot);
            }
            LensOp::Hoist(_) | LensOp::Plunge(_) | LensOp::In(_) => {
                self.nested_object_op(&written.op)
            }
            LensOp::Map(_) => {
                // Rejected at the top level by validation.
            }
        }
    }

    /// An operation on a nested object, whose type the macro cannot see: through JSON.
    fn nested_object_op(&mut self, op: &Op) {
        let source = self.source;
        match op {
            LensOp::Hoist(Move { host, name }) => {
                let slot = self.take(host);
                let host_value = self.json(host, slot, source);
                let inner = name.to_string();
                let (host_local, name_local) = (self.local(host), self.local(name));
                self.statements.push(quote_spanned!(name.span()=>
                    let (#host_local, #name_local) = ::docver::__private::hoist(#host_value, #inner)?;
                ));
                self.put_json(host, &host_local);
                self.put_json(name, &name_local);
            }
            LensOp::Plunge(Move { host, name }) => {
                let slot = self.take(host);
                let host_value = self.json(host, slot, source);
                let slot = self.take(name);
                let name_value = self.json(name, slot, source);
                let inner = name.to_string();
                let local = self.local(host);
                self.statements.push(quote_spanned!(name.span()=>
                    let #local = ::docver::__private::plunge(#host_value, #inner, #name_value)?;
                ));
                self.put_json(host, &local);
            }
            LensOp::In(In { name: host, ops }) => {
                let slot = self.take(host);
                let host_value = self.json(host, slot, source);
                let lens = ops_model(self.family, ops, None);
                let up = self.way == Way::Up;
                let local = self.local(host);
                let key = self.key(source, host);
                self.statements.push(quote_spanned!(host.span()=>
                    let #local = {
                        static NESTED: ::docver::__private::NestedLens = ::std::sync::OnceLock::new();
                        ::docver::__private::lens_in(#host_value, #key, &NESTED, || #lens, #up)?
                    };
                ));
                self.put_json(host, &local);
            }
            LensOp::Add(_)
            | LensOp::Remove(_)
            | LensOp::Rename(_)
            | LensOp::Wrap(_)
            | LensOp::Head(_)
            | LensOp::Map(_)
            | LensOp::Convert(_) => {}
        }
    }

    /// A slot holding a `serde_json::Value` in `local`.
    fn put_json(&mut self, name: &Ident, local: &Ident) {
        self.put(
            name,
            Slot {
                expr: quote!(#local),
                json: true,
            },
        );
    }
}

/// `match value { key => value, ..., _ => default }` over the `forward` table, spanned at the
/// table the user wrote (`span`) so that rustc's "non-exhaustive patterns" error points at it.
fn table_match(value: TokenStream, convert: &Convert<Ident, syn::Expr>, span: Span) -> TokenStream {
    let arms = convert.forward.iter().map(|(key, v)| quote!(#key => #v,));
    let wildcard = convert.forward_default.iter().map(|v| quote!(_ => #v,));
    let scrutinee = format_ident!("value", span = span);
    quote_spanned! {span=>
        {
            let #scrutinee = #value;
            match #scrutinee { #(#arms)* #(#wildcard)* }
        }
    }
}

/// An expression building `ops` as the lens interpreter's model (`Vec<docver::lens::LensOp>`,
/// in a `Result`): the model resolved here (property names are JSON names, top-level ones
/// through `family`'s serde renames when `versions` says which versions they belong to; the
/// defaults the typed code would use made explicit) and serialized by the model itself, with
/// each value (a Rust expression) replaced by its index among values computed at run time.
pub fn ops_model<'a>(
    family: &FamilyDecl,
    ops: impl IntoIterator<Item = &'a Op>,
    versions: Option<(u32, u32)>,
) -> TokenStream {
    let mut values = Vec::new();
    let indexed: Vec<LensOp<String, usize>> = ops
        .into_iter()
        .map(|op| {
            resolve(family, op, versions)
                .try_map_values(&mut |value| {
                    values.push(value);
                    Ok::<_, Infallible>(values.len() - 1)
                })
                .unwrap_or_else(|never| match never {})
        })
        .collect();
    let model =
        serde_json::to_string(&indexed).expect("a lens model of names and indexes serializes");
    quote!(::docver::__private::lens_ops(
        #model,
        ::std::vec![#(::docver::__private::lens_value(&(#values))),*],
    ))
}

/// `op` with its names as JSON names and the defaults the typed code uses made explicit.
fn resolve(
    family: &FamilyDecl,
    op: &Op,
    versions: Option<(u32, u32)>,
) -> LensOp<String, syn::Expr> {
    let key = |name: &Ident, older: bool| -> String {
        let Some((previous, next)) = versions else {
            return name.to_string();
        };
        let version = if older { previous } else { next };
        family
            .field_in(version, &name.to_string())
            .map_or_else(|| name.to_string(), |f| family.json_name(f))
    };
    // Without `default = ...` the typed code uses the field's default; the model says which,
    // so the interpreter fills in the same value.
    let property = |p: &Property<Ident, syn::Expr>, older: bool| Property {
        name: key(&p.name, older),
        default: p.default.clone().or_else(|| {
            let version = versions.map(|(previous, next)| if older { previous } else { next });
            field_default(family, version, &p.name)
        }),
        schema: p.schema.clone(),
        required: p.required,
    };
    let nested = |ops: &[Op]| ops.iter().map(|op| resolve(family, op, None)).collect();
    match op {
        LensOp::Add(p) => LensOp::Add(property(p, false)),
        LensOp::Remove(p) => LensOp::Remove(property(p, true)),
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
        // The typed code fills an empty array's head with the scalar field's default; the
        // model says so, where the interpreter would otherwise give `null`.
        LensOp::Wrap(w) => LensOp::Wrap(Wrap {
            name: key(&w.name, true),
            default: (w.default.clone())
                .or_else(|| scalar_default(family, versions, true, &w.name)),
        }),
        LensOp::Head(h) => LensOp::Head(Head {
            name: key(&h.name, true),
            default: (h.default.clone())
                .or_else(|| scalar_default(family, versions, false, &h.name)),
        }),
        LensOp::In(i) => LensOp::In(In {
            name: key(&i.name, true),
            ops: nested(&i.ops),
        }),
        LensOp::Map(m) => LensOp::Map(Map {
            ops: nested(&m.ops),
        }),
        LensOp::Convert(c) => LensOp::Convert(Convert {
            name: key(&c.name, true),
            forward: c.forward.clone(),
            forward_default: c.forward_default.clone(),
            reverse: c.reverse.clone(),
            reverse_default: c.reverse_default.clone(),
            schema: c.schema.clone(),
            reverse_schema: c.reverse_schema.clone(),
        }),
    }
}

/// The default the typed code fills `name` with in `version` (the field's `#[docver(default)]`,
/// its type's `Default`, `null` for an `Option`), as an expression for the JSON form.
fn field_default(family: &FamilyDecl, version: Option<u32>, name: &Ident) -> Option<syn::Expr> {
    let field = family.field_in(version?, &name.to_string())?;
    let expr = if field.is_option() {
        quote!(())
    } else {
        let ty = &field.ty;
        match field.default() {
            Some(DefaultValue::Path(path)) => quote!(#path()),
            _ => quote!(<#ty as ::core::default::Default>::default()),
        }
    };
    syn::parse2(expr).ok()
}

/// The default the typed code gives the scalar side of a `wrap`/`head`. The scalar field is
/// looked up in its version; when a rename hides it there, the array field's element type in
/// the other version is used.
fn scalar_default(
    family: &FamilyDecl,
    versions: Option<(u32, u32)>,
    scalar_older: bool,
    name: &Ident,
) -> Option<syn::Expr> {
    let (previous, next) = versions?;
    let (scalar_version, array_version) = if scalar_older {
        (previous, next)
    } else {
        (next, previous)
    };
    if let Some(default) = field_default(family, Some(scalar_version), name) {
        return Some(default);
    }
    let array = family.field_in(array_version, &name.to_string())?;
    let element = element_type(&array.ty)?;
    let expr = match element {
        syn::Type::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "Option") => {
            quote!(())
        }
        _ => quote!(<#element as ::core::default::Default>::default()),
    };
    syn::parse2(expr).ok()
}

/// `T` in `Vec<T>` (or any one-parameter collection).
fn element_type(ty: &syn::Type) -> Option<&syn::Type> {
    let syn::Type::Path(p) = ty else { return None };
    let syn::PathArguments::AngleBracketed(args) = &p.path.segments.last()?.arguments else {
        return None;
    };
    args.args.iter().find_map(|a| match a {
        syn::GenericArgument::Type(t) => Some(t),
        _ => None,
    })
}
