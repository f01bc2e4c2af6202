//! A validator over the model, used to pick and verify witnesses.
//!
//! It implements the keywords the model keeps (the tests cross-check every witness with the
//! independent `jsonschema` crate). Recursion is bounded by the validation budget, so a
//! schema that refers to itself through `anyOf` cannot loop; a validation that runs out answers
//! "no" and records [`Budget::Validation`], so the walk never trusts its answer.

use std::collections::{HashMap, HashSet};

use regex::Regex;
use serde_json::Value;

use super::budget::{Allowance, Budget, VALIDATION_STEPS};
use crate::model::{Additional, Applicators, JsonType, NodeId, Schema, number_cmp};

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
        scope: Vec::new(),
        patterns: HashMap::new(),
    };
    let valid = validator.check(id, value, 0, &mut Evaluated::default());
    (!validator.ran_out && !validator.unevaluable).then_some(valid)
}

struct Validator<'a> {
    schema: &'a Schema,
    allowance: Allowance,
    ran_out: bool,
    /// A string met a pattern outside the subset both regex engines read alike.
    unevaluable: bool,
    /// The schema resources entered, outermost first: where `$dynamicRef` looks.
    scope: Vec<u32>,
    /// `patternProperties` compiled once per validation.
    patterns: HashMap<&'a str, Option<Regex>>,
}

/// The members and items of one value that some keyword evaluated: what
/// `unevaluatedProperties` and `unevaluatedItems` look at. Filled only when the schema uses
/// them ([`Schema::annotates`]).
#[derive(Debug, Default)]
struct Evaluated {
    properties: HashSet<String>,
    all_properties: bool,
    /// Items `0..items` were evaluated.
    items: usize,
    all_items: bool,
    /// Items `contains` matched.
    indices: HashSet<usize>,
}

impl Evaluated {
    fn merge(&mut self, other: Evaluated) {
        self.properties.extend(other.properties);
        self.all_properties |= other.all_properties;
        self.items = self.items.max(other.items);
        self.all_items |= other.all_items;
        self.indices.extend(other.indices);
    }

    fn property(&self, name: &str) -> bool {
        self.all_properties || self.properties.contains(name)
    }

    fn item(&self, i: usize) -> bool {
        self.all_items || i < self.items || self.indices.contains(&i)
    }
}

impl<'a> Validator<'a> {
    /// Whether `value` is valid at `id`; what it evaluated of `value` is added to `out`.
    fn check(&mut self, id: NodeId, value: &Value, depth: usize, out: &mut Evaluated) -> bool {
        if self.ran_out {
            return false;
        }
        if depth > MAX_DEPTH || !self.allowance.step() {
            super::budget::ran_out(Budget::Validation);
            self.ran_out = true;
            return false;
        }
        // Entering a resource (through a `$ref` or not) puts it in the dynamic scope.
        let depth_before = self.scope.len();
        let mut current = id;
        for _ in 0..=self.schema.len() {
            let node = self.schema.node(current);
            if let Some(resource) = node.resource {
                self.scope.push(resource);
            }
            match node.alias {
                Some(next) => current = next,
                None => break,
            }
        }
        let valid = self.check_resolved(id, value, depth, out);
        self.scope.truncate(depth_before);
        valid
    }

    fn check_resolved(
        &mut self,
        id: NodeId,
        value: &Value,
        depth: usize,
        out: &mut Evaluated,
    ) -> bool {
        let schema = self.schema;
        let r = schema.resolve(id);
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
            Value::Array(items) => self.array_ok(node, items, depth, out),
            Value::Object(map) => self.object_ok(node, map, depth, out),
            Value::Null | Value::Bool(_) => true,
        };
        if !ok {
            return false;
        }
        if let Some(variants) = &node.variants {
            let branches: Vec<NodeId> = schema
                .branches_for(r.id, value)
                .into_iter()
                .map(|i| variants.branches[i])
                .collect();
            if !self.union_ok(&branches, variants.exclusive, value, depth, out) {
                return false;
            }
        }
        match &node.applicators {
            Some(applicators) => self.applicators_ok(applicators, value, depth, out),
            None => true,
        }
    }

    /// `oneOf` (exclusive) or `anyOf`. Collecting annotations, every branch is tried.
    fn union_ok(
        &mut self,
        branches: &[NodeId],
        exclusive: bool,
        value: &Value,
        depth: usize,
        out: &mut Evaluated,
    ) -> bool {
        // `oneOf` needs to know whether a second branch matches; `anyOf` stops at one.
        let enough = if self.schema.annotates {
            usize::MAX
        } else if exclusive {
            2
        } else {
            1
        };
        let mut matching = 0;
        let mut evaluated = Evaluated::default();
        for branch in branches {
            let mut local = Evaluated::default();
            if self.check(*branch, value, depth + 1, &mut local) {
                matching += 1;
                evaluated.merge(local);
                if matching >= enough {
                    break;
                }
            }
        }
        let valid = if exclusive {
            matching == 1
        } else {
            matching >= 1
        };
        if valid {
            out.merge(evaluated);
        }
        valid
    }

    /// Subschemas applied to the value itself, each merged into `out` when it holds.
    fn in_place(&mut self, id: NodeId, value: &Value, depth: usize, out: &mut Evaluated) -> bool {
        let mut local = Evaluated::default();
        let valid = self.check(id, value, depth + 1, &mut local);
        if valid {
            out.merge(local);
        }
        valid
    }

    fn applicators_ok(
        &mut self,
        a: &'a Applicators,
        value: &Value,
        depth: usize,
        out: &mut Evaluated,
    ) -> bool {
        for id in &a.all_of {
            if !self.in_place(*id, value, depth, out) {
                return false;
            }
        }
        if let Some(branches) = &a.any_of
            && !self.union_ok(branches, false, value, depth, out)
        {
            return false;
        }
        if let Some(not) = a.not
            && self.check(not, value, depth + 1, &mut Evaluated::default())
        {
            return false;
        }
        if let Some(condition) = a.condition {
            let branch = if self.in_place(condition.test, value, depth, out) {
                condition.then
            } else {
                condition.otherwise
            };
            if let Some(branch) = branch
                && !self.in_place(branch, value, depth, out)
            {
                return false;
            }
        }
        if let Some(dynamic) = &a.dynamic_ref {
            let schema = self.schema;
            let target = dynamic
                .anchor
                .as_ref()
                .and_then(|anchor| {
                    self.scope
                        .iter()
                        .find_map(|r| schema.resource(*r).dynamic_anchor(anchor))
                })
                .unwrap_or(dynamic.target);
            if !self.in_place(target, value, depth, out) {
                return false;
            }
        }
        match value {
            Value::Object(map) => self.object_applicators_ok(a, map, depth, out),
            Value::Array(items) => self.array_applicators_ok(a, items, depth, out),
            _ => true,
        }
    }

    fn object_applicators_ok(
        &mut self,
        a: &'a Applicators,
        map: &serde_json::Map<String, Value>,
        depth: usize,
        out: &mut Evaluated,
    ) -> bool {
        if let Some(names) = a.property_names
            && !map.keys().all(|key| {
                self.check(
                    names,
                    &Value::String(key.clone()),
                    depth + 1,
                    &mut Evaluated::default(),
                )
            })
        {
            return false;
        }
        for (name, required) in &a.dependent_required {
            if map.contains_key(name) && !required.iter().all(|r| map.contains_key(r)) {
                return false;
            }
        }
        for (name, id) in &a.dependent_schemas {
            if map.contains_key(name)
                && !self.in_place(*id, &Value::Object(map.clone()), depth, out)
            {
                return false;
            }
        }
        if let Some(unevaluated) = a.unevaluated_properties {
            for (key, v) in map {
                if !out.property(key)
                    && !self.check(unevaluated, v, depth + 1, &mut Evaluated::default())
                {
                    return false;
                }
            }
            out.all_properties = true;
        }
        true
    }

    fn array_applicators_ok(
        &mut self,
        a: &'a Applicators,
        items: &[Value],
        depth: usize,
        out: &mut Evaluated,
    ) -> bool {
        if let Some(prefix) = &a.prefix_items {
            for (item, id) in items.iter().zip(prefix) {
                if !self.check(*id, item, depth + 1, &mut Evaluated::default()) {
                    return false;
                }
            }
            out.items = out.items.max(prefix.len().min(items.len()));
            if let Some(rest) = a.rest_items {
                for item in items.iter().skip(prefix.len()) {
                    if !self.check(rest, item, depth + 1, &mut Evaluated::default()) {
                        return false;
                    }
                }
                out.all_items = true;
            }
        }
        if let Some(contains) = a.contains {
            let mut matched = 0u64;
            for (i, item) in items.iter().enumerate() {
                if self.check(contains.schema, item, depth + 1, &mut Evaluated::default()) {
                    matched += 1;
                    out.indices.insert(i);
                }
            }
            if matched < contains.min || contains.max.is_some_and(|max| matched > max) {
                return false;
            }
        }
        if let Some(unevaluated) = a.unevaluated_items {
            for (i, item) in items.iter().enumerate() {
                if !out.item(i)
                    && !self.check(unevaluated, item, depth + 1, &mut Evaluated::default())
                {
                    return false;
                }
            }
            out.all_items = true;
        }
        true
    }

    fn array_ok(
        &mut self,
        node: &crate::model::Node,
        items: &[Value],
        depth: usize,
        out: &mut Evaluated,
    ) -> bool {
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
            Some(item) => {
                out.all_items = true;
                items
                    .iter()
                    .all(|v| self.check(item, v, depth + 1, &mut Evaluated::default()))
            }
            None => true,
        }
    }

    fn object_ok(
        &mut self,
        node: &'a crate::model::Node,
        map: &serde_json::Map<String, Value>,
        depth: usize,
        out: &mut Evaluated,
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
        let patterns: &'a [(String, NodeId)] = node
            .applicators
            .as_ref()
            .map_or(&[], |a| a.pattern_properties.as_slice());
        let annotates = self.schema.annotates;
        for (key, v) in map {
            let mut named = false;
            if let Some(id) = rules.properties.get(key) {
                named = true;
                if !self.check(*id, v, depth + 1, &mut Evaluated::default()) {
                    return false;
                }
            }
            for (pattern, id) in patterns {
                match self.pattern_matches(pattern, key) {
                    Some(true) => {
                        named = true;
                        if !self.check(*id, v, depth + 1, &mut Evaluated::default()) {
                            return false;
                        }
                    }
                    Some(false) => {}
                    None => {
                        self.unevaluable = true;
                        return false;
                    }
                }
            }
            let valid = named
                || match rules.additional {
                    // Absent `additionalProperties` evaluates nothing.
                    Additional::Open if !rules.open_written => continue,
                    Additional::Open => true,
                    Additional::Closed => false,
                    Additional::Schema(id) => {
                        self.check(id, v, depth + 1, &mut Evaluated::default())
                    }
                };
            if !valid {
                return false;
            }
            if annotates {
                out.properties.insert(key.clone());
            }
        }
        true
    }

    /// Whether a `patternProperties` pattern matches `name` (`None`: not evaluable).
    fn pattern_matches(&mut self, pattern: &'a str, name: &str) -> Option<bool> {
        self.patterns
            .entry(pattern)
            .or_insert_with(|| super::pattern::ecma_regex(pattern))
            .as_ref()
            .map(|re| re.is_match(name))
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
