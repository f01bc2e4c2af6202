//! The [`Versioned`] trait: one version of a document family, as the derive generates it.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::decode::{decode, parse_value};
use super::id::document_id;
use super::tag::{TagSeen, read_json_tagged, read_tag, tag_names};
use super::unknown::UnknownFields;
use super::write::{Tagged, append_tagged};
use crate::error::DocError;

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

    /// The fields this version does not know, kept so that writing the document back (or
    /// migrating it there and back) loses none of them.
    fn unknown_fields(&self) -> &UnknownFields;
    /// The unknown fields, for a migration step that moves values in or out of them.
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

    /// Serializes this version's fields and unknown fields without the tag: the body
    /// [`Tagged`] writes after the tag. The derive overrides it (its `Serialize` writes the tag
    /// itself, through [`Tagged`]).
    #[doc(hidden)]
    fn serialize_fields<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.serialize(serializer)
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
