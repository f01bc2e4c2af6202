//! Typed code for a step declared with `lens(...)`.
//!
//! The operations are followed over the older version's fields at compile time: each field the
//! lens touches is a *slot* holding an expression (`from.status`, or a local the code computed),
//! and each operation rewrites slots. The fields the lens produces are then assigned from
//! their slots. Only `in`/`map`/`hoist`/`plunge` go through `serde_json::Value` (for the nested
//! object alone, whose type the macro cannot see); everything else is plain moves and `match`es.
//! The downgrade is the same walk over the inverted operations in reverse order.

use docver_attr::attr::DefaultValue;
use docver_attr::lens::{LensOp, Table};
use docver_attr::{Family, Field};
use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::Ident;
use syn::spanned::Spanned;

/// Which way the walk goes: `Up` reads the older version and writes the newer one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Way {
    Up,
    Down,
}

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
    family: &'a Family,
    /// The version read and the one written.
    source: u32,
    target: u32,
    slots: Vec<(String, Slot)>,
    statements: Vec<TokenStream>,
    counter: usize,
    way: Way,
}

/// Generates one direction of a lens step between `previous` and `next`.
pub fn generate(family: &Family, previous: u32, next: u32, way: Way) -> LensCode {
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
    let inverted: Vec<LensOp>;
    let ordered: Vec<&LensOp> = match way {
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
            quote!(::docver::__private::from_lens_value::<#ty>(#expr, #key)?)
        } else {
            slot.expr
        };
        fields.push((name, value));
    }
    let lossy = ops
        .iter()
        .filter(|op| op.loss().is_some())
        .map(|op| {
            let name = op.field().map(ToString::to_string).unwrap_or_default();
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

/// The operation that undoes `op`.
fn invert(op: &LensOp) -> LensOp {
    match op.clone() {
        LensOp::Add { name, default } => LensOp::Remove { name, default },
        LensOp::Remove { name, default } => LensOp::Add { name, default },
        LensOp::Rename { from, to } => LensOp::Rename { from: to, to: from },
        LensOp::Hoist { host, name } => LensOp::Plunge { host, name },
        LensOp::Plunge { host, name } => LensOp::Hoist { host, name },
        LensOp::Wrap { name, default } => LensOp::Head { name, default },
        LensOp::Head { name, default } => LensOp::Wrap { name, default },
        // Nested operations run in the other direction at run time.
        op @ (LensOp::In { .. } | LensOp::Map { .. }) => op,
        LensOp::Convert { name, up, down } => {
            let reverse = down.unwrap_or_else(|| up.derived_reverse().expect("validated"));
            LensOp::Convert {
                name,
                up: reverse,
                down: Some(up),
            }
        }
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
            return quote_spanned!(expr.span()=> #expr);
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
            quote!(::docver::__private::to_lens_value(&#expr, #key)?)
        }
    }

    fn op(&mut self, op: &LensOp) {
        let (source, target) = (self.source, self.target);
        match op {
            LensOp::Add { name, default } => {
                let key = self.key(target, name);
                let default = self.default_of(target, name, default.as_ref());
                let slot = self.bind(
                    name,
                    quote!(::docver::__private::take_unknown(&mut unknown, #key).unwrap_or_else(|| #default)),
                );
                self.put(name, slot);
            }
            LensOp::Remove { name, default } => {
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
            LensOp::Rename { from, to } => {
                let slot = self.take(from);
                self.put(to, slot);
            }
            LensOp::Convert { name, up, .. } => {
                let slot = self.take(name);
                let value = self.typed(name, slot);
                let matched = table_match(value, up);
                let slot = self.bind(name, matched);
                self.put(name, slot);
            }
            LensOp::Wrap { name, .. } => {
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
            LensOp::Head { name, default } => {
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
            LensOp::Hoist { host, name } => {
                let slot = self.take(host);
                let host_value = self.json(host, slot, source);
                let inner = name.to_string();
                let (host_local, name_local) = (self.local(host), self.local(name));
                self.statements.push(quote_spanned!(name.span()=>
                    let (#host_local, #name_local) = ::docver::__private::hoist(#host_value, #inner)?;
                ));
                self.put(
                    host,
                    Slot {
                        expr: quote!(#host_local),
                        json: true,
                    },
                );
                self.put(
                    name,
                    Slot {
                        expr: quote!(#name_local),
                        json: true,
                    },
                );
            }
            LensOp::Plunge { host, name } => {
                let slot = self.take(host);
                let host_value = self.json(host, slot, source);
                let slot = self.take(name);
                let name_value = self.json(name, slot, source);
                let inner = name.to_string();
                let local = self.local(host);
                self.statements.push(quote_spanned!(name.span()=>
                    let #local = ::docver::__private::plunge(#host_value, #inner, #name_value)?;
                ));
                self.put(
                    host,
                    Slot {
                        expr: quote!(#local),
                        json: true,
                    },
                );
            }
            LensOp::In { host, ops } => {
                let slot = self.take(host);
                let host_value = self.json(host, slot, source);
                let lens = ops_json(self.family, ops, None);
                let up = self.way == Way::Up;
                let local = self.local(host);
                let key = self.key(source, host);
                self.statements.push(quote_spanned!(host.span()=>
                    let #local = {
                        static NESTED: ::docver::__private::NestedLens = ::std::sync::OnceLock::new();
                        ::docver::__private::lens_in(#host_value, #key, &NESTED, || #lens, #up)?
                    };
                ));
                self.put(
                    host,
                    Slot {
                        expr: quote!(#local),
                        json: true,
                    },
                );
            }
            LensOp::Map { .. } => {
                // Rejected at the top level by validation.
            }
        }
    }
}

/// `match value { key => value, ... }`, spanned at the table so that rustc's "non-exhaustive
/// patterns" error points at it.
fn table_match(value: TokenStream, table: &Table) -> TokenStream {
    let arms = table.arms.iter().map(|arm| {
        let v = &arm.value;
        match &arm.key {
            Some(key) => quote!(#key => #v,),
            None => quote!(_ => #v,),
        }
    });
    // The scrutinee is a local spanned at the table, so rustc's "non-exhaustive patterns"
    // error points at the table the user wrote.
    let span = table.span;
    let scrutinee = format_ident!("value", span = span);
    quote_spanned! {span=>
        {
            let #scrutinee = #value;
            match #scrutinee { #(#arms)* }
        }
    }
}

/// An expression building the JSON form of `ops` (see `docver::lens`): property names are the
/// JSON names (top-level ones through `family`'s serde renames, when `versions` says which
/// versions the names belong to), defaults and table entries serialized at run time.
pub fn ops_json(family: &Family, ops: &[LensOp], versions: Option<(u32, u32)>) -> TokenStream {
    let ops = ops.iter().map(|op| op_json(family, op, versions));
    quote!(::docver::__private::serde_json::Value::Array(
        ::std::vec![#(#ops),*]
    ))
}

fn op_json(family: &Family, op: &LensOp, versions: Option<(u32, u32)>) -> TokenStream {
    let key = |name: &Ident, older: bool| -> String {
        let Some((previous, next)) = versions else {
            return name.to_string();
        };
        let version = if older { previous } else { next };
        family
            .field_in(version, &name.to_string())
            .map_or_else(|| name.to_string(), |f| family.json_name(f))
    };
    let value = |e: &syn::Expr| quote!(::docver::__private::lens_value(&(#e)));
    let object = |entries: Vec<(&str, TokenStream)>| {
        let (keys, values): (Vec<_>, Vec<_>) = entries.into_iter().unzip();
        quote!({
            let mut object = ::docver::__private::serde_json::Map::new();
            #(object.insert(::std::string::String::from(#keys), #values);)*
            ::docver::__private::serde_json::Value::Object(object)
        })
    };
    let string = |s: String| quote!(::docver::__private::serde_json::Value::from(#s));
    let with_default = |mut entries: Vec<(&'static str, TokenStream)>,
                        default: &Option<syn::Expr>| {
        if let Some(d) = default {
            entries.push(("default", value(d)));
        }
        entries
    };
    match op {
        LensOp::Add { name, default } => object(with_default(
            vec![
                ("op", string("add".into())),
                ("name", string(key(name, false))),
            ],
            // Without `default = ...` the typed code uses the field's default; the JSON form
            // says which, so the interpreter fills in the same value.
            &default
                .clone()
                .or_else(|| field_default(family, versions.map(|(_, n)| n), name)),
        )),
        LensOp::Remove { name, default } => object(with_default(
            vec![
                ("op", string("remove".into())),
                ("name", string(key(name, true))),
            ],
            // Without `default = ...` the typed code uses the field's default; the JSON form
            // says which, so the interpreter fills in the same value.
            &default
                .clone()
                .or_else(|| field_default(family, versions.map(|(p, _)| p), name)),
        )),
        LensOp::Rename { from, to } => object(vec![
            ("op", string("rename".into())),
            ("from", string(key(from, true))),
            ("to", string(key(to, false))),
        ]),
        LensOp::Hoist { host, name } | LensOp::Plunge { host, name } => object(vec![
            (
                "op",
                string(
                    if matches!(op, LensOp::Hoist { .. }) {
                        "hoist"
                    } else {
                        "plunge"
                    }
                    .into(),
                ),
            ),
            ("host", string(key(host, true))),
            ("name", string(name.to_string())),
        ]),
        // The typed code fills an empty array's head with the scalar field's default; the JSON
        // form says so, where the interpreter would otherwise give `null`.
        LensOp::Wrap { name, default } => {
            let default = default
                .clone()
                .or_else(|| scalar_default(family, versions, true, name));
            object(with_default(
                vec![
                    ("op", string("wrap".into())),
                    ("name", string(key(name, true))),
                ],
                &default,
            ))
        }
        LensOp::Head { name, default } => {
            let default = default
                .clone()
                .or_else(|| scalar_default(family, versions, false, name));
            object(with_default(
                vec![
                    ("op", string("head".into())),
                    ("name", string(key(name, true))),
                ],
                &default,
            ))
        }
        LensOp::In { host, ops } => object(vec![
            ("op", string("in".into())),
            ("name", string(key(host, true))),
            ("ops", ops_json(family, ops, None)),
        ]),
        LensOp::Map { ops } => object(vec![
            ("op", string("map".into())),
            ("ops", ops_json(family, ops, None)),
        ]),
        LensOp::Convert { name, up, down } => {
            let mut entries = vec![
                ("op", string("convert".into())),
                ("name", string(key(name, true))),
            ];
            let table = |t: &Table| {
                let pairs = t.arms.iter().filter_map(|a| {
                    let k = value(a.key.as_ref()?);
                    let v = value(&a.value);
                    Some(quote!(::docver::__private::serde_json::Value::Array(
                        ::std::vec![#k, #v]
                    )))
                });
                quote!(::docver::__private::serde_json::Value::Array(
                    ::std::vec![#(#pairs),*]
                ))
            };
            entries.push(("forward", table(up)));
            if let Some(w) = up.wildcard() {
                entries.push(("forward_default", value(w)));
            }
            if let Some(down) = down {
                entries.push(("reverse", table(down)));
                if let Some(w) = down.wildcard() {
                    entries.push(("reverse_default", value(w)));
                }
            }
            object(entries)
        }
    }
}

/// The default the typed code fills `name` with in `version` (the field's `#[docver(default)]`,
/// its type's `Default`, `null` for an `Option`), as an expression for the JSON form.
fn field_default(family: &Family, version: Option<u32>, name: &Ident) -> Option<syn::Expr> {
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
    family: &Family,
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
