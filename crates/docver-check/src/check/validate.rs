//! A validator over the model, used to pick and verify witnesses.
//!
//! It implements the keywords the model keeps (the tests cross-check every witness with the
//! independent `jsonschema` crate). Recursion is bounded by a budget, so a schema that refers
//! to itself through `anyOf` cannot loop.

use serde_json::Value;

use crate::model::{Additional, JsonType, NodeId, Schema};

/// How many nested checks one validation may make before giving up (and answering "no").
const BUDGET: usize = 100_000;

/// Whether `value` is valid under the node `id` of `schema`.
pub fn accepts(schema: &Schema, id: NodeId, value: &Value) -> bool {
    let mut budget = BUDGET;
    Validator {
        schema,
        budget: &mut budget,
    }
    .check(id, value, 0)
}

struct Validator<'a, 'b> {
    schema: &'a Schema,
    budget: &'b mut usize,
}

impl Validator<'_, '_> {
    fn check(&mut self, id: NodeId, value: &Value, depth: usize) -> bool {
        if *self.budget == 0 || depth > 200 {
            return false;
        }
        *self.budget -= 1;
        let r = self.schema.resolve(id);
        if r.admits_null && value.is_null() {
            return true;
        }
        let node = r.node;
        if node.rejects_all {
            return false;
        }
        if let Some(types) = node.types
            && !types.admits(JsonType::of(value))
        {
            return false;
        }
        if let Some(values) = &node.values
            && !values.iter().any(|v| json_equal(v, value))
        {
            return false;
        }
        let ok = match value {
            Value::String(s) => string_ok(node, s),
            Value::Number(n) => n.as_f64().is_some_and(|f| number_ok(node, f)),
            Value::Array(items) => self.array_ok(node, items, depth),
            Value::Object(map) => self.object_ok(node, map, depth),
            Value::Null | Value::Bool(_) => true,
        };
        if !ok {
            return false;
        }
        match &node.variants {
            None => true,
            Some(variants) => {
                let matching = variants
                    .branches
                    .iter()
                    .filter(|b| self.check(**b, value, depth + 1))
                    .take(2)
                    .count();
                if variants.exclusive {
                    matching == 1
                } else {
                    matching >= 1
                }
            }
        }
    }

    fn array_ok(&mut self, node: &crate::model::Node, items: &[Value], depth: usize) -> bool {
        let rules = &node.array;
        let len = items.len() as u64;
        if rules.min_items.is_some_and(|m| len < m) || rules.max_items.is_some_and(|m| len > m) {
            return false;
        }
        if rules.unique_items {
            for (i, a) in items.iter().enumerate() {
                if items[..i].iter().any(|b| json_equal(a, b)) {
                    return false;
                }
            }
        }
        match rules.items {
            Some(item) => items.iter().all(|v| self.check(item, v, depth + 1)),
            None => true,
        }
    }

    fn object_ok(
        &mut self,
        node: &crate::model::Node,
        map: &serde_json::Map<String, Value>,
        depth: usize,
    ) -> bool {
        let rules = &node.object;
        let len = map.len() as u64;
        if rules.min_properties.is_some_and(|m| len < m)
            || rules.max_properties.is_some_and(|m| len > m)
        {
            return false;
        }
        if !rules.required.iter().all(|name| map.contains_key(name)) {
            return false;
        }
        map.iter().all(|(key, v)| match rules.properties.get(key) {
            Some(id) => self.check(*id, v, depth + 1),
            None => match rules.additional {
                Additional::Open => true,
                Additional::Closed => false,
                Additional::Schema(id) => self.check(id, v, depth + 1),
            },
        })
    }
}

/// JSON equality with numbers compared by value (`1` equals `1.0`), as JSON Schema does.
pub fn json_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x == y || x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| json_equal(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| json_equal(v, w)))
        }
        _ => a == b,
    }
}

pub(crate) fn string_ok(node: &crate::model::Node, s: &str) -> bool {
    let rules = &node.string;
    let len = s.chars().count() as u64;
    if rules.min_length.is_some_and(|m| len < m) || rules.max_length.is_some_and(|m| len > m) {
        return false;
    }
    if let Some(pattern) = &rules.pattern {
        match regex::Regex::new(pattern) {
            Ok(re) => {
                if !re.is_match(s) {
                    return false;
                }
            }
            // A pattern we cannot evaluate accepts nothing we could vouch for.
            Err(_) => return false,
        }
    }
    match rules.format.as_deref() {
        Some(format) => super::formats::conforms(format, s),
        None => true,
    }
}

pub(crate) fn number_ok(node: &crate::model::Node, f: f64) -> bool {
    let rules = &node.number;
    if rules.minimum.is_some_and(|m| f < m)
        || rules.maximum.is_some_and(|m| f > m)
        || rules.exclusive_minimum.is_some_and(|m| f <= m)
        || rules.exclusive_maximum.is_some_and(|m| f >= m)
    {
        return false;
    }
    match rules.multiple_of {
        Some(m) => {
            let q = f / m;
            (q - q.round()).abs() < 1e-9
        }
        None => true,
    }
}
