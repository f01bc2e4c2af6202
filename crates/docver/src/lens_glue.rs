//! What the code generated for `lens(...)` steps calls: the JSON form of table entries and
//! defaults, and the operations on nested objects, whose types the macro cannot see.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::document::nested::{overlay_unknown, unknown_inside};
use crate::document::{MigrationError, UnknownFields};
use crate::lens::{Lens, LensOp, Move, Way};

/// A table entry or default in the lens's JSON form (`null` if it does not serialize).
pub fn lens_value<T: Serialize + ?Sized>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

/// A field's value as JSON, for an operation on a nested object, with its own unknown keys
/// (its overlay, taken out of `unknown`: see `document::nested`), so that the operation moves
/// them along with the keys they sit beside (a renamed key inside each element of an array).
pub fn to_lens_value<T: Serialize>(
    value: &T,
    key: &str,
    unknown: &mut UnknownFields,
) -> Result<Value, MigrationError> {
    let mut json = serde_json::to_value(value)
        .map_err(|e| MigrationError::new(format!("`{key}` cannot be written as JSON: {e}")))?;
    if let Some(overlay) = unknown.shift_remove(key) {
        overlay_unknown(&mut json, &overlay);
    }
    Ok(json)
}

/// A field's value back from JSON after an operation on a nested object; what its type does not
/// keep of the JSON becomes its overlay in `unknown` again.
pub fn from_lens_value<T: DeserializeOwned + Serialize>(
    value: Value,
    key: &str,
    unknown: &mut UnknownFields,
) -> Result<T, MigrationError> {
    let typed: T = serde_path_to_error::deserialize(&value).map_err(|e| {
        let path = e.path().to_string();
        let at = if path == "." {
            format!("/{key}")
        } else {
            format!("/{key}/{}", path.replace('.', "/"))
        };
        MigrationError::new(format!("{at}: {}", e.inner()))
    })?;
    let overlay = match &value {
        Value::Object(_) | Value::Array(_) => serde_json::to_value(&typed)
            .ok()
            .and_then(|known| unknown_inside(&value, &known)),
        _ => None,
    };
    match overlay {
        Some(overlay) => {
            unknown.insert(key.to_owned(), overlay);
        }
        None => {
            unknown.shift_remove(key);
        }
    }
    Ok(typed)
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
    let op = LensOp::Hoist(Move {
        host: host_key,
        name: name.to_owned(),
    });
    Lens::new(vec![op])
        .apply(&mut doc, direction(up))
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
pub type NestedLens = std::sync::OnceLock<Result<Lens, String>>;

/// The operations of a `lens(...)` as the derive emits them: the model serialized by
/// `docver-derive` with each value (a default, a table entry) replaced by its index in `values`,
/// the user's expressions evaluated at run time.
pub fn lens_ops(model: &str, values: Vec<Value>) -> Result<Vec<LensOp>, String> {
    let indexed: Vec<LensOp<String, usize>> = serde_json::from_str(model)
        .map_err(|e| format!("docver-derive and docver disagree on the lens model: {e}"))?;
    indexed
        .into_iter()
        .map(|op| {
            op.try_map_values(&mut |i| {
                values.get(i).cloned().ok_or_else(|| {
                    format!("the lens model refers to value {i} of {}", values.len())
                })
            })
        })
        .collect()
}

/// `in(host, ops...)`: runs the nested operations (`ops` builds them, once into `cell`) over the
/// object `host`, up or down.
pub fn lens_in(
    host: Value,
    key: &str,
    cell: &NestedLens,
    ops: impl FnOnce() -> Result<Vec<LensOp>, String>,
    up: bool,
) -> Result<Value, MigrationError> {
    let lens = cell.get_or_init(|| {
        let lens = Lens::new(ops()?);
        lens.validate().map_err(|e| e.to_string())?;
        Ok(lens)
    });
    let lens = lens
        .as_ref()
        .map_err(|e| MigrationError::new(format!("the lens inside `{key}`: {e}")))?;
    lens.applied(&host, direction(up))
        .map_err(|e| MigrationError::new(format!("inside `{key}`: {e}")))
}

/// The JSON form of a step's lens, `{"from", "to", "ops"}`, with each top-level `add`,
/// `remove` and `convert` given the property schemas (and `required`) that the schema
/// transform needs, taken from the two versions' reader schemas.
///
/// `ops` is what [`lens_ops`] read from the derive's output, which fails only when the derive
/// and this crate are of different versions (a build error rather than a document's).
pub fn lens_document(
    from: u32,
    to: u32,
    ops: Result<Vec<LensOp>, String>,
    older: &Value,
    newer: &Value,
) -> Value {
    let mut ops = ops.unwrap_or_else(|e| panic!("the derived lens of {from} → {to}: {e}"));
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
    for op in &mut ops {
        match op {
            LensOp::Add(p) => {
                p.schema = property(newer, &p.name);
                p.required = required(newer, &p.name);
            }
            LensOp::Remove(p) => {
                p.schema = property(older, &p.name);
                p.required = required(older, &p.name);
            }
            LensOp::Convert(c) => {
                c.schema = property(newer, &c.name);
                c.reverse_schema = property(older, &c.name);
            }
            LensOp::Rename(_)
            | LensOp::Hoist(_)
            | LensOp::Plunge(_)
            | LensOp::Wrap(_)
            | LensOp::Head(_)
            | LensOp::In(_)
            | LensOp::Map(_) => {}
        }
    }
    Lens {
        from: Some(from.into()),
        to: Some(to.into()),
        ops,
    }
    .to_value()
}

fn direction(up: bool) -> Way {
    if up { Way::Up } else { Way::Down }
}
