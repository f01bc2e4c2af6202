//! The schema model written back as a JSON Schema: what `lens-disagrees` applies a lens to,
//! since the model keeps no copy of the file. Reading the result gives a model that `diff`
//! finds equal to the original (the tests check it on every fixture): every keyword the model
//! understands is written, spelled the way the reader reads it back, and `$defs` entries stay
//! at their pointers so `$ref`s resolve.

use serde_json::{Map, Number, Value, json};

use crate::model::{Additional, NodeId, Schema};

/// `schema` as a JSON Schema document.
pub fn to_json(schema: &Schema) -> Value {
    let mut out = node(schema, schema.root());
    for (i, n) in schema.nodes.iter().enumerate() {
        let tokens = tokens(&n.pointer);
        let [parent @ .., keyword, name] = &tokens[..] else {
            continue;
        };
        if keyword != "$defs" && keyword != "definitions" {
            continue;
        }
        let rendered = node(schema, NodeId(i as u32));
        if let Some(Value::Object(host)) = lookup_mut(&mut out, parent) {
            let defs = host.entry(keyword.clone()).or_insert_with(|| json!({}));
            if let Some(defs) = defs.as_object_mut() {
                defs.insert(name.clone(), rendered);
            }
        }
    }
    out
}

fn tokens(pointer: &str) -> Vec<String> {
    docver::pointer::tokens(pointer).map(Into::into).collect()
}

fn lookup_mut<'a>(value: &'a mut Value, path: &[String]) -> Option<&'a mut Value> {
    path.iter().try_fold(value, |v, token| match v {
        Value::Object(map) => map.get_mut(token),
        Value::Array(items) => token.parse::<usize>().ok().and_then(|i| items.get_mut(i)),
        _ => None,
    })
}

fn number(n: f64) -> Value {
    if n.fract() == 0.0 && n.abs() < 9.0e15 {
        json!(n as i64)
    } else {
        Number::from_f64(n).map_or(Value::Null, Value::Number)
    }
}

fn node(schema: &Schema, id: NodeId) -> Value {
    let n = schema.node(id);
    if n.rejects_all {
        return Value::Bool(false);
    }
    let mut out = Map::new();
    if let Some(target) = n.alias {
        let inner = match &n.reference {
            Some(r) => json!({ "$ref": r }),
            None => node(schema, target),
        };
        if n.admits_null {
            out.insert("anyOf".into(), json!([inner, {"type": "null"}]));
        } else {
            match inner {
                Value::Object(map) => out = map,
                other => return other,
            }
        }
        annotations(n, &mut out);
        unsupported(n, &mut out);
        return Value::Object(out);
    }
    if let Some(r) = &n.reference {
        out.insert("$ref".into(), json!(r));
    }
    if let Some(types) = n.types {
        let names: Vec<Value> = types.iter().map(|t| json!(t.name())).collect();
        out.insert(
            "type".into(),
            match &names[..] {
                [one] => one.clone(),
                _ => Value::Array(names),
            },
        );
    }
    if let Some(values) = &n.values {
        if n.is_const && values.len() == 1 {
            out.insert("const".into(), values[0].clone());
        } else {
            out.insert("enum".into(), Value::Array(values.clone()));
        }
    }
    let s = &n.string;
    for (key, v) in [("minLength", s.min_length), ("maxLength", s.max_length)] {
        if let Some(v) = v {
            out.insert(key.into(), json!(v));
        }
    }
    if let Some(p) = &s.pattern {
        out.insert("pattern".into(), json!(p));
    }
    if let Some(f) = &s.format {
        out.insert("format".into(), json!(f));
    }
    let k = &n.number;
    for (key, v) in [
        ("minimum", &k.minimum),
        ("maximum", &k.maximum),
        ("exclusiveMinimum", &k.exclusive_minimum),
        ("exclusiveMaximum", &k.exclusive_maximum),
    ] {
        if let Some(v) = v {
            out.insert(key.into(), Value::Number(v.clone()));
        }
    }
    if let Some(m) = k.multiple_of {
        out.insert("multipleOf".into(), number(m));
    }
    let a = &n.array;
    if let Some(items) = a.items {
        out.insert("items".into(), node(schema, items));
    }
    for (key, v) in [("minItems", a.min_items), ("maxItems", a.max_items)] {
        if let Some(v) = v {
            out.insert(key.into(), json!(v));
        }
    }
    if a.unique_items {
        out.insert("uniqueItems".into(), json!(true));
    }
    let o = &n.object;
    if !o.properties.is_empty() {
        let properties: Map<String, Value> = o
            .properties
            .iter()
            .map(|(name, id)| (name.clone(), node(schema, *id)))
            .collect();
        out.insert("properties".into(), Value::Object(properties));
    }
    if !o.required.is_empty() {
        out.insert("required".into(), json!(o.required));
    }
    match o.additional {
        Additional::Open => {}
        Additional::Closed => {
            out.insert("additionalProperties".into(), json!(false));
        }
        Additional::Schema(id) => {
            out.insert("additionalProperties".into(), node(schema, id));
        }
    }
    for (key, v) in [
        ("minProperties", o.min_properties),
        ("maxProperties", o.max_properties),
    ] {
        if let Some(v) = v {
            out.insert(key.into(), json!(v));
        }
    }
    match &n.variants {
        Some(variants) => {
            let mut branches: Vec<Value> =
                variants.branches.iter().map(|b| node(schema, *b)).collect();
            if n.admits_null {
                branches.push(json!({"type": "null"}));
            }
            let key = if variants.exclusive { "oneOf" } else { "anyOf" };
            out.insert(key.into(), Value::Array(branches));
        }
        None if n.admits_null => {
            out.insert("nullable".into(), json!(true));
        }
        None => {}
    }
    annotations(n, &mut out);
    unsupported(n, &mut out);
    Value::Object(out)
}

/// The keywords the model left out, as written, so the rendered schema keeps them (a modelled
/// keyword of the same name, such as a `oneOf` that rejects null, is replaced by the original).
fn unsupported(n: &crate::model::Node, out: &mut Map<String, Value>) {
    for (key, value) in &n.unsupported {
        out.insert(key.clone(), value.clone());
    }
}

fn annotations(n: &crate::model::Node, out: &mut Map<String, Value>) {
    if let Some(t) = &n.title {
        out.insert("title".into(), json!(t));
    }
    if let Some(d) = &n.description {
        out.insert("description".into(), json!(d));
    }
    if let Some(d) = &n.default {
        out.insert("default".into(), d.clone());
    }
}
