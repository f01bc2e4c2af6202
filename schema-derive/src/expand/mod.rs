//! Code generation from a validated family: one struct per version ([`version`], read by one of
//! the [`reader`]s), the upgrade and downgrade of every adjacent pair ([`step`], [`glue`]), the
//! any-version enum ([`any_version`], [`any_version_impl`], [`read_as`]) and the JSON-level
//! `Family` ([`family`]).

mod any_version;
mod any_version_impl;
pub mod fallback;
mod family;
mod glue;
mod lens_step;
mod read_as;
mod reader;
mod serde_reader;
mod slots_reader;
mod step;
mod version;

use docver_attr::{FamilyDecl, Validated};
use proc_macro2::TokenStream;
use quote::quote;

pub fn expand(validated: &Validated) -> TokenStream {
    let family = &validated.family;
    let versions = family.version_numbers();
    let structs = versions.iter().map(|v| version::version_struct(family, *v));
    let steps = family
        .steps_between()
        .into_iter()
        .map(|(p, n)| step::step(validated, p, n));
    let any = any_version::any_enum(family);
    let any_impl = any_version_impl::any_version_impl(family);
    let read_as = read_as::read_as(family);
    let family_impl = family::family_impl(family);
    quote! {
        #(#structs)*
        #(#steps)*
        #any
        #any_impl
        #read_as
        #family_impl
    }
}

/// The version untagged documents are read as, as an `Option<u32>` expression.
fn base_version(family: &FamilyDecl) -> TokenStream {
    match family.base {
        Some(b) => {
            let b = b.value;
            quote!(::core::option::Option::Some(#b))
        }
        None => quote!(::core::option::Option::None),
    }
}

/// The any-version enum's name and its variant for one version: `AnyTodo::V3`.
fn any_ident(family: &FamilyDecl) -> syn::Ident {
    quote::format_ident!("Any{}", family.ident)
}

fn variant(version: u32) -> syn::Ident {
    quote::format_ident!("V{}", version)
}
