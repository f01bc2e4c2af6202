//! `docver`: versioned JSON documents at run time, for apps and stores in offline-first systems.
//!
//! This is the crate an app depends on when it derives a family with [`versioned`]: it holds
//! what generated code and running apps need, and nothing of the schema checker (that is
//! `docver-check`, used by the CLI, the source checker and the code generators).
//!
//! - [`document`]: versioned documents (tags, unknown fields, companion parts, ids);
//! - [`family`] and [`error`]: versioned document families as migration strategies see them;
//! - [`export`]: a family's JSON Schema files (`Family::write_schemas`);
//! - [`lens`]: the lens interpreter, the reference semantics of declared migration steps;
//! - [`pointer`](mod@pointer): JSON pointers and `$ref` fragments, the one place they are escaped.

#![warn(missing_docs)]

pub mod document;
pub mod error;
pub mod export;
pub mod family;
pub mod lens;
mod lens_glue;
pub mod pointer;

/// Derives a versioned document family from one annotated struct (see `docver_attr`).
pub use docver_derive::versioned;
pub use error::DocError;
pub use family::{AtVersion, DocumentSet, Family, Loss, Migrated};

pub use document::{
    Contract, MigrationError, NumberTexts, Part, PartDocs, Parts, Tagged, UnknownFields, Versioned,
    VersionedId,
};

/// What generated code refers to, so a user crate needs no direct serde or schemars dependency,
/// and the glue only generated code calls, kept out of the public API (no stability promise).
#[doc(hidden)]
pub mod __private {
    pub use schemars;
    pub use serde;
    pub use serde_json;

    pub use crate::lens_glue::*;

    pub use crate::document::any_version::{
        AnyVersion, any_from_document, any_from_json, any_from_slice, any_id,
    };
    pub use crate::document::arms::{decode_as, parse_as, stepped, stepped_down, upgraded};
    pub use crate::document::contract::version_schema;
    pub use crate::document::fields::{
        FieldSlots, fill_slot, read_fields, refuse_other_tag, required_slot,
    };
    pub use crate::document::merge::{write_back, write_back_json};
    pub use crate::document::migrate::{
        any_migrate, family_migrate, family_version_of, migrate_at, read_as, without_companions,
    };
    pub use crate::document::nested::{
        Kept, fill_slot_keeping, has_nested, rename_overlay, write_unknown_outside,
        write_with_nested,
    };
    pub use crate::document::read::{with_unknown, with_unknown_tagged};
    pub use crate::document::tag::{TagNames, TagSeen, read_json_tagged, tag_names};
    pub use crate::document::unknown::{forget_flattened, stash, take_unknown};

    use crate::document::{MigrationError, Parts};

    // The helpers below take user migration functions as function pointers, so that a function
    // with the wrong signature is a type error pointing at the user's path. They stay defined
    // here: that error's note shows this file (schema-derive's `migration_wrong_signature` UI test).

    /// What a migration function that is not `fallible` returns: its target type. The trait
    /// exists for its message, since a `Result` here means the attribute lacks `fallible`.
    #[diagnostic::on_unimplemented(
        message = "the migration function returns `{Self}` where `{T}` is expected",
        label = "returns `{Self}`",
        note = "a function returning a `Result` is declared `fallible`: `#[docver(upgrade = f, fallible)]` on a field, `step(to = N, upgrade = f, downgrade = g, fallible)` for a whole step"
    )]
    pub trait MigrationOutput<T> {
        /// The value itself.
        fn into_target(self) -> T;
    }

    impl<T> MigrationOutput<T> for T {
        #[inline]
        fn into_target(self) -> T {
            self
        }
    }

    /// A field computed from the whole previous (or next) version.
    #[inline]
    pub fn field<S, T, R: MigrationOutput<T>>(f: fn(&S) -> R, from: &S) -> T {
        f(from).into_target()
    }

    /// A fallible field migration; the error's `Display` becomes the migration error.
    pub fn field_fallible<S, T, E: core::fmt::Display>(
        f: fn(&S) -> Result<T, E>,
        from: &S,
    ) -> Result<T, MigrationError> {
        f(from).map_err(MigrationError::new)
    }

    /// A whole step, with the companion documents.
    #[inline]
    pub fn step<S, T, R: MigrationOutput<T>>(
        f: fn(S, &mut Parts) -> R,
        from: S,
        parts: &mut Parts,
    ) -> Result<T, MigrationError> {
        Ok(f(from, parts).into_target())
    }

    /// A fallible whole step; the error's `Display` becomes the migration error.
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
