//! Document ids: the id a stored document carries and the versioned ids of the
//! per-version-documents strategy.

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The id of a stored document (`_id` as CouchDB keeps it, or `id`), for error messages.
pub fn document_id(doc: &Value) -> Option<String> {
    ["_id", "id"]
        .iter()
        .find_map(|k| doc.get(*k).and_then(Value::as_str))
        .map(str::to_owned)
}

/// An id of the per-version-documents strategy: `todo-item@2:<uuid>`. References between
/// documents use the raw uuid, never this.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct VersionedId {
    /// The family's schema name (`todo-item`).
    pub schema: String,
    /// The major version the document is stored at.
    pub version: u32,
    /// The logical id shared by every version of the document.
    pub uuid: String,
}

impl VersionedId {
    /// The id of `uuid`'s document stored as `schema` version `version`.
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
