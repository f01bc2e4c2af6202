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
//! { .. }, down = { .. })))` (see [`lens_syntax`]), from which both directions are generated.
//!
//! Parsing follows serde_derive's shape: [`ast`] reads the input into plain structs, [`attr`]
//! parses each `#[docver(...)]`, [`ctxt`] accumulates every error with its span, and [`check`]
//! validates the family as a whole. Code generation (in `docver-derive`) only reads a validated
//! [`ast::FamilyDecl`].

pub mod ast;
pub mod attr;
pub mod case;
pub mod check;
pub mod ctxt;
pub mod lens_syntax;
pub mod naming;
pub mod serde_attr;

pub use ast::{FamilyDecl, Field, Step};
pub use check::Lensed;
pub use ctxt::Ctxt;

/// A family that passed validation, with what validation learnt that code generation needs
/// (so that it does not validate again).
#[derive(Debug, Clone)]
pub struct Validated {
    pub family: FamilyDecl,
    /// For each generated step (by the version it goes to), the fields its lens accounts for.
    lensed: Vec<(u32, Lensed)>,
}

impl Validated {
    /// The fields the lens of the generated step to `to` accounts for (none without a lens).
    pub fn lensed(&self, to: u32) -> Option<&Lensed> {
        self.lensed.iter().find(|(t, _)| *t == to).map(|(_, l)| l)
    }
}

/// Parses and validates a family from the attribute's arguments and the struct it is on.
/// Returns every error found, each with its span.
pub fn validate_family(
    args: proc_macro2::TokenStream,
    item: &syn::ItemStruct,
) -> Result<Validated, Vec<syn::Error>> {
    let cx = Ctxt::new();
    let family = ast::FamilyDecl::from_ast(&cx, args, item);
    let lensed = family.as_ref().map(|f| check::check(&cx, f));
    let errors = cx.finish();
    match (family, lensed, errors.is_empty()) {
        (Some(family), Some(lensed), true) => Ok(Validated { family, lensed }),
        _ => Err(errors),
    }
}

/// [`validate_family`], for readers that need the family alone.
pub fn parse_family(
    args: proc_macro2::TokenStream,
    item: &syn::ItemStruct,
) -> Result<FamilyDecl, Vec<syn::Error>> {
    validate_family(args, item).map(|validated| validated.family)
}
