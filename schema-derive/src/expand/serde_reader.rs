//! The serde-fields reader (`Reader::SerdeFields`): serde's derive on a private struct of the
//! fields, the unknown entries kept beside it.

use docver_attr::{FamilyDecl, Field};
use proc_macro2::TokenStream;
use quote::quote;

use super::version::{serde_attrs, serde_default};

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
    let names: Vec<&syn::Ident> = fields.iter().map(|f| &f.ident).collect();
    let read_fields = fields.iter().map(|f| {
        let (name, ty) = (&f.ident, &f.ty);
        let attrs = serde_attrs(&f.attrs);
        let default = serde_default(f);
        quote! { #(#attrs)* #default #name: #ty, }
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
            fn __build(fields: __Fields, unknown: ::docver::UnknownFields) -> #ident {
                #ident { #(#names: fields.#names,)* unknown }
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
