//! Small generic helpers the generated match arms call with a variant's constructor, so that
//! the arms need no closures of their own.

use serde_json::Value;

use super::migration_error::{MigrationError, migration_failed};
use super::parts::Parts;
use super::tag::{TagSeen, read_json_tagged};
use super::versioned::Versioned;
use crate::error::DocError;
use crate::family::Loss;

/// Reads `text` as `T` with [`read_json_tagged`], wrapped in the any-version enum.
#[inline]
pub fn parse_as<T: Versioned, A>(
    text: &str,
    wrap: fn(T) -> A,
) -> Result<(A, TagSeen), serde_json::Error> {
    read_json_tagged::<T>(text).map(|(doc, seen)| (wrap(doc), seen))
}

/// Reads `doc` as `T` ([`Versioned::from_document`]), wrapped in the any-version enum.
#[inline]
pub fn decode_as<T: Versioned, A>(doc: &Value, wrap: fn(T) -> A) -> Result<A, DocError> {
    T::from_document(doc).map(wrap)
}

/// One upgrade step's result, wrapped, its error naming the step.
#[inline]
pub fn stepped<T, A>(
    result: Result<T, MigrationError>,
    wrap: fn(T) -> A,
    from: u32,
    to: u32,
) -> Result<A, (u32, u32, MigrationError)> {
    match result {
        Ok(doc) => Ok(wrap(doc)),
        Err(e) => Err((from, to, e)),
    }
}

/// One downgrade step's result, wrapped, with what it loses; its error naming the step.
#[inline]
pub fn stepped_down<T, A>(
    result: Result<T, MigrationError>,
    wrap: fn(T) -> A,
    loss: fn() -> Loss,
    from: u32,
    to: u32,
) -> Result<(A, Loss), (u32, u32, MigrationError)> {
    match result {
        Ok(doc) => Ok((wrap(doc), loss())),
        Err(e) => Err((from, to, e)),
    }
}

/// One upgrade step on the way to the latest version; a failure is the typed error.
#[inline]
pub fn upgraded<T>(
    result: Result<T, MigrationError>,
    schema: &str,
    parts: &Parts,
    from: u32,
    to: u32,
) -> Result<T, DocError> {
    match result {
        Ok(doc) => Ok(doc),
        Err(e) => Err(migration_failed(schema, parts, from, to, e)),
    }
}
