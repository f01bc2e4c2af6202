//! Editing JSON Schemas in place, by pointer: the helpers every operation's schema transform
//! uses. Errors are plain messages; the operation adds its name and place.

use serde_json::{Map, Value, json};

/// Bound on `$ref`/wrapper chains followed by [`resolve`].
const MAX_HOPS: usize = 64;

/// Follows `at` to the schema that describes the value there: through `$ref` (`#/…` only),
/// a one-element `allOf`, and an `anyOf`/`oneOf` whose only non-null branch it is (how
/// schemars spells `Option<T>`). Returns the pointer of that schema.
pub(crate) fn resolve(root: &Value, at: &str) -> Result<String, String> {
    let mut at = at.to_owned();
    for _ in 0..MAX_HOPS {
        let Some(node) = root.pointer(&at) else {
            return Err(format!("no schema at `{at}`"));
        };
        let Some(object) = node.as_object() else {
            return Ok(at);
        };
        if let Some(target) = object.get("$ref").and_then(Value::as_str) {
            let Some(fragment) = target.strip_prefix('#') else {
                return Err(format!(
                    "cannot follow `$ref` to another document (`{target}`)"
                ));
            };
            at = crate::pointer::percent_decode(fragment).into_owned();
            continue;
        }
        if let Some([only]) = object
            .get("allOf")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            && only.is_object()
        {
            at = format!("{at}/allOf/0");
            continue;
        }
        let mut next = None;
        for keyword in ["anyOf", "oneOf"] {
            if let Some(branches) = object.get(keyword).and_then(Value::as_array) {
                let others: Vec<usize> = (0..branches.len())
                    .filter(|&i| !is_null_schema(&branches[i]))
                    .collect();
                if let [only] = others[..] {
                    next = Some(format!("{at}/{keyword}/{only}"));
                }
            }
        }
        match next {
            Some(n) => at = n,
            None => return Ok(at),
        }
    }
    Err(format!("`$ref` chain at `{at}` is too long"))
}

/// `{"type": "null"}` or `{"const": null}`.
pub(crate) fn is_null_schema(schema: &Value) -> bool {
    schema.get("type").and_then(Value::as_str) == Some("null") && schema.get("enum").is_none()
        || schema.get("const") == Some(&Value::Null)
}

/// The object schema at `at`.
pub(crate) fn object_mut<'a>(
    root: &'a mut Value,
    at: &str,
) -> Result<&'a mut Map<String, Value>, String> {
    let slot = root
        .pointer_mut(at)
        .ok_or_else(|| format!("no schema at `{at}`"))?;
    if *slot == Value::Bool(true) {
        *slot = json!({});
    }
    slot.as_object_mut()
        .ok_or_else(|| format!("the schema at `{at}` is not an object schema"))
}

/// The schema of property `name` at the object schema `at`, if declared.
pub(crate) fn property<'a>(root: &'a Value, at: &str, name: &str) -> Option<&'a Value> {
    root.pointer(at)?.get("properties")?.get(name)
}

/// Pointer of property `name`'s schema at `at`.
pub(crate) fn property_pointer(at: &str, name: &str) -> String {
    let properties = crate::pointer::push(at, "properties");
    crate::pointer::push(&properties, name)
}

/// Removes property `name` (and its `required` entry) from the object schema at `at`;
/// returns its schema and whether it was required.
pub(crate) fn take_property(
    root: &mut Value,
    at: &str,
    name: &str,
) -> Result<(Value, bool), String> {
    let object = object_mut(root, at)?;
    let schema = object
        .get_mut("properties")
        .and_then(Value::as_object_mut)
        .and_then(|p| p.shift_remove(name))
        .ok_or_else(|| format!("the schema has no property `{name}`"))?;
    let required = set_required(object, name, false);
    Ok((schema, required))
}

/// Adds property `name` to the object schema at `at` (last), `required` or not; fails when it
/// is already declared.
pub(crate) fn put_property(
    root: &mut Value,
    at: &str,
    name: &str,
    schema: Value,
    required: bool,
) -> Result<(), String> {
    let object = object_mut(root, at)?;
    let properties = object
        .entry("properties")
        .or_insert_with(|| json!({}))
        .as_object_mut()
        .ok_or("`properties` is not an object")?;
    if properties.contains_key(name) {
        return Err(format!("the schema already has a property `{name}`"));
    }
    properties.insert(name.to_owned(), schema);
    set_required(object, name, required);
    Ok(())
}

/// Replaces the schema of the existing property `name` at `at`; returns the old one.
pub(crate) fn replace_property(
    root: &mut Value,
    at: &str,
    name: &str,
    schema: Value,
) -> Result<Value, String> {
    let slot = root
        .pointer_mut(&property_pointer(at, name))
        .ok_or_else(|| format!("the schema has no property `{name}`"))?;
    Ok(std::mem::replace(slot, schema))
}

/// Lists or unlists `name` in `required`; returns whether it was listed. An emptied
/// `required` is removed, as schemars omits it.
pub(crate) fn set_required(object: &mut Map<String, Value>, name: &str, required: bool) -> bool {
    let list = object.get_mut("required").and_then(Value::as_array_mut);
    let was = list
        .as_ref()
        .is_some_and(|l| l.iter().any(|v| v.as_str() == Some(name)));
    match (was, required) {
        (false, true) => match object.get_mut("required").and_then(Value::as_array_mut) {
            Some(list) => list.push(Value::String(name.to_owned())),
            None => {
                object.insert("required".into(), json!([name]));
            }
        },
        (true, false) => {
            if let Some(list) = object.get_mut("required").and_then(Value::as_array_mut) {
                list.retain(|v| v.as_str() != Some(name));
                if list.is_empty() {
                    object.remove("required");
                }
            }
        }
        _ => {}
    }
    was
}

/// Whether `name` is listed in `required` at `at`.
pub(crate) fn is_required(root: &Value, at: &str, name: &str) -> bool {
    root.pointer(at)
        .and_then(|s| s.get("required"))
        .and_then(Value::as_array)
        .is_some_and(|l| l.iter().any(|v| v.as_str() == Some(name)))
}

/// An operation's schema, ready to insert: its own `$defs` are moved into the root's
/// (replacing same-named entries), so its `#/$defs/…` references resolve in the result.
pub(crate) fn adopt(root: &mut Value, schema: &Value) -> Value {
    let mut schema = schema.clone();
    let defs = schema
        .as_object_mut()
        .and_then(|o| o.remove("$defs"))
        .and_then(|d| match d {
            Value::Object(map) => Some(map),
            _ => None,
        });
    if let (Some(defs), Some(root)) = (defs, root.as_object_mut()) {
        let target = root.entry("$defs").or_insert_with(|| json!({}));
        if let Some(target) = target.as_object_mut() {
            for (name, def) in defs {
                target.insert(name, def);
            }
        }
    }
    schema
}

/// `schema` without `null`: the non-null branch of an `anyOf`/`oneOf`, or `type` without
/// `"null"`.
pub(crate) fn non_null(schema: &Value) -> Value {
    let Some(object) = schema.as_object() else {
        return schema.clone();
    };
    for keyword in ["anyOf", "oneOf"] {
        if let Some(branches) = object.get(keyword).and_then(Value::as_array) {
            let others: Vec<&Value> = branches.iter().filter(|b| !is_null_schema(b)).collect();
            if others.len() < branches.len() {
                let mut out = object.clone();
                match others[..] {
                    [only] if object.len() == 1 => return only.clone(),
                    _ => {
                        out.insert(
                            keyword.to_owned(),
                            Value::Array(others.into_iter().cloned().collect()),
                        );
                        return Value::Object(out);
                    }
                }
            }
        }
    }
    if let Some(types) = object.get("type").and_then(Value::as_array) {
        let kept: Vec<Value> = types.iter().filter(|t| *t != "null").cloned().collect();
        let mut out = object.clone();
        out.insert(
            "type".into(),
            match &kept[..] {
                [one] => one.clone(),
                _ => Value::Array(kept),
            },
        );
        return Value::Object(out);
    }
    schema.clone()
}

/// `schema` or null, spelled as schemars spells `Option<T>`: `type: [t, "null"]` for a plain
/// typed schema, `anyOf: [schema, {type: null}]` otherwise.
pub(crate) fn nullable(schema: &Value) -> Value {
    let Some(object) = schema.as_object() else {
        return json!({"anyOf": [schema, {"type": "null"}]});
    };
    let plain = !["enum", "const", "$ref", "anyOf", "oneOf", "allOf"]
        .iter()
        .any(|k| object.contains_key(*k));
    match object.get("type") {
        _ if object.is_empty() => schema.clone(),
        Some(Value::String(t)) if plain => {
            let mut out = object.clone();
            out.insert("type".into(), json!([t, "null"]));
            Value::Object(out)
        }
        Some(Value::Array(types)) if plain => {
            let mut out = object.clone();
            if !types.iter().any(|t| t == "null") {
                let mut types = types.clone();
                types.push(json!("null"));
                out.insert("type".into(), Value::Array(types));
            }
            Value::Object(out)
        }
        _ => json!({"anyOf": [schema, {"type": "null"}]}),
    }
}

/// `{"enum": values}` with duplicates removed: the schema of a `convert` side left unstated.
pub(crate) fn enum_of<'a>(values: impl Iterator<Item = &'a Value>) -> Value {
    let mut distinct: Vec<Value> = Vec::new();
    for v in values {
        if !distinct.contains(v) {
            distinct.push(v.clone());
        }
    }
    json!({ "enum": distinct })
}
