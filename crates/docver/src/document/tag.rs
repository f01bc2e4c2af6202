//! The type and version tag every document carries: the names it is stored under, reading it
//! from a document, and what a single-pass reader saw of it.

use serde_json::Value;

use super::id::document_id;
use super::unknown::UnknownFields;
use super::versioned::Versioned;
use crate::error::DocError;

/// The names a family's documents are tagged with.
#[derive(Debug, Clone, Copy)]
pub struct TagNames {
    /// [`Versioned::SCHEMA_NAME`]: the value of the schema field.
    pub schema_name: &'static str,
    /// [`Versioned::SCHEMA_FIELD`]: the field holding the schema name.
    pub schema_field: &'static str,
    /// [`Versioned::VERSION_FIELD`]: the field holding the version.
    pub version_field: &'static str,
    /// [`Versioned::BASE_VERSION`]: what an untagged document is read as.
    pub base: Option<u32>,
}

/// The tag names of a version's family.
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
pub fn read_json_tagged<T: Versioned>(text: &str) -> Result<(T, TagSeen), serde_json::Error> {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let read = T::read_tagged(&mut deserializer)?;
    deserializer.end()?;
    Ok(read)
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
        Some(v) => tag_number(v)
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

/// A version tag's number: a non-negative integer, written `2` or `2.0`. JSON's `2.0` is the
/// integer 2 (JSON Schema draft 6 on, and CouchDB's JavaScript validation cannot tell them
/// apart), so a reader that refused it would reject a document validation accepted.
pub(crate) fn tag_number(value: &Value) -> Option<u64> {
    value
        .as_u64()
        .or_else(|| value.as_f64().and_then(integral_number))
}

/// `number` as an integer when it is one (`2.0`), for tags read as floats.
pub(crate) fn integral_number(number: f64) -> Option<u64> {
    // 2^64 is exact as an f64; every integral float below it converts without loss.
    const LIMIT: f64 = 18_446_744_073_709_551_616.0;
    (number.fract() == 0.0 && (0.0..LIMIT).contains(&number)).then_some(number as u64)
}

/// What a document's tag fields held, as read by [`Versioned::read_tagged`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TagSeen {
    /// `None`: no schema field; `Some(true)`: it names this family.
    pub schema: Option<bool>,
    /// `None`: no version field; `Some(None)`: not a non-negative integer.
    pub version: Option<Option<u64>>,
}

impl TagSeen {
    /// Takes the tag fields out of `unknown` (for types read with their tag among the unknown
    /// fields).
    pub fn take_from(unknown: &mut UnknownFields, names: TagNames) -> TagSeen {
        if unknown.is_empty() {
            return TagSeen::default();
        }
        TagSeen {
            schema: unknown
                .shift_remove(names.schema_field)
                .map(|s| s.as_str() == Some(names.schema_name)),
            version: unknown
                .shift_remove(names.version_field)
                .map(|v| tag_number(&v)),
        }
    }

    /// Whether the tag says this is a `names.schema_name` document of `version` (an untagged
    /// one is the base version).
    pub fn agrees(&self, names: TagNames, version: u32) -> bool {
        if self.schema == Some(false) {
            return false;
        }
        match self.version {
            Some(found) => found == Some(u64::from(version)),
            None => names.base == Some(version),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The readers agree with validation (`"version": {"const": 2}` accepts `2.0`): an integral
    /// float tag is that version, in all three places a tag is read.
    #[test]
    fn an_integral_float_tag_is_that_version() {
        for (text, expected) in [
            (
                r#"{"schema":"todo-item","version":2.0,"title":"a"}"#,
                Some(2),
            ),
            (
                r#"{"schema":"todo-item","version":2e0,"title":"a"}"#,
                Some(2),
            ),
            (r#"{"schema":"todo-item","version":2.5,"title":"a"}"#, None),
            (r#"{"schema":"todo-item","version":-2.0,"title":"a"}"#, None),
            (
                r#"{"schema":"todo-item","version":1e300,"title":"a"}"#,
                None,
            ),
        ] {
            let doc: Value = serde_json::from_str(text).unwrap();
            let read = read_tag(&doc, "todo-item", "schema", "version", None);
            assert_eq!(read.ok(), expected.map(|v: u64| v as u32), "{text}");
            let names = TagNames {
                schema_name: "todo-item",
                schema_field: "schema",
                version_field: "version",
                base: None,
            };
            let mut unknown: UnknownFields = serde_json::from_str(text).unwrap();
            let seen = TagSeen::take_from(&mut unknown, names);
            assert_eq!(seen.version, Some(expected), "{text}");
            #[derive(serde::Deserialize)]
            struct Title {
                #[allow(dead_code)]
                title: String,
            }
            let mut de = serde_json::Deserializer::from_str(text);
            let (_, _, seen) =
                super::super::read::with_unknown_tagged::<Title, _>(&mut de, names).unwrap();
            assert_eq!(seen.version, Some(expected), "{text}");
            assert_eq!(seen.agrees(names, 2), expected == Some(2), "{text}");
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
}
