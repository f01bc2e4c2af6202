//! Versioned documents at run time: the type/version tag stored in every document, unknown
//! fields kept across versions, companion documents of split versions, versioned ids, and the
//! merge that lets an old app edit a newer document without losing what it doesn't know.
//!
//! `schema-derive` generates types that implement [`Versioned`]; everything here is plain code
//! the generated code calls.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::error::DocError;

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
    /// ones.
    fn to_document(&self) -> Value {
        // Serializing a derived struct into a Value cannot fail (string keys only).
        let mut doc = match serde_json::to_value(self) {
            Ok(Value::Object(body)) => body,
            _ => Map::new(),
        };
        doc.shift_insert(
            0,
            Self::SCHEMA_FIELD.to_owned(),
            Value::from(Self::SCHEMA_NAME),
        );
        doc.shift_insert(
            1,
            Self::VERSION_FIELD.to_owned(),
            Value::from(Self::VERSION),
        );
        Value::Object(doc)
    }

    /// The document as JSON text, tag fields first, serialized in one pass (no intermediate
    /// `Value`).
    fn to_json(&self) -> String {
        let body = serde_json::to_string(self).unwrap_or_else(|_| "{}".to_owned());
        let mut out = String::with_capacity(body.len() + Self::SCHEMA_NAME.len() + 40);
        out.push('{');
        out.push_str(&Value::from(Self::SCHEMA_FIELD).to_string());
        out.push(':');
        out.push_str(&Value::from(Self::SCHEMA_NAME).to_string());
        out.push(',');
        out.push_str(&Value::from(Self::VERSION_FIELD).to_string());
        out.push(':');
        out.push_str(&Self::VERSION.to_string());
        // A derived struct serializes as an object: `{}` or `{"field":…}`.
        match body.strip_prefix('{') {
            Some("}") | None => out.push('}'),
            Some(rest) => {
                out.push(',');
                out.push_str(rest);
            }
        }
        out
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
        unknown.remove(Self::SCHEMA_FIELD);
        unknown.remove(Self::VERSION_FIELD);
        Ok(value)
    }
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
    let value = serde_json::from_value(unknown.get(key)?.clone()).ok()?;
    unknown.remove(key);
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

/// The companion documents of one logical document (the seed's v4 todo keeps its status in a
/// `todo-status` document), keyed by schema name, plus the logical id they hang off.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Parts {
    /// The raw uuid of the main document; companion documents refer to it, never to a
    /// versioned id.
    pub id: Option<String>,
    pub docs: BTreeMap<String, Value>,
}

impl Parts {
    pub fn new(id: Option<String>) -> Self {
        Parts {
            id,
            docs: BTreeMap::new(),
        }
    }

    /// The deterministic id of this document's companion of type `schema`:
    /// `<schema>:<uuid>` (`todo-status:7f3c`), so that two workers splitting the same document
    /// write the same companion.
    pub fn part_id(&self, schema: &str) -> Option<String> {
        self.id.as_ref().map(|id| format!("{schema}:{id}"))
    }

    /// Adds a companion document (replacing one of the same type), with its deterministic id
    /// when the logical id is known.
    pub fn put<T: Versioned>(&mut self, part: &T) {
        let mut doc = part.to_document();
        if let (Some(id), Some(object)) = (self.part_id(T::SCHEMA_NAME), doc.as_object_mut())
            && !object.contains_key("_id")
        {
            object.insert("_id".to_owned(), Value::from(id));
        }
        self.docs.insert(T::SCHEMA_NAME.to_owned(), doc);
    }

    /// Removes and reads the companion document of type `T`, if present.
    pub fn take<T: Versioned>(&mut self) -> Result<Option<T>, DocError> {
        match self.docs.remove(T::SCHEMA_NAME) {
            None => Ok(None),
            Some(doc) => T::from_document(&doc).map(Some),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }
}

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
