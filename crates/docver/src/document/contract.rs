//! The JSON Schema of one version, as its reader accepts or its writer emits documents.

use serde_json::{Map, Value};

use super::versioned::Versioned;

/// Which side of a version a schema describes: what its reader accepts (fields with a default
/// are optional) or what its writer emits (every field present).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Contract {
    /// What a reader of the version accepts: a field with a default may be absent.
    Reader,
    /// What a writer of the version emits: every field is present.
    Writer,
}

impl std::fmt::Display for Contract {
    /// `reader` or `writer`, as the exported schema files are named.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Contract::Reader => "reader",
            Contract::Writer => "writer",
        })
    }
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
