//! A validator over the model, used to pick and verify witnesses.
//!
//! It implements the keywords the model keeps (the tests cross-check every witness with the
//! independent `jsonschema` crate). Recursion is bounded by the validation budget, so a
//! schema that refers to itself through `anyOf` cannot loop; a validation that runs out answers
//! "no" and records [`Budget::Validation`], so the walk never trusts its answer.

use serde_json::Value;

use super::budget::{Allowance, Budget, VALIDATION_STEPS};
use crate::model::{Additional, JsonType, NodeId, Schema, number_cmp};

pub use crate::model::json_equal;

/// Nesting depth beyond which a document is not validated (the validator recurses).
const MAX_DEPTH: usize = 200;

/// Whether `value` is valid under the node `id` of `schema` ("no" when the validation budget
/// ran out).
pub fn accepts(schema: &Schema, id: NodeId, value: &Value) -> bool {
    validity(schema, id, value).unwrap_or(false)
}

/// Whether `value` is valid under the node `id` of `schema`, or `None` when the validation
/// budget ran out before the answer was known, or a `pattern` the value met cannot be
/// evaluated the way ECMA-262 reads it (see [`super::pattern`]).
pub fn validity(schema: &Schema, id: NodeId, value: &Value) -> Option<bool> {
    let mut validator = Validator {
        schema,
        allowance: Allowance::new(Budget::Validation, VALIDATION_STEPS),
        ran_out: false,
        unevaluable: false,
    };
    let valid = validator.check(id, value, 0);
    (!validator.ran_out && !validator.unevaluable).then_some(valid)
}

struct Validator<'a> {
    schema: &'a Schema,
    allowance: Allowance,
    ran_out: bool,
    /// A string met a pattern outside the subset both regex engines read alike.
    unevaluable: bool,
}

impl Validator<'_> {
    fn check(&mut self, id: NodeId, value: &Value, depth: usize) -> bool {
        if self.ran_out {
            return false;
        }
        if depth > MAX_DEPTH || !self.allowance.step() {
            super::budget::ran_out(Budget::Validation);
            self.ran_out = true;
            return false;
        }
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
        if !node.allows_value(value) {
            return false;
        }
        let ok = match value {
            Value::String(s) => string_ok(node, s).unwrap_or_else(|| {
                self.unevaluable = true;
                false
            }),
            Value::Number(n) => number_ok(node, n),
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
                // `oneOf` needs to know whether a second branch matches; `anyOf` stops at one.
                let enough = if variants.exclusive { 2 } else { 1 };
                let matching = self
                    .schema
                    .branches_for(r.id, value)
                    .into_iter()
                    .filter(|i| self.check(variants.branches[*i], value, depth + 1))
                    .take(enough)
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

/// Whether the string keywords accept `s`; `None` when its pattern cannot be evaluated as
/// ECMA-262 would (and the other keywords accept `s`).
pub(crate) fn string_ok(node: &crate::model::Node, s: &str) -> Option<bool> {
    let rules = &node.string;
    let len = s.chars().count() as u64;
    if rules.min_length.is_some_and(|m| len < m) || rules.max_length.is_some_and(|m| len > m) {
        return Some(false);
    }
    if let Some(format) = rules.format.as_deref()
        && !super::formats::conforms(format, s)
    {
        return Some(false);
    }
    match &rules.pattern {
        Some(pattern) => super::pattern::ecma_regex(pattern).map(|re| re.is_match(s)),
        None => Some(true),
    }
}

pub(crate) fn number_ok(node: &crate::model::Node, n: &serde_json::Number) -> bool {
    use std::cmp::Ordering::{Greater, Less};
    let rules = &node.number;
    // Against `bound`, exactly (integers beyond 2^53 included).
    let order = |bound: &serde_json::Number| number_cmp(n, bound);
    if rules.minimum.as_ref().is_some_and(|m| order(m) == Less)
        || rules.maximum.as_ref().is_some_and(|m| order(m) == Greater)
        || rules
            .exclusive_minimum
            .as_ref()
            .is_some_and(|m| order(m) != Greater)
        || rules
            .exclusive_maximum
            .as_ref()
            .is_some_and(|m| order(m) != Less)
    {
        return false;
    }
    let Some(f) = n.as_f64() else {
        return false;
    };
    match rules.multiple_of {
        Some(m) => {
            let q = f / m;
            (q - q.round()).abs() < 1e-9
        }
        None => true,
    }
}
