//! `docver`: versioned JSON documents at run time, for apps and stores in offline-first systems.
//!
//! This is the crate an app depends on when it derives a family with [`versioned`]: it holds
//! what generated code and running apps need, and nothing of the schema checker (that is
//! `docver-check`, used by the CLI, the source checker and the code generators).
//!
//! - [`document`]: versioned documents (tags, unknown fields, companion parts, ids);
//! - [`family`] and [`error`]: versioned document families as migration strategies see them;
//! - [`lens`]: the lens interpreter, the reference semantics of declared migration steps;
//! - [`pointer`]: JSON pointers and `$ref` fragments, the one place they are escaped.

pub mod document;
pub mod error;
pub mod family;
pub mod lens;
mod lens_glue;
pub mod pointer;

/// Derives a versioned document family from one annotated struct (see `docver_attr`).
pub use docver_derive::versioned;
pub use error::DocError;
pub use family::{DocumentSet, Family, Loss, Migrated};

pub use document::{
    Contract, MigrationError, Part, PartDocs, Parts, Tagged, UnknownFields, Versioned, VersionedId,
};

/// What generated code refers to, so a user crate needs no direct serde or schemars dependency.
#[doc(hidden)]
pub mod __private {
    pub use schemars;
    pub use serde;
    pub use serde_json;

    pub use crate::lens_glue::*;

    pub use crate::document::fields::{FieldSlots, fill_slot, read_fields, required_slot};
    use crate::document::{MigrationError, Parts};
    pub use crate::document::{with_unknown, with_unknown_tagged};

    // The helpers below take user migration functions as function pointers, so that a function
    // with the wrong signature is a type error pointing at the user's path.

    /// A field computed from the whole previous (or next) version.
    pub fn field<S, T>(f: fn(&S) -> T, from: &S) -> T {
        f(from)
    }

    /// A fallible field migration; the error's `Display` becomes the migration error.
    pub fn field_fallible<S, T, E: core::fmt::Display>(
        f: fn(&S) -> Result<T, E>,
        from: &S,
    ) -> Result<T, MigrationError> {
        f(from).map_err(MigrationError::new)
    }

    /// A whole step, with the companion documents.
    pub fn step<S, T>(
        f: fn(S, &mut Parts) -> T,
        from: S,
        parts: &mut Parts,
    ) -> Result<T, MigrationError> {
        Ok(f(from, parts))
    }

    pub fn step_fallible<S, T, E: core::fmt::Display>(
        f: fn(S, &mut Parts) -> Result<T, E>,
        from: S,
        parts: &mut Parts,
    ) -> Result<T, MigrationError> {
        f(from, parts).map_err(MigrationError::new)
    }

    /// A widened number on the way down: fails (rather than truncating) when it does not fit.
    pub fn narrow<S, T: TryFrom<S>>(value: S, field: &str) -> Result<T, MigrationError> {
        T::try_from(value).map_err(|_| {
            MigrationError::new(format!("`{field}` does not fit the older version's type"))
        })
    }

    /// `f64` → `f32` and other float narrowing, where `TryFrom` does not exist.
    pub fn narrow_float(value: f64, field: &str) -> Result<f32, MigrationError> {
        let narrowed = value as f32;
        if f64::from(narrowed) == value || value.is_nan() {
            Ok(narrowed)
        } else {
            Err(MigrationError::new(format!(
                "`{field}` does not fit the older version's type"
            )))
        }
    }
}
