//! `TodoV2::read` and `TodoV2::write_back`: a version's type reading a document of any
//! version, and writing an edited one back over the original.

use docver_attr::FamilyDecl;
use proc_macro2::TokenStream;
use quote::quote;

use super::{any_ident, variant};

pub(super) fn read_as(family: &FamilyDecl) -> TokenStream {
    let any = any_ident(family);
    let versions = family.version_numbers();
    let other_versions = (versions.len() > 1).then(|| quote!(_ => ::core::option::Option::None,));
    let read_as = versions.iter().map(|v| {
        let (var, ty) = (variant(*v), family.version_ident(*v));
        let read_doc = format!(" Reads a document of any known version as version {v}, migrating it up or down.");
        quote! {
            impl #ty {
                #[doc = #read_doc]
                #[inline]
                pub fn read(doc: &::docver::__private::serde_json::Value, parts: &mut ::docver::Parts) -> ::core::result::Result<(Self, ::docver::Loss), ::docver::DocError> {
                    ::docver::__private::read_as::<#any, Self>(doc, parts, #v, |a| match a {
                        #any::#var(d) => ::core::option::Option::Some(d),
                        #other_versions
                    })
                }

                /// Writes this (possibly edited) document back over `original`, the document it
                /// was read from, and `parts` (holding `original`'s companion documents) over
                /// its companions. When `original` is newer, the edit reaches it through the
                /// declared migrations, everything else of `original` is kept, the document
                /// keeps its newer version, and reading it back at this version gives exactly
                /// this document; an edit the migrations cannot carry is
                /// `DocError::EditLost` naming the paths. Otherwise the document is written at
                /// this version.
                #[inline]
                pub fn write_back(&self, original: &::docver::__private::serde_json::Value, parts: &mut ::docver::Parts) -> ::core::result::Result<::docver::__private::serde_json::Value, ::docver::DocError> {
                    ::docver::__private::write_back::<#any, Self>(self, #any::#var, original, parts)
                }

                /// [`Self::write_back`] over `original`'s JSON text, giving the text to store:
                /// what the edit leaves of `original` keeps its numbers as written (`1e2`,
                /// integers beyond 64 bits), which a `serde_json::Value` would rewrite.
                #[inline]
                pub fn write_back_json(&self, original: &str, parts: &mut ::docver::Parts) -> ::core::result::Result<::std::string::String, ::docver::DocError> {
                    ::docver::__private::write_back_json::<#any, Self>(self, #any::#var, original, parts)
                }
            }
        }
    });
    quote!(#(#read_as)*)
}
