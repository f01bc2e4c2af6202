//! TypeScript types from reader schemas: an object type per version and per `$defs` entry.
//!
//! Every object type keeps an index signature (`[key: string]: unknown`) unless its schema is
//! closed (`additionalProperties: false`): documents carry fields a version does not know, and
//! the module keeps them. Property names and constants are written as JSON string literals
//! (see [`crate::couchdb::js`]); identifiers are made only from ASCII letters and digits with a
//! fixed prefix, so no schema text can change what the module means.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::couchdb::js;

/// Deeper schemas than this are typed `unknown` (the runtime validator still checks them).
const MAX_DEPTH: usize = 48;

/// Names the `$defs` of one version's schema.
#[derive(Debug)]
pub(crate) struct DefNames {
    /// `$defs` key → TypeScript type name.
    names: BTreeMap<String, String>,
}

impl DefNames {
    /// `prefix` is the version's type name (`ContactV2`); a def `AddressV1` becomes
    /// `ContactV2_AddressV1`. Distinct keys that clean up to one name are numbered.
    pub(crate) fn new(prefix: &str, schema: &Value) -> DefNames {
        let mut names = BTreeMap::new();
        let mut taken = std::collections::BTreeSet::new();
        if let Some(defs) = schema.get("$defs").and_then(Value::as_object) {
            for key in defs.keys() {
                let cleaned: String = key
                    .chars()
                    .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
                    .collect();
                let base = format!("{prefix}_{cleaned}");
                let mut name = base.clone();
                let mut n = 2;
                while !taken.insert(name.clone()) {
                    name = format!("{base}_{n}");
                    n += 1;
                }
                names.insert(key.clone(), name);
            }
        }
        DefNames { names }
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = (&String, &String)> {
        self.names.iter()
    }

    fn of_ref(&self, reference: &str) -> Option<&String> {
        let key = reference.strip_prefix("#/$defs/")?;
        if key.contains('/') {
            return None;
        }
        let key = docver::pointer::unescape(&docver::pointer::percent_decode(key)).into_owned();
        self.names.get(&key)
    }
}

/// The TypeScript type of `schema`, lines after the first indented by `indent`.
pub(crate) fn type_of(schema: &Value, defs: &DefNames, indent: &str) -> String {
    render(schema, defs, indent, 0)
}

fn render(schema: &Value, defs: &DefNames, indent: &str, depth: usize) -> String {
    let object = match schema {
        Value::Bool(false) => return "never".into(),
        Value::Object(object) if depth < MAX_DEPTH => object,
        _ => return "unknown".into(),
    };
    if let Some(reference) = object.get("$ref").and_then(Value::as_str) {
        return defs
            .of_ref(reference)
            .cloned()
            .unwrap_or_else(|| "unknown".into());
    }
    if let Some(value) = object.get("const") {
        return js::literal(value);
    }
    if let Some(Value::Array(values)) = object.get("enum") {
        return union(values.iter().map(js::literal).collect());
    }
    for keyword in ["anyOf", "oneOf"] {
        if let Some(Value::Array(branches)) = object.get(keyword) {
            return union(
                branches
                    .iter()
                    .map(|b| render(b, defs, indent, depth + 1))
                    .collect(),
            );
        }
    }
    if let Some(Value::Array(parts)) = object.get("allOf") {
        let parts: Vec<String> = parts
            .iter()
            .map(|p| format!("({})", render(p, defs, indent, depth + 1)))
            .collect();
        if !parts.is_empty() {
            return parts.join(" & ");
        }
    }
    let types: Vec<&str> = match object.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
        _ if object.contains_key("properties") => vec!["object"],
        _ => return "unknown".into(),
    };
    union(
        types
            .into_iter()
            .map(|t| match t {
                "string" => "string".into(),
                "number" | "integer" => "number".into(),
                "boolean" => "boolean".into(),
                "null" => "null".into(),
                "array" => match object.get("items") {
                    Some(items) => format!("Array<{}>", render(items, defs, indent, depth + 1)),
                    None => "unknown[]".into(),
                },
                "object" => object_type(object, defs, indent, depth),
                _ => "unknown".into(),
            })
            .collect(),
    )
}

fn union(mut members: Vec<String>) -> String {
    members.dedup();
    match members.len() {
        0 => "never".into(),
        1 => members.remove(0),
        _ => members.join(" | "),
    }
}

fn object_type(object: &Map<String, Value>, defs: &DefNames, indent: &str, depth: usize) -> String {
    let inner = format!("{indent}  ");
    let required: Vec<&str> = object
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let mut out = String::from("{\n");
    if let Some(properties) = object.get("properties").and_then(Value::as_object) {
        for (name, schema) in properties {
            let optional = if required.contains(&name.as_str()) {
                ""
            } else {
                "?"
            };
            out.push_str(&format!(
                "{inner}{}{optional}: {};\n",
                js::string(name),
                render(schema, defs, &inner, depth + 1)
            ));
        }
    }
    if object.get("additionalProperties") != Some(&Value::Bool(false)) {
        out.push_str(&format!("{inner}[unknownField: string]: unknown;\n"));
    }
    out.push_str(indent);
    out.push('}');
    out
}
