//! What the code generated for `lens(...)` steps calls: the JSON form of table entries and
//! defaults, and the operations on nested objects, whose types the macro cannot see.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::document::MigrationError;

/// A table entry or default in the lens's JSON form (`null` if it does not serialize).
pub fn lens_value<T: Serialize + ?Sized>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

/// A field's value as JSON, for an operation on a nested object.
pub fn to_lens_value<T: Serialize>(value: &T, key: &str) -> Result<Value, MigrationError> {
    serde_json::to_value(value)
        .map_err(|e| MigrationError::new(format!("`{key}` cannot be written as JSON: {e}")))
}

/// A field's value back from JSON after an operation on a nested object.
pub fn from_lens_value<T: DeserializeOwned>(value: Value, key: &str) -> Result<T, MigrationError> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let at = if path == "." {
            format!("/{key}")
        } else {
            format!("/{key}/{}", path.replace('.', "/"))
        };
        MigrationError::new(format!("{at}: {}", e.inner()))
    })
}

/// Runs one `hoist` (`up`) or `plunge` (down) of the reference interpreter over
/// `{host: .., name: ..}`, so typed steps and `docver::lens` share one definition of both.
fn move_field(
    host: Value,
    name: &str,
    value: Option<Value>,
    up: bool,
) -> Result<Map<String, Value>, MigrationError> {
    let host_key = host_key(name);
    let mut doc = Map::new();
    doc.insert(host_key.clone(), host);
    if let Some(value) = value {
        doc.insert(name.to_owned(), value);
    }
    let mut doc = Value::Object(doc);
    let op = crate::lens::LensOp::Hoist(crate::lens::ops::Move {
        host: host_key,
        name: name.to_owned(),
    });
    let direction = if up {
        crate::lens::Direction::Up
    } else {
        crate::lens::Direction::Down
    };
    crate::lens::Lens::new(vec![op])
        .apply(&mut doc, direction)
        .map_err(|e| MigrationError::new(e.to_string()))?;
    match doc {
        Value::Object(map) => Ok(map),
        _ => Ok(Map::new()),
    }
}

/// The key the host object sits under while it moves: never `name` itself.
fn host_key(name: &str) -> String {
    format!("{name}.host")
}

/// `hoist`: takes `name` out of the object `host`; returns what is left of `host` and the
/// value (`null` when `host` lacks it).
pub fn hoist(host: Value, name: &str) -> Result<(Value, Value), MigrationError> {
    let mut doc = move_field(host, name, None, true)?;
    let value = doc.shift_remove(name).unwrap_or(Value::Null);
    Ok((
        doc.shift_remove(&host_key(name)).unwrap_or(Value::Null),
        value,
    ))
}

/// `plunge`: puts `value` into the object `host` under `name`.
pub fn plunge(host: Value, name: &str, value: Value) -> Result<Value, MigrationError> {
    let mut doc = move_field(host, name, Some(value), false)?;
    Ok(doc.shift_remove(&host_key(name)).unwrap_or(Value::Null))
}

/// The nested operations of one `in(host, ...)`, read once per call site.
pub type NestedLens = std::sync::OnceLock<Result<crate::lens::Lens, String>>;

/// `in(host, ops...)`: runs the nested operations (`ops` builds their JSON form, read once into
/// `cell`) over the object `host`, up or down.
pub fn lens_in(
    host: Value,
    key: &str,
    cell: &NestedLens,
    ops: impl FnOnce() -> Value,
    up: bool,
) -> Result<Value, MigrationError> {
    let lens = cell.get_or_init(|| {
        let mut lens = Map::new();
        lens.insert("ops".to_owned(), ops());
        crate::lens::Lens::from_value(&Value::Object(lens)).map_err(|e| e.to_string())
    });
    let lens = lens
        .as_ref()
        .map_err(|e| MigrationError::new(format!("the lens inside `{key}`: {e}")))?;
    let direction = if up {
        crate::lens::Direction::Up
    } else {
        crate::lens::Direction::Down
    };
    lens.applied(&host, direction)
        .map_err(|e| MigrationError::new(format!("inside `{key}`: {e}")))
}

/// The JSON form of a step's lens, `{"from", "to", "ops"}`, with each top-level `add`,
/// `remove` and `convert` given the property schemas (and `required`) that the schema
/// transform needs, taken from the two versions' reader schemas.
pub fn lens_document(from: u32, to: u32, ops: Value, older: &Value, newer: &Value) -> Value {
    let property = |schema: &Value, name: &str| -> Option<Value> {
        let mut property = schema.get("properties")?.get(name)?.clone();
        // A `$ref` into the version's `$defs` travels with its definitions.
        if property.to_string().contains("\"$ref\"")
            && let (Some(defs), Value::Object(map)) = (schema.get("$defs"), &mut property)
        {
            map.insert("$defs".to_owned(), defs.clone());
        }
        Some(property)
    };
    let required = |schema: &Value, name: &str| {
        schema
            .get("required")
            .and_then(Value::as_array)
            .is_some_and(|r| r.iter().any(|n| n == name))
    };
    let mut ops = ops;
    if let Value::Array(list) = &mut ops {
        for op in list.iter_mut() {
            let Value::Object(op) = op else { continue };
            let kind = op
                .get("op")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned();
            let Some(name) = op.get("name").and_then(Value::as_str).map(str::to_owned) else {
                continue;
            };
            match kind.as_str() {
                "add" => {
                    if let Some(s) = property(newer, &name) {
                        op.insert("schema".to_owned(), s);
                    }
                    op.insert("required".to_owned(), required(newer, &name).into());
                }
                "remove" => {
                    if let Some(s) = property(older, &name) {
                        op.insert("schema".to_owned(), s);
                    }
                    op.insert("required".to_owned(), required(older, &name).into());
                }
                "convert" => {
                    if let Some(s) = property(newer, &name) {
                        op.insert("schema".to_owned(), s);
                    }
                    if let Some(s) = property(older, &name) {
                        op.insert("reverse_schema".to_owned(), s);
                    }
                }
                _ => {}
            }
        }
    }
    let mut lens = Map::new();
    lens.insert("from".to_owned(), from.into());
    lens.insert("to".to_owned(), to.into());
    lens.insert("ops".to_owned(), ops);
    Value::Object(lens)
}
