//! The serde-fields reader (`Reader::SerdeFields`): serde's derive on a private struct of the
//! fields, the unknown entries kept beside it.

use docver_attr::attr::DefaultValue;
use docver_attr::serde_attr::Direction;
use docver_attr::{FamilyDecl, Field};
use proc_macro2::TokenStream;
use quote::quote;

use super::reader::may_hold_unknown;
use super::version::{serde_attrs, serde_default};

/// Whether a field is read as `docver::__private::Kept` (its nested unknown fields kept): it
/// may hold some, and no serde key of its own decides how it is read or defaulted (those
/// would expect the field's own type, not `Kept`).
fn keeps_nested(field: &Field) -> bool {
    const OWN_READING: &[&str] = &[
        "default",
        "with",
        "deserialize_with",
        "skip",
        "skip_deserializing",
    ];
    may_hold_unknown(&field.ty)
        && !matches!(field.default(), Some(DefaultValue::Path(_)))
        && field
            .serde()
            .written
            .keys
            .iter()
            .all(|k| !OWN_READING.contains(&k.name.as_str()))
}

/// The generated reader of a version read through serde's derive (`Reader::SerdeFields`): the
/// fields alone (the user's serde attributes, no `flatten`), the unknown entries kept by
/// `with_unknown` as the derive skips them: one pass, nothing buffered.
pub(super) fn serde_fields_reader(
    family: &FamilyDecl,
    ident: &syn::Ident,
    fields: &[&Field],
    versioned_impl: &TokenStream,
) -> TokenStream {
    let container_serde = serde_attrs(&family.attrs);
    // serde's errors name the version ("expected struct TodoV2"), not the private struct.
    let rename = family.serde_rename().is_none().then(|| {
        let name = ident.to_string();
        quote!(#[serde(rename = #name)])
    });
    let read_fields = fields.iter().map(|f| {
        let (name, ty) = (&f.ident, &f.ty);
        let attrs = serde_attrs(&f.attrs);
        let default = serde_default(f);
        let ty = if keeps_nested(f) {
            quote!(::docver::__private::Kept<#ty>)
        } else {
            quote!(#ty)
        };
        quote! { #(#attrs)* #default #name: #ty, }
    });
    let rules = &family.serde().rename_all;
    let built = fields.iter().map(|f| {
        let name = &f.ident;
        if keeps_nested(f) {
            let written = f.serde().name(&f.name(), rules, Direction::Serialize);
            quote!(#name: fields.#name.keep(&mut unknown, #written))
        } else {
            quote!(#name: fields.#name)
        }
    });
    quote! {
        const _: () = {
            #[derive(::docver::__private::serde::Deserialize)]
            #(#container_serde)*
            #rename
            #[serde(crate = "::docver::__private::serde")]
            struct __Fields {
                #(#read_fields)*
            }

            #[inline]
            #[allow(unused_mut)]
            fn __build(fields: __Fields, mut unknown: ::docver::UnknownFields) -> #ident {
                #ident { #(#built,)* unknown }
            }

            impl<'de> ::docver::__private::serde::Deserialize<'de> for #ident {
                #[inline]
                fn deserialize<D: ::docver::__private::serde::Deserializer<'de>>(deserializer: D) -> ::core::result::Result<Self, D::Error> {
                    let (fields, unknown, seen) = ::docver::__private::with_unknown_tagged::<__Fields, D>(deserializer, ::docver::__private::tag_names::<Self>())?;
                    ::docver::__private::refuse_other_tag::<Self, D::Error>(seen)?;
                    ::core::result::Result::Ok(__build(fields, unknown))
                }
            }

            #versioned_impl
        };
    }
}
