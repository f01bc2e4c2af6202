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
    let item = match syn::parse::<syn::ItemStruct>(item) {
        Ok(item) => item,
        Err(e) => return e.to_compile_error().into(),
    };
    match docver_attr::validate_family(args.into(), &item) {
        Ok(validated) => expand::expand(&validated).into(),
        Err(errors) => errors
            .into_iter()
            .map(|e| e.to_compile_error())
            .collect::<proc_macro2::TokenStream>()
            .into(),
    }
}
