//! Reading a `Value` or JSON text as one version the slow, thorough way: errors name the
//! document, the version and the field path.

use std::fmt;

use serde::de::DeserializeOwned;
use serde_json::Value;

use super::id::document_id;
use super::nested::path_inside;
use crate::error::DocError;

pub(super) fn not_json(schema: &str, e: &dyn fmt::Display) -> DocError {
    DocError::Invalid {
        id: None,
        schema: schema.to_owned(),
        version: 0,
        path: String::new(),
        message: format!("not JSON: {e}"),
    }
}

pub(super) fn parse_value(text: &str, schema: &str) -> Result<Value, DocError> {
    serde_json::from_str(text).map_err(|e| not_json(schema, &e))
}

/// Deserializes `doc` as version `version` of `schema`, naming the field path on failure.
pub(super) fn decode<T: DeserializeOwned>(
    doc: &Value,
    schema: &str,
    version: u32,
) -> Result<T, DocError> {
    // Without path tracking first; only a document that does not read pays for the path.
    if let Ok(value) = T::deserialize(doc) {
        return Ok(value);
    }
    serde_path_to_error::deserialize(doc).map_err(|e| {
        let message = e.inner().to_string();
        // A field read through JSON (to keep its nested unknown fields) names the path inside it.
        let (message, inside) = path_inside(&message);
        let mut path = e.path().to_string();
        if let Some(inside) = inside {
            if !inside.starts_with('[') {
                path.push('.');
            }
            path.push_str(inside);
        }
        DocError::Invalid {
            id: document_id(doc),
            schema: schema.to_owned(),
            version,
            path: pointer_of(&path),
            message: message.to_owned(),
        }
    })
}

fn pointer_of(text: &str) -> String {
    if text == "." {
        String::new()
    } else {
        format!("/{}", text.replace('.', "/"))
    }
}
