//! A family's any-version enum ([`AnyVersion`], implemented by generated code) and reading a
//! document of any version into it, from a `Value` or from JSON text.

use serde_json::Value;

use super::decode::{not_json, parse_value};
use super::guess::guess_version;
use super::id::document_id;
use super::migration_error::MigrationError;
use super::parts::Parts;
use super::tag::{TagNames, TagSeen, read_tag};
use super::unknown::UnknownFields;
use crate::error::DocError;
use crate::family::Loss;

/// A family's any-version enum, as the generated code implements it, so that reading JSON
/// text is one generic function rather than code generated per family.
pub trait AnyVersion: Sized {
    /// The names the family's documents are tagged with.
    const NAMES: TagNames;
    /// Every known version, ascending.
    const VERSIONS: &'static [u32];

    /// The version this value is.
    fn version(&self) -> u32;

    /// Reads a document tagged `version` (`None`: no such version).
    fn decode_version(version: u32, doc: &Value) -> Option<Result<Self, DocError>>;

    /// One step up; the error names the step (from, to).
    fn step_up(self, parts: &mut Parts) -> Result<Self, (u32, u32, MigrationError)>;

    /// One step down, with what it lost; the error names the step (from, to).
    fn step_down(self, parts: &mut Parts) -> Result<(Self, Loss), (u32, u32, MigrationError)>;

    /// The unknown fields of whichever version this is.
    fn unknown(&self) -> &UnknownFields;

    /// The document as stored ([`Versioned::to_document`](super::versioned::Versioned::to_document)
    /// of whichever version this is).
    fn to_document(&self) -> Value;

    /// The version this family's reader saw last (0: none yet): the first guess for the next
    /// document, since documents read one after another mostly share a version.
    fn last_version() -> &'static std::sync::atomic::AtomicU32;

    /// Reads `text` straight into version `version`'s type with
    /// [`read_json_tagged`](super::tag::read_json_tagged) (`None`: no such version).
    fn parse_version(
        version: u32,
        text: &str,
    ) -> Option<Result<(Self, TagSeen), serde_json::Error>>;
}

/// Reads a document of any known version (untagged documents as the base version).
pub fn any_from_document<A: AnyVersion>(doc: &Value) -> Result<A, DocError> {
    let names = A::NAMES;
    let version = read_tag(
        doc,
        names.schema_name,
        names.schema_field,
        names.version_field,
        names.base,
    )?;
    match A::decode_version(version, doc) {
        Some(read) => read,
        None => Err(DocError::UnknownVersion {
            id: document_id(doc),
            schema: names.schema_name.to_owned(),
            found: u64::from(version),
            known: A::VERSIONS.to_vec(),
        }),
    }
}

/// The stored document's id (`_id`, kept among the unknown fields), if any.
pub fn any_id<A: AnyVersion>(any: &A) -> Option<String> {
    any.unknown()
        .get("_id")
        .and_then(Value::as_str)
        .map(str::to_owned)
}

/// Reads JSON text as a document of any version of a family: guesses the version from the
/// text, reads it straight into that version's type, and checks the tag it kept among the
/// unknown fields. A wrong guess or a document that does not read is parsed again into a
/// `Value` and read by `from_document`, which names the id, the version and the field path.
pub fn any_from_json<A: AnyVersion>(text: &str) -> Result<A, DocError> {
    use std::sync::atomic::Ordering::Relaxed;
    let names = A::NAMES;
    let read_as = |version: u32| {
        let (any, seen) = A::parse_version(version, text)?.ok()?;
        seen.agrees(names, version).then_some(any)
    };
    // The version read last, then the one the text's tag most likely says.
    let last = A::last_version().load(Relaxed);
    if last != 0
        && let Some(any) = read_as(last)
    {
        return Ok(any);
    }
    if let Some(version) = guess_version(text, names.version_field, names.base)
        && version != last
        && let Some(any) = read_as(version)
    {
        A::last_version().store(version, Relaxed);
        return Ok(any);
    }
    any_from_document::<A>(&parse_value(text, names.schema_name)?)
}

/// [`any_from_json`] over bytes (which must be UTF-8, as JSON is).
pub fn any_from_slice<A: AnyVersion>(bytes: &[u8]) -> Result<A, DocError> {
    match std::str::from_utf8(bytes) {
        Ok(text) => any_from_json(text),
        Err(e) => Err(not_json(A::NAMES.schema_name, &e)),
    }
}
