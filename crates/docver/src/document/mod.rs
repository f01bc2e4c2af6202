//! Versioned documents at run time: the type/version tag stored in every document, unknown
//! fields kept across versions, companion documents of split versions, versioned ids, and the
//! merge that lets an old app edit a newer document without losing what it doesn't know.
//!
//! `docver-derive` generates types that implement [`Versioned`]; everything here is plain code
//! the generated code calls.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::sync::OnceLock;

use serde::de::DeserializeOwned;
use serde::ser::{Error as _, Impossible, SerializeMap, SerializeStruct};
use serde::{Deserialize, Serialize, Serializer};
use serde_json::{Map, Value};

use crate::error::DocError;
use crate::family::{DocumentSet, Loss, Migrated};

pub(crate) mod fields;
mod parts;
mod read;
mod write;

pub use parts::*;
pub use read::*;
pub use write::*;

/// Fields a reader does not know, kept so that writing a document back does not drop them.
pub type UnknownFields = Map<String, Value>;

/// A document type at one version: what the derive generates for each version of a family.
pub trait Versioned: Serialize + DeserializeOwned {
    /// The document type, stored in [`Self::SCHEMA_FIELD`] (e.g. `"todo-item"`).
    const SCHEMA_NAME: &'static str;
    /// This type's major version, stored in [`Self::VERSION_FIELD`].
    const VERSION: u32;
    /// The top-level field holding the type (the seed authors' convention: `schema`).
    const SCHEMA_FIELD: &'static str = "schema";
    /// The top-level field holding the integer major version (`version`).
    const VERSION_FIELD: &'static str = "version";
    /// The version an untagged document is read as, if the family declares one.
    const BASE_VERSION: Option<u32> = None;

    fn unknown_fields(&self) -> &UnknownFields;
    fn unknown_fields_mut(&mut self) -> &mut UnknownFields;

    /// The document as stored: tag fields first, then this version's fields, then the unknown
    /// ones. Built in one pass through [`Tagged`] (no second map).
    fn to_document(&self) -> Value {
        serde_json::to_value(Tagged(self)).unwrap_or_else(|_| {
            // Only a user field that cannot be JSON (a map with non-string keys, say) gets
            // here: the tag alone, as before.
            let mut doc = Map::new();
            doc.insert(
                Self::SCHEMA_FIELD.to_owned(),
                Value::from(Self::SCHEMA_NAME),
            );
            doc.insert(Self::VERSION_FIELD.to_owned(), Value::from(Self::VERSION));
            Value::Object(doc)
        })
    }

    /// The document as JSON text, tag fields first, streamed through [`Tagged`] (no
    /// intermediate `Value`).
    fn to_json(&self) -> String {
        let mut out = Vec::with_capacity(128);
        match append_tagged(self, &mut out) {
            Ok(()) => String::from_utf8(out).unwrap_or_default(),
            Err(_) => self.to_document().to_string(),
        }
    }

    /// Appends the document as JSON text, tag fields first, to `out` (the fastest way to
    /// write many documents into one buffer).
    fn append_json(&self, out: &mut Vec<u8>) -> Result<(), serde_json::Error> {
        append_tagged(self, out)
    }

    /// Writes the document as JSON text, tag fields first, straight into `writer`.
    fn to_writer<W: std::io::Write>(&self, writer: W) -> Result<(), serde_json::Error> {
        serde_json::to_writer(writer, &Tagged(self))
    }

    /// Reads JSON text that must be a document of exactly this version (or untagged, if this
    /// is the base version), straight from the text; only a document that does not read is
    /// parsed again, the slow way, for an error naming its id, version and field path.
    fn from_json(text: &str) -> Result<Self, DocError> {
        if let Ok((value, seen)) = read_json_tagged::<Self>(text)
            && seen.agrees(tag_names::<Self>(), Self::VERSION)
        {
            return Ok(value);
        }
        Self::from_document(&parse_value(text, Self::SCHEMA_NAME)?)
    }

    /// Deserializes this version with its tag fields read aside (not among the unknown
    /// fields). The derive overrides it to read them in the same pass.
    #[doc(hidden)]
    fn read_tagged<'de, D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> Result<(Self, TagSeen), D::Error> {
        let mut value = Self::deserialize(deserializer)?;
        let seen = TagSeen::take_from(value.unknown_fields_mut(), tag_names::<Self>());
        Ok((value, seen))
    }

    /// Reads a document that must be of exactly this version (or untagged, if this is the base
    /// version). Errors name the document id, the version and the field path.
    fn from_document(doc: &Value) -> Result<Self, DocError> {
        let tag = read_tag(
            doc,
            Self::SCHEMA_NAME,
            Self::SCHEMA_FIELD,
            Self::VERSION_FIELD,
            Self::BASE_VERSION,
        )?;
        if tag != Self::VERSION {
            return Err(DocError::UnknownVersion {
                id: document_id(doc),
                schema: Self::SCHEMA_NAME.to_owned(),
                found: u64::from(tag),
                known: vec![Self::VERSION],
            });
        }
        let mut value: Self = decode(doc, Self::SCHEMA_NAME, Self::VERSION)?;
        let unknown = value.unknown_fields_mut();
        unknown.shift_remove(Self::SCHEMA_FIELD);
        unknown.shift_remove(Self::VERSION_FIELD);
        Ok(value)
    }
}

/// The names a family's documents are tagged with.
#[doc(hidden)]
#[derive(Debug, Clone, Copy)]
pub struct TagNames {
    pub schema_name: &'static str,
    pub schema_field: &'static str,
    pub version_field: &'static str,
    pub base: Option<u32>,
}

/// The tag names of a version's family.
#[doc(hidden)]
pub fn tag_names<T: Versioned>() -> TagNames {
    TagNames {
        schema_name: T::SCHEMA_NAME,
        schema_field: T::SCHEMA_FIELD,
        version_field: T::VERSION_FIELD,
        base: T::BASE_VERSION,
    }
}

/// Reads JSON text as `T` with [`Versioned::read_tagged`] (as `serde_json::from_str` would,
/// trailing characters included).
#[doc(hidden)]
pub fn read_json_tagged<T: Versioned>(text: &str) -> Result<(T, TagSeen), serde_json::Error> {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let read = T::read_tagged(&mut deserializer)?;
    deserializer.end()?;
    Ok(read)
}

/// The version a JSON text most likely has, without parsing it: the number after the first
/// `"<version_field>":`, or the base version when that key does not occur at all. Only a guess
/// (the key may sit in a nested object): the reader checks the tag it finds in the document.
fn guess_version(text: &str, version_field: &str, base: Option<u32>) -> Option<u32> {
    let bytes = text.as_bytes();
    let mut from = 0;
    while let Some(found) = text.get(from..)?.find(version_field) {
        let start = from + found;
        let end = start + version_field.len();
        from = end;
        if start == 0 || bytes[start - 1] != b'"' || bytes.get(end) != Some(&b'"') {
            continue;
        }
        let rest = text[end + 1..].trim_start();
        let Some(rest) = rest.strip_prefix(':') else {
            continue;
        };
        let rest = rest.trim_start();
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        return rest[..digits].parse().ok();
    }
    base
}

/// A family's any-version enum, as the generated code implements it, so that reading JSON
/// text is one generic function rather than code generated per family.
#[doc(hidden)]
pub trait AnyVersion: Sized {
    const NAMES: TagNames;
    /// Every known version, ascending.
    const VERSIONS: &'static [u32];

    fn version(&self) -> u32;

    /// Reads a document tagged `version` (`None`: no such version).
    fn decode_version(version: u32, doc: &Value) -> Option<Result<Self, DocError>>;

    /// One step up; the error names the step (from, to).
    fn step_up(self, parts: &mut Parts) -> Result<Self, (u32, u32, MigrationError)>;

    /// One step down, with what it lost; the error names the step (from, to).
    fn step_down(self, parts: &mut Parts) -> Result<(Self, Loss), (u32, u32, MigrationError)>;

    /// The unknown fields of whichever version this is.
    fn unknown(&self) -> &UnknownFields;

    fn to_document(&self) -> Value;

    /// The version this family's reader saw last (0: none yet): the first guess for the next
    /// document, since documents read one after another mostly share a version.
    fn last_version() -> &'static std::sync::atomic::AtomicU32;

    /// Reads `text` straight into version `version`'s type with [`read_json_tagged`]
    /// (`None`: no such version).
    fn parse_version(
        version: u32,
        text: &str,
    ) -> Option<Result<(Self, TagSeen), serde_json::Error>>;
}

// Small generic helpers the generated match arms call with a variant's constructor, so that
// the arms need no closures of their own.

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

/// Migrates one version up or down, step by step, to `target`. Unknown fields survive; the
/// returned loss says what the downgrades could not keep.
pub fn any_migrate<A: AnyVersion>(
    any: A,
    target: u32,
    parts: &mut Parts,
) -> Result<(A, Loss), DocError> {
    let schema = A::NAMES.schema_name;
    if !A::VERSIONS.contains(&target) {
        return Err(DocError::UnknownVersion {
            id: parts.id.clone(),
            schema: schema.to_owned(),
            found: u64::from(target),
            known: A::VERSIONS.to_vec(),
        });
    }
    let mut current = any;
    let mut loss = Loss::Lossless;
    while current.version() != target {
        let step = if current.version() < target {
            current.step_up(parts).map(|next| (next, Loss::Lossless))
        } else {
            current.step_down(parts)
        };
        match step {
            Ok((next, step_loss)) => {
                current = next;
                loss = loss.then(step_loss);
            }
            Err((from, to, e)) => return Err(migration_failed(schema, parts, from, to, e)),
        }
    }
    Ok((current, loss))
}

fn no_path(schema: &str, parts: &Parts, from: u32, to: u32) -> DocError {
    DocError::Migration {
        id: parts.id.clone(),
        schema: schema.to_owned(),
        from,
        to,
        message: "no migration path".to_owned(),
    }
}

/// Reads a document of any known version as the version `extract` takes, migrating it up or
/// down.
pub fn read_as<A: AnyVersion, T>(
    doc: &Value,
    parts: &mut Parts,
    version: u32,
    extract: fn(A) -> Option<T>,
) -> Result<(T, Loss), DocError> {
    let (any, loss) = any_migrate(any_from_document::<A>(doc)?, version, parts)?;
    let found = any.version();
    match extract(any) {
        Some(read) => Ok((read, loss)),
        None => Err(no_path(A::NAMES.schema_name, parts, found, version)),
    }
}

/// Writes `this` (possibly edited) back over `original`, the document it was read from. When
/// `original` is newer, every field `T` does not know survives unchanged and the document
/// keeps its newer version; otherwise the document is written at `T`'s version.
pub fn write_back<A: AnyVersion, T: Versioned>(
    this: &T,
    wrap: fn(T) -> A,
    original: &Value,
    parts: &mut Parts,
) -> Result<Value, DocError> {
    let after = this.to_document();
    let stored = any_from_document::<A>(original)?;
    let stored_version = stored.version();
    if stored_version <= T::VERSION {
        return Ok(after);
    }
    let mut scratch = parts.clone();
    let (before, _) = any_migrate(stored, T::VERSION, &mut scratch)?;
    let edited = T::from_document(&after)?;
    let (upgraded, _) = any_migrate(wrap(edited), stored_version, parts)?;
    Ok(merge_edit(
        original,
        &before.to_document(),
        &after,
        &upgraded.to_document(),
    ))
}

/// [`Family::version_of`](crate::Family::version_of) for a generated family.
pub fn family_version_of<A: AnyVersion>(doc: &Value) -> Result<u32, DocError> {
    let names = A::NAMES;
    read_tag(
        doc,
        names.schema_name,
        names.schema_field,
        names.version_field,
        names.base,
    )
}

/// [`Family::migrate`](crate::Family::migrate) for a generated family.
pub fn family_migrate<A: AnyVersion>(docs: DocumentSet, target: u32) -> Result<Migrated, DocError> {
    let mut parts = Parts::with_docs(docs.id.clone(), docs.parts);
    let (migrated, loss) = any_migrate(any_from_document::<A>(&docs.main)?, target, &mut parts)?;
    Ok(Migrated {
        version: target,
        docs: DocumentSet {
            id: docs.id,
            main: migrated.to_document(),
            parts: parts.docs.into_values(),
        },
        loss,
    })
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

fn not_json(schema: &str, e: &dyn fmt::Display) -> DocError {
    DocError::Invalid {
        id: None,
        schema: schema.to_owned(),
        version: 0,
        path: String::new(),
        message: format!("not JSON: {e}"),
    }
}

fn parse_value(text: &str, schema: &str) -> Result<Value, DocError> {
    serde_json::from_str(text).map_err(|e| not_json(schema, &e))
}

/// The id of a stored document (`_id` as CouchDB keeps it, or `id`), for error messages.
pub fn document_id(doc: &Value) -> Option<String> {
    ["_id", "id"]
        .iter()
        .find_map(|k| doc.get(*k).and_then(Value::as_str))
        .map(str::to_owned)
}

/// The version a document is tagged with. An untagged document is `base` if given; a document
/// of another type, a malformed tag or a missing tag without a base is an error.
pub fn read_tag(
    doc: &Value,
    schema_name: &str,
    schema_field: &str,
    version_field: &str,
    base: Option<u32>,
) -> Result<u32, DocError> {
    let id = || document_id(doc);
    let Some(object) = doc.as_object() else {
        return Err(DocError::Invalid {
            id: None,
            schema: schema_name.to_owned(),
            version: 0,
            path: String::new(),
            message: "a document must be a JSON object".to_owned(),
        });
    };
    if let Some(found) = object.get(schema_field) {
        if found.as_str() != Some(schema_name) {
            return Err(DocError::WrongSchema {
                id: id(),
                expected: schema_name.to_owned(),
                found: found.to_string(),
            });
        }
    }
    match object.get(version_field) {
        Some(v) => v
            .as_u64()
            .and_then(|v| u32::try_from(v).ok())
            .ok_or_else(|| DocError::Invalid {
                id: id(),
                schema: schema_name.to_owned(),
                version: 0,
                path: format!("/{version_field}"),
                message: format!("the version tag must be a non-negative integer, found {v}"),
            }),
        None => base.ok_or_else(|| DocError::MissingTag {
            id: id(),
            schema: schema_name.to_owned(),
            field: version_field.to_owned(),
        }),
    }
}

/// Deserializes `doc` as version `version` of `schema`, naming the field path on failure.
pub fn decode<T: DeserializeOwned>(doc: &Value, schema: &str, version: u32) -> Result<T, DocError> {
    // Without path tracking first; only a document that does not read pays for the path.
    if let Ok(value) = T::deserialize(doc) {
        return Ok(value);
    }
    serde_path_to_error::deserialize(doc).map_err(|e| DocError::Invalid {
        id: document_id(doc),
        schema: schema.to_owned(),
        version,
        path: pointer_of(e.path()),
        message: e.inner().to_string(),
    })
}

fn pointer_of(path: &serde_path_to_error::Path) -> String {
    let text = path.to_string();
    if text == "." {
        String::new()
    } else {
        format!("/{}", text.replace('.', "/"))
    }
}

/// Takes `key` out of the unknown fields if it holds a `T` (a value an older reader kept for a
/// field it did not know); leaves it in place otherwise.
pub fn take_unknown<T: DeserializeOwned>(unknown: &mut UnknownFields, key: &str) -> Option<T> {
    // Read in place (a `&Value` is a deserializer), so nothing is cloned.
    let value = T::deserialize(unknown.get(key)?).ok()?;
    unknown.shift_remove(key);
    Some(value)
}

/// Keeps `value` under `key` among the unknown fields (a field the target version lacks), so an
/// upgrade can restore it. A value equal to what the upgrade would fill in anyway (`default`)
/// is not kept, so that a downgrade of an upgraded document gives back the original.
pub fn stash<T: Serialize>(unknown: &mut UnknownFields, key: &str, value: &T, default: Option<&T>) {
    let Ok(value) = serde_json::to_value(value) else {
        return;
    };
    if let Some(default) = default
        && serde_json::to_value(default).is_ok_and(|d| d == value)
    {
        return;
    }
    unknown.insert(key.to_owned(), value);
}

/// The error of a failed migration step from `from` to `to`.
#[cold]
pub fn migration_failed(
    schema: &str,
    parts: &Parts,
    from: u32,
    to: u32,
    error: MigrationError,
) -> DocError {
    DocError::Migration {
        id: parts.id.clone(),
        schema: schema.to_owned(),
        from,
        to,
        message: error.message,
    }
}

/// Why a migration step failed: what a user migration function returned, or a conversion that
/// did not fit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationError {
    pub message: String,
}

impl MigrationError {
    pub fn new(message: impl fmt::Display) -> Self {
        MigrationError {
            message: message.to_string(),
        }
    }
}

impl fmt::Display for MigrationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for MigrationError {}

/// An id of the per-version-documents strategy: `todo-item@2:<uuid>`. References between
/// documents use the raw uuid, never this.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct VersionedId {
    pub schema: String,
    pub version: u32,
    pub uuid: String,
}

impl VersionedId {
    pub fn new(schema: impl Into<String>, version: u32, uuid: impl Into<String>) -> Self {
        VersionedId {
            schema: schema.into(),
            version,
            uuid: uuid.into(),
        }
    }

    /// Parses `schema@version:uuid`; `None` for ids of any other shape.
    pub fn parse(id: &str) -> Option<VersionedId> {
        let (schema, rest) = id.split_once('@')?;
        let (version, uuid) = rest.split_once(':')?;
        if schema.is_empty() || uuid.is_empty() || !version.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        Some(VersionedId::new(schema, version.parse().ok()?, uuid))
    }
}

impl fmt::Display for VersionedId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}@{}:{}", self.schema, self.version, self.uuid)
    }
}

/// Writes an edit made by an app that knows an older version back into the newer document it
/// read, so that nothing the app does not know is lost and the document keeps its newer tag.
///
/// - `original`: the stored (newer) document;
/// - `before`: what the app read (the original downgraded to the app's version);
/// - `after`: what the app wants to write (its version);
/// - `after_upgraded`: `after` upgraded to the original's version.
///
/// Every top-level field the app changed takes its value from `after_upgraded` (so a field whose
/// type changed between versions is converted, not copied, and one the newer version keeps
/// elsewhere is not copied at all); everything else is kept from `original`.
pub fn merge_edit(
    original: &Value,
    before: &Value,
    after: &Value,
    after_upgraded: &Value,
) -> Value {
    let mut merged = original.clone();
    let (Some(merged_map), Some(after_map)) = (merged.as_object_mut(), after.as_object()) else {
        return merged;
    };
    for (key, value) in after_map {
        if before.get(key) == Some(value) {
            continue;
        }
        // A field the newer version no longer has at the top level (moved into a companion
        // document, say) reaches it through `after_upgraded`'s own shape, not by copying.
        if let Some(upgraded) = after_upgraded.get(key) {
            merged_map.insert(key.clone(), upgraded.clone());
        }
    }
    if let Some(before_map) = before.as_object() {
        for key in before_map.keys() {
            if !after_map.contains_key(key) && after_upgraded.get(key).is_none() {
                merged_map.remove(key);
            }
        }
    }
    merged
}

/// Which side of a version a schema describes: what its reader accepts (fields with a default
/// are optional) or what its writer emits (every field present).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Contract {
    Reader,
    Writer,
}

/// The JSON Schema of one version, as schemars 1.x generates it (draft 2020-12), with the tag
/// fields added as required constants.
pub fn version_schema<T: Versioned + schemars::JsonSchema>(contract: Contract) -> Value {
    let settings = schemars::generate::SchemaSettings::draft2020_12();
    let settings = match contract {
        Contract::Reader => settings.for_deserialize(),
        Contract::Writer => settings.for_serialize(),
    };
    let generated = settings
        .into_generator()
        .into_root_schema_for::<T>()
        .to_value();
    let Value::Object(mut generated) = generated else {
        return generated;
    };
    // Tag fields first, as required constants; then the version's own fields.
    let mut properties = Map::new();
    properties.insert(
        T::SCHEMA_FIELD.to_owned(),
        serde_json::json!({ "const": T::SCHEMA_NAME }),
    );
    properties.insert(
        T::VERSION_FIELD.to_owned(),
        serde_json::json!({ "const": T::VERSION }),
    );
    if let Some(Value::Object(rest)) = generated.remove("properties") {
        properties.extend(rest);
    }
    let mut required = vec![Value::from(T::SCHEMA_FIELD), Value::from(T::VERSION_FIELD)];
    if let Some(Value::Array(rest)) = generated.remove("required") {
        required.extend(rest);
    }
    // A stable, readable key order; the title is the document type (the same in every
    // version, so that diffs between versions show only real changes).
    let mut schema = Map::new();
    for key in ["$schema", "title", "description"] {
        if let Some(value) = generated.remove(key) {
            schema.insert(key.to_owned(), value);
        }
    }
    schema.insert("title".to_owned(), Value::from(T::SCHEMA_NAME));
    if let Some(t) = generated.remove("type") {
        schema.insert("type".to_owned(), t);
    }
    schema.insert("properties".to_owned(), Value::Object(properties));
    schema.insert("required".to_owned(), Value::Array(required));
    schema.extend(generated);
    Value::Object(schema)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn versioned_ids_round_trip_and_reject_other_shapes() {
        let id = VersionedId::new("todo-item", 2, "0b9e");
        assert_eq!(id.to_string(), "todo-item@2:0b9e");
        assert_eq!(VersionedId::parse("todo-item@2:0b9e"), Some(id));
        for bad in [
            "todo-item:0b9e",
            "todo-item@x:0b9e",
            "@2:0b9e",
            "todo-item@2:",
            "0b9e",
        ] {
            assert_eq!(VersionedId::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn tags_are_read_with_a_base_for_untagged_documents() {
        let tagged = json!({"_id": "a", "schema": "todo-item", "version": 3});
        assert_eq!(
            read_tag(&tagged, "todo-item", "schema", "version", None),
            Ok(3)
        );
        let untagged = json!({"_id": "b", "title": "milk"});
        assert_eq!(
            read_tag(&untagged, "todo-item", "schema", "version", Some(1)),
            Ok(1)
        );
        let err = read_tag(&untagged, "todo-item", "schema", "version", None).unwrap_err();
        assert!(err.to_string().contains("document b"), "{err}");
        let other = json!({"_id": "c", "schema": "shopping", "version": 1});
        assert!(matches!(
            read_tag(&other, "todo-item", "schema", "version", None),
            Err(DocError::WrongSchema { .. })
        ));
    }

    #[test]
    fn part_docs_stay_sorted_and_replace_by_key() {
        let mut docs = PartDocs::new();
        assert!(docs.is_empty());
        assert_eq!(docs.insert("b", json!(2)), None);
        assert_eq!(docs.insert("d", json!(4)), None);
        assert_eq!(docs.insert("a", json!(1)), None);
        assert_eq!(docs.insert("c", json!(3)), None);
        assert_eq!(
            docs.insert("a", json!(10)).map(Part::into_value),
            Some(json!(1))
        );
        assert_eq!(
            docs.insert("c", json!(30)).map(Part::into_value),
            Some(json!(3))
        );
        assert_eq!(docs.keys().collect::<Vec<_>>(), ["a", "b", "c", "d"]);
        assert_eq!(docs.len(), 4);
        assert_eq!(docs["c"], json!(30));
        assert_eq!(docs.remove("a").map(Part::into_value), Some(json!(10)));
        assert_eq!(docs.remove("x"), None);
        assert_eq!(docs.keys().collect::<Vec<_>>(), ["b", "c", "d"]);
        assert_eq!(
            docs.get("b").map(|p| p.to_json().into_owned()),
            Some("2".to_owned())
        );
        let values = docs.clone().into_values();
        assert_eq!(PartDocs::from(values.clone()), docs);
        assert_eq!(values.keys().collect::<Vec<_>>(), ["b", "c", "d"]);
        for key in ["c", "b", "d"] {
            assert!(docs.remove(key).is_some());
        }
        assert!(docs.is_empty());
    }

    #[test]
    fn guessed_versions_are_only_guesses() {
        assert_eq!(
            guess_version(r#"{"version":3}"#, "version", Some(1)),
            Some(3)
        );
        assert_eq!(guess_version(r#"{"a":1}"#, "version", Some(1)), Some(1));
        assert_eq!(guess_version(r#"{"a":1}"#, "version", None), None);
        assert_eq!(
            guess_version(r#"{"myversion":2, "version" : 7}"#, "version", None),
            Some(7)
        );
        assert_eq!(
            guess_version(r#"{"version":"x"}"#, "version", Some(1)),
            None
        );
        assert_eq!(
            guess_version(r#"{"version":99999999999}"#, "version", Some(1)),
            None
        );
        assert_eq!(guess_version("version", "version", Some(1)), Some(1));
    }

    #[test]
    fn merge_keeps_what_the_old_app_does_not_know() {
        let original =
            json!({"schema": "t", "version": 3, "title": "a", "status": "blocked", "x": 1});
        let before = json!({"schema": "t", "version": 2, "title": "a", "status": false, "x": 1});
        let after = json!({"schema": "t", "version": 2, "title": "b", "status": false, "x": 1});
        let upgraded = json!({"schema": "t", "version": 3, "title": "b", "status": "open", "x": 1});
        let merged = merge_edit(&original, &before, &after, &upgraded);
        assert_eq!(
            merged,
            json!({"schema": "t", "version": 3, "title": "b", "status": "blocked", "x": 1})
        );
    }
}
