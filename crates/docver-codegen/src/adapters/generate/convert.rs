//! Value conversions between the two versions' types: which are mechanical, and the
//! expressions and functions that perform them.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::doc::doc_attrs;
use super::{Generator, Side};
use crate::adapters::names::{self, ident};
use crate::adapters::types::{FieldDef, Ty};
use docver::pointer;

/// Whether values convert without code: the same shape and no generated types in it (types
/// both versions map to the same existing Rust type are the same type).
pub(super) fn identity(side: Side<'_>, s: &Ty, d: &Ty) -> bool {
    match (s, d) {
        (Ty::Bool, Ty::Bool)
        | (Ty::I64, Ty::I64)
        | (Ty::F64, Ty::F64)
        | (Ty::String, Ty::String)
        | (Ty::Value, Ty::Value) => true,
        (Ty::Extern(i), Ty::Extern(j)) => side.src.externs[*i].key == side.dst.externs[*j].key,
        (Ty::Vec(a), Ty::Vec(b)) | (Ty::Map(a), Ty::Map(b)) | (Ty::Option(a), Ty::Option(b)) => {
            identity(side, a, b)
        }
        _ => false,
    }
}

impl Generator<'_> {
    pub(super) fn feasible(&self, side: Side<'_>, s: &Ty, d: &Ty) -> bool {
        match (s, d) {
            _ if identity(side, s, d) => true,
            (Ty::I64, Ty::F64) => true,
            (Ty::Bool | Ty::I64 | Ty::F64 | Ty::String, Ty::Value) => true,
            (Ty::Option(a), Ty::Option(b)) => self.feasible(side, a, b),
            (a, Ty::Option(b)) => !matches!(a, Ty::Option(_)) && self.feasible(side, a, b),
            (Ty::Vec(a), Ty::Vec(b)) | (Ty::Map(a), Ty::Map(b)) => self.feasible(side, a, b),
            (Ty::Struct(_), Ty::Struct(_)) => true,
            (Ty::Enum(i), Ty::Enum(j)) => {
                let target = &side.dst.enums[*j];
                side.src.enums[*i]
                    .variants
                    .iter()
                    .all(|(_, v)| target.variant(v).is_some())
            }
            (Ty::Enum(_), Ty::String) => true,
            _ => false,
        }
    }

    /// Paths whose findings a nested struct conversion handles.
    pub(super) fn pair_prefixes(s: &Ty, d: &Ty, path: &str, out: &mut Vec<String>) {
        match (s, d) {
            (Ty::Struct(_), Ty::Struct(_)) => out.push(path.to_owned()),
            (Ty::Option(a), Ty::Option(b)) => Self::pair_prefixes(a, b, path, out),
            (a, Ty::Option(b)) => Self::pair_prefixes(a, b, path, out),
            (Ty::Vec(a), Ty::Vec(b)) => Self::pair_prefixes(a, b, &pointer::push(path, "0"), out),
            (Ty::Map(a), Ty::Map(b)) => Self::pair_prefixes(a, b, &pointer::push(path, "key"), out),
            _ => {}
        }
    }

    /// A one-argument function converting `s` to `d`, when one does it.
    pub(super) fn unary(&mut self, side: Side<'_>, s: &Ty, d: &Ty) -> Option<TokenStream> {
        match (s, d) {
            (Ty::Bool | Ty::I64 | Ty::F64 | Ty::String, Ty::Value) => {
                Some(quote!(serde_json::Value::from))
            }
            (Ty::Enum(i), Ty::Enum(j)) => Some(self.enum_fn(side, *i, Some(*j))),
            (Ty::Enum(i), Ty::String) => Some(self.enum_fn(side, *i, None)),
            _ => None,
        }
    }

    /// The expression converting `e` (of `s`) to `d`; `feasible(s, d)` must hold.
    pub(super) fn conv(
        &mut self,
        side: Side<'_>,
        e: TokenStream,
        s: &Ty,
        d: &Ty,
        path: &str,
    ) -> TokenStream {
        if identity(side, s, d) {
            return e;
        }
        if let Some(f) = self.unary(side, s, d) {
            return quote!(#f(#e));
        }
        match (s, d) {
            (Ty::I64, Ty::F64) => quote!(#e as f64),
            (Ty::Option(a), Ty::Option(b)) => {
                let f = self.mapper(side, a, b, path);
                quote!(#e.map(#f))
            }
            (a, Ty::Option(b)) => {
                let inner = self.conv(side, e, a, b, path);
                quote!(Some(#inner))
            }
            (Ty::Vec(a), Ty::Vec(b)) => {
                let f = self.mapper(side, a, b, &pointer::push(path, "0"));
                quote!(#e.into_iter().map(#f).collect::<Vec<_>>())
            }
            (Ty::Map(a), Ty::Map(b)) => {
                let inner = self.conv(side, quote!(v), a, b, &pointer::push(path, "key"));
                quote!(#e.into_iter().map(|(k, v)| (k, #inner)).collect::<std::collections::BTreeMap<_, _>>())
            }
            (Ty::Struct(i), Ty::Struct(j)) => {
                let f = self.pair_fn(side, *i, *j, path);
                self.uses_decisions = true;
                quote!(#f(#e, decisions))
            }
            // Unreachable when `feasible` holds; keeps the output compiling-or-failing loudly.
            _ => quote!(compile_error!("docver: no conversion")),
        }
    }

    /// A function or closure for `.map(…)`.
    pub(super) fn mapper(&mut self, side: Side<'_>, s: &Ty, d: &Ty, path: &str) -> TokenStream {
        if let Some(f) = self.unary(side, s, d) {
            return f;
        }
        let inner = self.conv(side, quote!(v), s, d, path);
        quote!(|v| #inner)
    }

    /// `upgrade_progress(v: old::Progress) -> new::Progress`, or `… -> String` for `None`.
    pub(super) fn enum_fn(&mut self, side: Side<'_>, i: usize, j: Option<usize>) -> TokenStream {
        let key = (
            side.verb,
            if j.is_some() { "enum" } else { "enum-text" },
            i,
            j.unwrap_or(0),
        );
        if let Some(name) = self.memo.get(&key) {
            return quote!(#name);
        }
        let src = &side.src.enums[i];
        let (src_mod, dst_mod) = (side.src_mod(), side.dst_mod());
        let src_name = ident(&src.name);
        let base = match j {
            Some(j) => format!("{}_{}", side.verb, names::snake(&side.dst.enums[j].name)),
            None => format!("{}_{}_text", side.verb, names::snake(&src.name)),
        };
        let name = format_ident!("{}", self.fns.claim(&base));
        self.memo.insert(key, name.clone());
        let (ret, arms, doc) = match j {
            Some(j) => {
                let dst = &side.dst.enums[j];
                let dst_name = ident(&dst.name);
                let arms: Vec<TokenStream> = src
                    .variants
                    .iter()
                    .map(|(v, value)| {
                        let v = ident(v);
                        let w = ident(dst.variant(value).unwrap_or("Unmatched"));
                        quote!(#src_mod::#src_name::#v => #dst_mod::#dst_name::#w)
                    })
                    .collect();
                let doc = format!(
                    "Maps `{}::{}` to `{}::{}` by value (`{}` → `{}`).",
                    side.src_mod, src.name, side.dst_mod, dst.name, src.pointer, dst.pointer
                );
                (quote!(#dst_mod::#dst_name), arms, doc)
            }
            None => {
                let arms: Vec<TokenStream> = src
                    .variants
                    .iter()
                    .map(|(v, value)| {
                        let v = ident(v);
                        quote!(#src_mod::#src_name::#v => String::from(#value))
                    })
                    .collect();
                let doc = format!("The JSON string of a `{}::{}`.", side.src_mod, src.name);
                (quote!(String), arms, doc)
            }
        };
        let doc = doc_attrs(&[doc]);
        self.items.push(quote! {
            #doc
            fn #name(v: #src_mod::#src_name) -> #ret {
                match v {
                    #(#arms,)*
                }
            }
        });
        quote!(#name)
    }

    /// Whether the field converts without a decision (ignoring findings).
    pub(super) fn mechanical(&self, side: Side<'_>, sf: &FieldDef, f: &FieldDef) -> bool {
        if self.feasible(side, &sf.ty, &f.ty) {
            return true;
        }
        // An optional value into a defaulted one: the default fills the gap.
        match (&sf.ty, &f.default) {
            (Ty::Option(a), Some(_)) => self.feasible(side, a, &f.ty),
            _ => false,
        }
    }

    pub(super) fn mechanical_expr(
        &mut self,
        side: Side<'_>,
        e: TokenStream,
        sf: &FieldDef,
        f: &FieldDef,
        path: &str,
    ) -> TokenStream {
        if self.feasible(side, &sf.ty, &f.ty) {
            return self.conv(side, e, &sf.ty, &f.ty, path);
        }
        let (Ty::Option(a), Some(d)) = (&sf.ty, &f.default) else {
            return quote!(compile_error!("docver: no conversion"));
        };
        let dst_mod = side.dst_mod();
        let dfn = format_ident!("{}", d.name);
        let mapped = if identity(side, a, &f.ty) {
            e
        } else {
            let m = self.mapper(side, a, &f.ty, path);
            quote!(#e.map(#m))
        };
        quote!(#mapped.unwrap_or_else(#dst_mod::#dfn))
    }
}
