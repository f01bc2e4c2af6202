//! `impl docver::__private::AnyVersion for AnyTodo`: the per-version match arms behind the
//! generic reading, stepping and writing in `docver::__private`.

use docver_attr::FamilyDecl;
use proc_macro2::TokenStream;
use quote::quote;

use super::{any_ident, base_version, variant};

pub(super) fn any_version_impl(family: &FamilyDecl) -> TokenStream {
    let any = any_ident(family);
    let schema = &family.schema;
    let (schema_field, version_field) = (&family.schema_field, &family.version_field);
    let versions = family.version_numbers();
    let latest = family.latest();
    let base = base_version(family);
    let steps = family.steps_between();
    let first = versions.first().copied().unwrap_or(0);
    let first_var = variant(first);
    let latest_var = variant(latest);
    let version_arms = versions.iter().map(|v| {
        let var = variant(*v);
        quote!(#any::#var(_) => #v,)
    });
    let read_arms = versions.iter().map(|v| {
        let (var, ty) = (variant(*v), family.version_ident(*v));
        quote!(#v => ::core::option::Option::Some(::docver::__private::decode_as::<#ty, Self>(doc, #any::#var)),)
    });
    let parse_arms = versions.iter().map(|v| {
        let (var, ty) = (variant(*v), family.version_ident(*v));
        quote!(#v => ::core::option::Option::Some(::docver::__private::parse_as::<#ty, Self>(text, #any::#var)),)
    });
    let unknown_arms = versions.iter().map(|v| {
        let var = variant(*v);
        quote!(#any::#var(d) => &d.unknown,)
    });
    let doc_arms = versions.iter().map(|v| {
        let var = variant(*v);
        quote!(#any::#var(d) => ::docver::Versioned::to_document(d),)
    });
    let up_arms = steps.iter().map(|(p, n)| {
        let (pv, nv) = (variant(*p), variant(*n));
        quote!(#any::#pv(d) => ::docver::__private::stepped(d.upgrade(parts), #any::#nv, #p, #n),)
    });
    let down_arms = steps.iter().map(|(p, n)| {
        let (pv, nv) = (variant(*p), variant(*n));
        let ty = family.version_ident(*n);
        quote!(#any::#nv(d) => ::docver::__private::stepped_down(d.downgrade(parts), #any::#pv, #ty::downgrade_loss, #n, #p),)
    });
    quote! {
        impl ::docver::__private::AnyVersion for #any {
            const NAMES: ::docver::__private::TagNames = ::docver::__private::TagNames {
                schema_name: #schema,
                schema_field: #schema_field,
                version_field: #version_field,
                base: #base,
            };
            const VERSIONS: &'static [u32] = &[#(#versions),*];

            #[inline]
            fn version(&self) -> u32 {
                match self {
                    #(#version_arms)*
                }
            }

            #[inline]
            fn decode_version(version: u32, doc: &::docver::__private::serde_json::Value) -> ::core::option::Option<::core::result::Result<Self, ::docver::DocError>> {
                match version {
                    #(#read_arms)*
                    _ => ::core::option::Option::None,
                }
            }

            #[inline]
            fn step_up(self, parts: &mut ::docver::Parts) -> ::core::result::Result<Self, (u32, u32, ::docver::MigrationError)> {
                match self {
                    #(#up_arms)*
                    #any::#latest_var(_) => ::core::result::Result::Err((#latest, #latest, ::docver::MigrationError::new("already the latest version"))),
                }
            }

            #[inline]
            fn step_down(self, parts: &mut ::docver::Parts) -> ::core::result::Result<(Self, ::docver::Loss), (u32, u32, ::docver::MigrationError)> {
                match self {
                    #(#down_arms)*
                    #any::#first_var(_) => ::core::result::Result::Err((#first, #first, ::docver::MigrationError::new("already the first version"))),
                }
            }

            #[inline]
            fn unknown(&self) -> &::docver::UnknownFields {
                match self {
                    #(#unknown_arms)*
                }
            }

            #[inline]
            fn to_document(&self) -> ::docver::__private::serde_json::Value {
                match self {
                    #(#doc_arms)*
                }
            }

            #[inline]
            fn last_version() -> &'static ::core::sync::atomic::AtomicU32 {
                static LAST: ::core::sync::atomic::AtomicU32 = ::core::sync::atomic::AtomicU32::new(0);
                &LAST
            }

            #[inline]
            fn parse_version(version: u32, text: &str) -> ::core::option::Option<::core::result::Result<(Self, ::docver::__private::TagSeen), ::docver::__private::serde_json::Error>> {
                match version {
                    #(#parse_arms)*
                    _ => ::core::option::Option::None,
                }
            }
        }
    }
}
