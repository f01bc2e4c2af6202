//! The `upgrade`, `downgrade`, loss and `lens()` of each pair of adjacent versions.

use docver_attr::{FamilyDecl, Validated};
use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

use super::glue::glue;
use super::lens_step;

pub(super) fn step(validated: &Validated, previous: u32, next: u32) -> TokenStream {
    let family = &validated.family;
    let (prev_ident, next_ident) = (family.version_ident(previous), family.version_ident(next));
    let (upgrade_body, downgrade_body, lossy_paths) = match family.function_step_to(next) {
        Some(step) => {
            let (up, down) = (
                step.upgrade.as_ref().expect("validated"),
                step.downgrade.as_ref().expect("validated"),
            );
            // Both helpers take a third type parameter: `step_fallible` the user's error type,
            // `step` what the function returns (checked to be the target type). The helper's
            // name is spanned at the user's path too: an unmet bound is reported at it.
            let call = |path: &syn::Path, from: &syn::Ident, to: &syn::Ident| {
                let helper = if step.fallible {
                    syn::Ident::new("step_fallible", path.span())
                } else {
                    syn::Ident::new("step", path.span())
                };
                quote_spanned!(path.span()=> ::docver::__private::#helper::<#from, #to, _>(#path, self, parts))
            };
            let (up, down) = (
                call(up, &prev_ident, &next_ident),
                call(down, &next_ident, &prev_ident),
            );
            let lossy: Vec<String> = if step.lossless {
                Vec::new()
            } else {
                vec![String::new()]
            };
            (up, down, lossy)
        }
        None => glue(validated, previous, next),
    };
    let up_doc = format!(" Upgrades this version {previous} document to version {next}.");
    let down_doc = format!(" Downgrades this version {next} document to version {previous}.");
    let lossless = lossy_paths.is_empty();
    let loss = if lossless {
        quote!(::docver::Loss::Lossless)
    } else {
        quote!(::docver::Loss::Lossy {
            paths: ::std::vec![#(::std::string::String::from(#lossy_paths)),*]
        })
    };
    let loss_doc = format!(" What a downgrade from version {next} to {previous} cannot keep.");
    let lens_fn = lens_fn(family, previous, next);
    quote! {
        impl #prev_ident {
            #[doc = #up_doc]
            #[allow(unused_variables, unused_mut)]
            #[inline]
            pub fn upgrade(self, parts: &mut ::docver::Parts) -> ::core::result::Result<#next_ident, ::docver::MigrationError> {
                #upgrade_body
            }
        }

        impl #next_ident {
            /// Whether downgrading to the previous version keeps everything.
            pub const DOWNGRADE_LOSSLESS: bool = #lossless;

            #[doc = #loss_doc]
            #[inline]
            pub fn downgrade_loss() -> ::docver::Loss {
                #loss
            }

            #[doc = #down_doc]
            #[allow(unused_variables, unused_mut)]
            #[inline]
            pub fn downgrade(self, parts: &mut ::docver::Parts) -> ::core::result::Result<#prev_ident, ::docver::MigrationError> {
                #downgrade_body
            }

            #lens_fn
        }
    }
}

/// `lens()` on a version whose incoming step is declared with `lens(...)`: the lens in its JSON
/// form (`docver::lens`), with the property schemas the schema transform needs.
fn lens_fn(family: &FamilyDecl, previous: u32, next: u32) -> TokenStream {
    let ops = family.lens_to(next);
    if ops.is_empty() {
        return TokenStream::new();
    }
    let (prev_ident, next_ident) = (family.version_ident(previous), family.version_ident(next));
    let ops = lens_step::ops_model(family, ops.iter().map(|w| &w.op), Some((previous, next)));
    let doc = format!(
        " The lens from version {previous} to this version, in its JSON form (`docver::lens`)."
    );
    quote! {
        #[doc = #doc]
        #[inline]
        pub fn lens() -> ::docver::__private::serde_json::Value {
            ::docver::__private::lens_document(
                #previous,
                #next,
                #ops,
                &::docver::__private::version_schema::<#prev_ident>(::docver::Contract::Reader),
                &::docver::__private::version_schema::<#next_ident>(::docver::Contract::Reader),
            )
        }
    }
}
