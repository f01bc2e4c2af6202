//! `#[versioned(...)]`: a versioned document family from one annotated struct.
//!
//! The attribute language is parsed and validated by `docver-attr` (shared with the source
//! checker, so the two cannot disagree); this crate only expands a validated family. See
//! `docver_attr` for the language and `expand` for what is generated.

mod expand;

use proc_macro::TokenStream;

/// Derives every version of a document family. See the `docver` crate's documentation.
#[proc_macro_attribute]
pub fn versioned(args: TokenStream, item: TokenStream) -> TokenStream {
    let item = match syn::parse::<syn::Item>(item) {
        Ok(syn::Item::Struct(item)) => item,
        Ok(syn::Item::Enum(item)) => {
            return docver_attr::ast::enum_family_error(&item)
                .to_compile_error()
                .into();
        }
        Ok(other) => {
            return syn::Error::new_spanned(
                other,
                "`#[versioned]` takes a struct with named fields",
            )
            .to_compile_error()
            .into();
        }
        Err(e) => return e.to_compile_error().into(),
    };
    let args = proc_macro2::TokenStream::from(args);
    match docver_attr::validate_family(args.clone(), &item) {
        Ok(validated) => expand::expand(&validated).into(),
        Err(errors) => {
            let errors = errors.into_iter().map(|e| e.to_compile_error());
            // The version types are still declared, as thiserror keeps its impls on error, so
            // that code naming them reports nothing beyond the attribute's own errors.
            let declared = expand::fallback::declared_types(args, &item);
            quote::quote!(#(#errors)* #declared).into()
        }
    }
}
