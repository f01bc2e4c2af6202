//! The docver attribute language.
//!
//! A family is written once, as one struct whose fields say in which versions they exist
//! (obake's shape, chosen over native_model's one-struct-per-version because it states every
//! version's shape in one place, which is what a reviewer and the source checker need):
//!
//! ```text
//! #[versioned(schema = "todo-item", versions = 1..=3, base = 1)]
//! #[derive(Debug, Clone, PartialEq)]
//! pub struct Todo {
//!     pub title: String,
//!     #[docver(until = 3, downgrade = migrate::status_to_bool)]
//!     pub status: bool,
//!     #[docver(since = 2, default)]
//!     pub important: bool,
//!     #[docver(since = 3, upgrade = migrate::status_from_bool)]
//!     pub status: Progress,
//! }
//! ```
//!
//! A step can instead be declared as lens operations, `step(to = 3, lens(convert(status, up =
//! { .. }, down = { .. })))` (see [`lens`]), from which both directions are generated.
//!
//! Parsing follows serde_derive's shape: [`ast`] reads the input into plain structs, [`attr`]
//! parses each `#[docver(...)]`, [`ctxt`] accumulates every error with its span, and [`check`]
//! validates the family as a whole. Code generation (in `docver-derive`) only reads a validated
//! [`ast::Family`].

pub mod ast;
pub mod attr;
pub mod case;
pub mod check;
pub mod ctxt;
pub mod lens;
pub mod naming;
pub mod serde_attr;

pub use ast::{Family, Field, Step};
pub use ctxt::Ctxt;

/// Parses and validates a family from the attribute's arguments and the struct it is on.
/// Returns every error found, each with its span.
pub fn parse_family(
    args: proc_macro2::TokenStream,
    item: &syn::ItemStruct,
) -> Result<Family, Vec<syn::Error>> {
    let cx = Ctxt::new();
    let family = ast::Family::from_ast(&cx, args, item);
    if let Some(family) = &family {
        check::check(&cx, family);
    }
    let errors = cx.finish();
    match (family, errors.is_empty()) {
        (Some(family), true) => Ok(family),
        _ => Err(errors),
    }
}
