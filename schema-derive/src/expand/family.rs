//! `TodoFamily`: the family as JSON, what stores and migration strategies use
//! (`docver::Family`).

use docver_attr::FamilyDecl;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::any_ident;

pub(super) fn family_impl(family: &FamilyDecl) -> TokenStream {
    let vis = &family.vis;
    let any = any_ident(family);
    let family_struct = format_ident!("{}Family", family.ident);
    let schema = &family.schema;
    let lens_arms = family.steps_between().into_iter().filter_map(|(_, next)| {
        let ty = family.version_ident(next);
        (!family.lens_to(next).is_empty())
            .then(|| quote!(#next => ::core::option::Option::Some(#ty::lens()),))
    });
    let family_doc = format!(
        " The `{}` family as JSON: what stores and migration strategies use.",
        schema.value()
    );
    quote! {
        #[doc = #family_doc]
        #[derive(Debug, Clone, Copy, Default)]
        #vis struct #family_struct;

        impl ::docver::Family for #family_struct {
            #[inline]
            fn schema_name(&self) -> &str {
                #schema
            }

            #[inline]
            fn versions(&self) -> &[u32] {
                #any::VERSIONS
            }

            #[inline]
            fn part_schemas(&self, version: u32) -> ::std::vec::Vec<::std::string::String> {
                #any::part_schemas(version)
            }

            #[inline]
            fn json_schema(&self, version: u32, contract: ::docver::Contract) -> ::core::option::Option<::docver::__private::serde_json::Value> {
                #any::json_schema(version, contract)
            }

            #[inline]
            fn lens(&self, version: u32) -> ::core::option::Option<::docver::__private::serde_json::Value> {
                match version {
                    #(#lens_arms)*
                    _ => ::core::option::Option::None,
                }
            }

            #[inline]
            fn version_of(&self, doc: &::docver::__private::serde_json::Value) -> ::core::result::Result<u32, ::docver::DocError> {
                ::docver::__private::family_version_of::<#any>(doc)
            }

            #[inline]
            fn migrate(&self, docs: ::docver::DocumentSet, target: u32) -> ::core::result::Result<::docver::Migrated, ::docver::DocError> {
                ::docver::__private::family_migrate::<#any>(docs, target)
            }
        }
    }
}
