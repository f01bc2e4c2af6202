//! Versioned documents at run time: the type/version tag stored in every document, unknown
//! fields kept across versions, companion documents of split versions, versioned ids, and the
//! merge that lets an old app edit a newer document without losing what it doesn't know.
//!
//! `docver-derive` generates types that implement [`Versioned`]. What only generated code calls
//! (reading any version, the match-arm helpers, the single-pass readers) lives in private
//! modules here and is reached through `docver::__private`, so it is not part of the API.

pub(crate) mod any_version;
pub(crate) mod arms;
pub(crate) mod contract;
mod decode;
pub(crate) mod fields;
mod guess;
mod id;
pub(crate) mod merge;
pub(crate) mod migrate;
pub(crate) mod migration_error;
pub(crate) mod nested;
pub(crate) mod number_texts;
mod parts;
pub(crate) mod read;
pub(crate) mod tag;
mod three_way;
pub(crate) mod unknown;
mod versioned;
mod write;

pub use contract::Contract;
pub use id::VersionedId;
pub use migration_error::MigrationError;
pub use number_texts::NumberTexts;
pub use parts::{Part, PartDocs, Parts};
pub use three_way::{Conflict, Merged, Prefer, differences, merge3};
pub use unknown::UnknownFields;
pub use versioned::Versioned;
pub use write::Tagged;
