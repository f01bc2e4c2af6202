//! Building documents: the smallest document a schema accepts, and witnesses (a document valid
//! under one schema that the other rejects).

use serde_json::{Map, Value, json};

use std::collections::HashMap;

use super::budget::{Allowance, Budget, WITNESS_CANDIDATES, WITNESS_SEARCH_STEPS, ran_out};
use super::formats;
use super::validate::accepts;
use crate::model::{Additional, JsonType, NodeId, Schema, approximate};

/// One step from a value to a value inside it, as the walk descends both schemas.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Step {
    Property(String),
    /// A member not named by `properties`, checked by `additionalProperties`.
    Additional(String),
    Item,
    /// Choose this `oneOf`/`anyOf` branch (no step in the document itself).
    Variant(usize),
}

/// How deep the smallest-instance search may nest before giving up.
const MAX_DEPTH: usize = 24;

/// The smallest value `schema` accepts at node `id`, or `None` if none was found (e.g. the node
/// rejects everything, requires an infinite recursion, or the witness search budget ran out).
pub fn minimal(schema: &Schema, id: NodeId) -> Option<Value> {
    Search::new(schema).value(id, 0).value
}

/// A shape being built, as the search keys it: the resolved node and whether an alias on the
/// way admitted null.
type ShapeKey = (NodeId, bool);

/// One search for smallest values in one schema. It visits each shape once: a shape met again
/// while it is being built would need an infinite value along that path (so that path is cut),
/// and a shape built without such a cut is remembered. Without both, a recursive `anyOf` of k
/// object branches costs k^depth; with them it costs the schema's size. The witness search
/// budget bounds what is left (cuts that make results depend on the path).
struct Search<'s> {
    schema: &'s Schema,
    allowance: Allowance,
    /// Shapes being built, with their depth.
    building: HashMap<ShapeKey, usize>,
    /// Shapes whose result does not depend on the path that reached them.
    built: HashMap<ShapeKey, Option<Value>>,
}

/// What building one value found.
struct Built {
    value: Option<Value>,
    /// The smallest depth of a shape whose cut this result depends on (`usize::MAX`: none).
    cut: usize,
}

impl Built {
    fn new(value: Option<Value>, cut: usize) -> Built {
        Built { value, cut }
    }
}

impl<'s> Search<'s> {
    fn new(schema: &'s Schema) -> Search<'s> {
        Search {
            schema,
            allowance: Allowance::new(Budget::WitnessSearch, WITNESS_SEARCH_STEPS),
            building: HashMap::new(),
            built: HashMap::new(),
        }
    }

    fn value(&mut self, id: NodeId, depth: usize) -> Built {
        // A depth cut depends on the path from the top of the search.
        if depth > MAX_DEPTH || !self.allowance.step() {
            return Built::new(None, 0);
        }
        let r = self.schema.resolve(id);
        let key = (r.id, r.admits_null);
        if let Some(value) = self.built.get(&key) {
            return Built::new(value.clone(), usize::MAX);
        }
        if let Some(&at) = self.building.get(&key) {
            return Built::new(None, at);
        }
        self.building.insert(key, depth);
        let mut built = self.shape(id, depth);
        self.building.remove(&key);
        // A cut of this shape itself is settled now that it is built.
        if built.cut >= depth {
            built.cut = usize::MAX;
            self.built.insert(key, built.value.clone());
        }
        built
    }

    fn shape(&mut self, id: NodeId, depth: usize) -> Built {
        let schema = self.schema;
        let r = schema.resolve(id);
        let node = r.node;
        if node.rejects_all {
            return Built::new(None, usize::MAX);
        }
        if let Some(values) = &node.values {
            let found = values.iter().find(|v| accepts(schema, id, v)).cloned();
            return Built::new(found, usize::MAX);
        }
        let mut cut = usize::MAX;
        if let Some(variants) = &node.variants {
            for branch in &variants.branches {
                let built = self.value(*branch, depth + 1);
                cut = cut.min(built.cut);
                if let Some(v) = built.value
                    && accepts(schema, id, &v)
                {
                    return Built::new(Some(v), cut);
                }
            }
            return Built::new(None, cut);
        }
        let types = node.types.unwrap_or_else(|| inferred_types(schema, id));
        for t in [
            JsonType::Object,
            JsonType::String,
            JsonType::Integer,
            JsonType::Number,
            JsonType::Boolean,
            JsonType::Array,
            JsonType::Null,
        ] {
            if !types.contains(t) {
                continue;
            }
            let candidate = match t {
                JsonType::Object => self.object(id, depth),
                JsonType::Array => self.array(id, depth),
                _ => Built::new(
                    scalar_candidates(schema, id, t)
                        .into_iter()
                        .find(|v| accepts(schema, id, v)),
                    usize::MAX,
                ),
            };
            cut = cut.min(candidate.cut);
            if let Some(v) = candidate.value
                && accepts(schema, id, &v)
            {
                return Built::new(Some(v), cut);
            }
        }
        Built::new(r.admits_null.then_some(Value::Null), cut)
    }

    /// The smallest object with the node's required properties (not checked against the node's
    /// other keywords).
    fn object(&mut self, id: NodeId, depth: usize) -> Built {
        let node = self.schema.resolve(id).node;
        let mut map = Map::new();
        let mut cut = usize::MAX;
        for name in &node.object.required {
            let built = match (node.object.properties.get(name), node.object.additional) {
                (Some(prop), _) => self.value(*prop, depth + 1),
                (None, Additional::Schema(extra)) => self.value(extra, depth + 1),
                (None, Additional::Open) => Built::new(Some(Value::Null), usize::MAX),
                (None, Additional::Closed) => Built::new(None, usize::MAX),
            };
            cut = cut.min(built.cut);
            match built.value {
                Some(value) => map.insert(name.clone(), value),
                None => return Built::new(None, cut),
            };
        }
        Built::new(Some(Value::Object(map)), cut)
    }

    fn array(&mut self, id: NodeId, depth: usize) -> Built {
        let node = self.schema.resolve(id).node;
        let count = node.array.min_items.unwrap_or(0);
        if count > 64 {
            return Built::new(None, usize::MAX);
        }
        let item = match node.array.items {
            Some(item) if count > 0 => self.value(item, depth + 1),
            _ => Built::new(None, usize::MAX),
        };
        let items = (0..count)
            .map(|i| match (&node.array.items, &item.value) {
                (Some(_), Some(v)) => Some(v.clone()),
                (Some(_), None) => None,
                (None, _) => Some(json!(i)),
            })
            .collect::<Option<Vec<_>>>();
        Built::new(items.map(Value::Array), item.cut)
    }
}

/// For a node without `type`, the types its keywords talk about (an untyped `{properties}` is
/// meant as an object), or every type when it says nothing.
fn inferred_types(schema: &Schema, id: NodeId) -> crate::model::TypeSet {
    use crate::model::TypeSet;
    let node = schema.resolve(id).node;
    let mut set = TypeSet::EMPTY;
    if !node.object.properties.is_empty() || !node.object.required.is_empty() {
        set = set.with(JsonType::Object);
    }
    if node.array.items.is_some() {
        set = set.with(JsonType::Array);
    }
    if node.string != Default::default() {
        set = set.with(JsonType::String);
    }
    if node.number != Default::default() {
        set = set.with(JsonType::Number);
    }
    if set.is_empty() { TypeSet::any() } else { set }
}

/// The smallest object with the required properties of node `id` (what a member is added to).
pub(crate) fn minimal_object(schema: &Schema, id: NodeId) -> Option<Value> {
    Search::new(schema).object(id, 0).value
}

/// Scalar values worth trying for type `t` at this node: its bounds and their neighbours,
/// strings of its boundary lengths, its format's example, literals of a simple pattern.
pub(crate) fn scalar_candidates(schema: &Schema, id: NodeId, t: JsonType) -> Vec<Value> {
    let node = schema.resolve(id).node;
    let mut out = Vec::new();
    match t {
        JsonType::Null => out.push(Value::Null),
        JsonType::Boolean => out.extend([json!(false), json!(true)]),
        JsonType::Integer | JsonType::Number => {
            let n = &node.number;
            let mut points = vec![0.0, 1.0, -1.0];
            let bounds = [
                &n.minimum,
                &n.maximum,
                &n.exclusive_minimum,
                &n.exclusive_maximum,
            ];
            for exact in bounds.into_iter().flatten() {
                // Integer bounds beyond 2^53 and their neighbours, which `f64` cannot hold.
                if let Some(i) = exact
                    .as_i64()
                    .map(i128::from)
                    .or(exact.as_u64().map(i128::from))
                {
                    for p in [i, i + 1, i - 1] {
                        if let Ok(v) = i64::try_from(p) {
                            out.push(json!(v));
                        } else if let Ok(v) = u64::try_from(p) {
                            out.push(json!(v));
                        }
                    }
                }
                let bound = approximate(exact);
                points.extend([bound, bound + 1.0, bound - 1.0, bound.ceil(), bound.floor()]);
                if t == JsonType::Number {
                    points.extend([bound + 0.5, bound - 0.5]);
                }
            }
            if let Some(m) = n.multiple_of {
                let base = n
                    .minimum
                    .as_ref()
                    .or(n.exclusive_minimum.as_ref())
                    .map_or(0.0, approximate);
                let k = (base / m).ceil();
                points.extend([k * m, (k + 1.0) * m]);
            }
            if t == JsonType::Number {
                points.push(0.5);
            }
            for p in points {
                if !p.is_finite() {
                    continue;
                }
                if t == JsonType::Integer || p.fract() == 0.0 {
                    if p.abs() < 9.0e15 {
                        out.push(json!(p as i64));
                    }
                } else {
                    out.push(json!(p));
                }
            }
        }
        JsonType::String => {
            let s = &node.string;
            if let Some(example) = s.format.as_deref().and_then(formats::example) {
                out.push(json!(example));
            }
            if let Some(pattern) = &s.pattern {
                out.extend(pattern_literals(pattern).into_iter().map(Value::String));
            }
            out.push(json!(""));
            out.push(json!("a"));
            for len in [s.min_length, s.max_length.map(|m| m + 1)]
                .into_iter()
                .flatten()
            {
                if len <= 4096 {
                    out.push(Value::String("a".repeat(len as usize)));
                }
            }
            if let Some(max) = s.max_length
                && max <= 4096
            {
                out.push(Value::String("a".repeat(max as usize)));
            }
            if s.format.is_some() {
                out.push(json!("not a valid value"));
            }
        }
        JsonType::Array | JsonType::Object => {}
    }
    out
}

/// Literal strings a simple pattern spells out: `^(open|done)$` gives `open`, `done`;
/// `^abc` gives `abc`. Anything with other regex syntax gives nothing.
pub(crate) fn pattern_literals(pattern: &str) -> Vec<String> {
    let body = pattern.strip_prefix('^').unwrap_or(pattern);
    let body = body.strip_suffix('$').unwrap_or(body);
    let body = body
        .strip_prefix("(?:")
        .or_else(|| body.strip_prefix('('))
        .and_then(|b| b.strip_suffix(')'))
        .unwrap_or(body);
    let literal = |s: &str| {
        s.chars()
            .all(|c| c.is_alphanumeric() || " _-:@,".contains(c))
    };
    let parts: Vec<&str> = body.split('|').collect();
    if parts.iter().all(|p| literal(p)) {
        parts.into_iter().map(str::to_owned).collect()
    } else {
        Vec::new()
    }
}

/// Whether `pattern` is anchored at both ends and spells a finite set of literals exactly, so
/// its language can be enumerated.
pub(crate) fn finite_pattern(pattern: &str) -> Option<Vec<String>> {
    if !(pattern.starts_with('^') && pattern.ends_with('$')) {
        return None;
    }
    let literals = pattern_literals(pattern);
    (!literals.is_empty()).then_some(literals)
}

/// Candidate values, at most [`WITNESS_CANDIDATES`] of them (an enum of 100,000 values is not
/// tried value by value).
#[derive(Debug, Default)]
pub(crate) struct Candidates {
    pub values: Vec<Value>,
    /// Some candidates were left out.
    pub truncated: bool,
}

impl Candidates {
    fn is_full(&self) -> bool {
        self.values.len() >= WITNESS_CANDIDATES
    }

    fn extend(&mut self, values: impl IntoIterator<Item = Value>) {
        for v in values {
            if self.is_full() {
                self.truncated = true;
                return;
            }
            self.values.push(v);
        }
    }
}

/// Values to try when looking for one the source node accepts and the target rejects.
pub(crate) fn candidates(source: &Schema, s: NodeId, target: &Schema, t: NodeId) -> Candidates {
    let mut out = Candidates::default();
    for (schema, id) in [(source, s), (target, t)] {
        let r = schema.resolve(id);
        if let Some(values) = &r.node.values {
            out.extend(values.iter().cloned());
            if r.admits_null && !values.contains(&Value::Null) {
                out.extend([Value::Null]);
            }
        }
        for ty in JsonType::ALL {
            out.extend(scalar_candidates(schema, id, ty));
        }
        // A union's values come from its branches.
        if let Some(variants) = &r.node.variants {
            for branch in &variants.branches {
                if out.is_full() {
                    out.truncated = true;
                    break;
                }
                if let Some(values) = schema.resolve(*branch).values() {
                    out.extend(values);
                }
                out.extend(minimal(schema, *branch));
            }
        }
    }
    if let Some(v) = minimal(source, s) {
        // Arrays and objects: the smallest one, and variations at the length bounds.
        if let Value::Array(items) = &v {
            let node = target.resolve(t).node;
            let src = source.resolve(s).node;
            let filler = match src.array.items {
                Some(item) => minimal(source, item),
                None => Some(json!(0)),
            };
            if let Some(filler) = filler {
                for len in [
                    node.array.min_items.map(|m| m.saturating_sub(1)),
                    node.array.max_items.map(|m| m + 1),
                    Some(2),
                ]
                .into_iter()
                .flatten()
                {
                    if len <= 64 && len as usize != items.len() {
                        out.extend([Value::Array(vec![filler.clone(); len as usize])]);
                    }
                }
            }
        }
        out.extend([v]);
    }
    out.extend([
        json!(0.5),
        json!([]),
        json!({}),
        json!("a"),
        json!(0),
        Value::Null,
        json!(true),
    ]);
    out
}

/// A value the source node accepts and the target node rejects, if the candidates hold one.
/// When they do not and some were left out, the witness search budget ran out.
pub fn distinguishing(source: &Schema, s: NodeId, target: &Schema, t: NodeId) -> Option<Value> {
    let candidates = candidates(source, s, target, t);
    let found = candidates
        .values
        .into_iter()
        .find(|v| accepts(source, s, v) && !accepts(target, t, v));
    if found.is_none() && candidates.truncated {
        ran_out(Budget::WitnessSearch);
    }
    found
}

/// A value the node rejects, if one of the usual suspects is.
pub fn counterexample(schema: &Schema, id: NodeId) -> Option<Value> {
    let mut tries = vec![
        Value::Null,
        json!(true),
        json!(0),
        json!(0.5),
        json!("a"),
        json!([]),
        json!({}),
    ];
    for t in JsonType::ALL {
        tries.extend(scalar_candidates(schema, id, t));
    }
    tries.into_iter().find(|v| !accepts(schema, id, v))
}

/// Builds a whole document valid under `schema` whose value at the end of `steps` is `leaf`.
/// Works bottom-up without recursion, so very deep paths cannot overflow the stack.
pub fn embed(schema: &Schema, steps: &[Step], leaf: Value) -> Option<Value> {
    let mut search = Search::new(schema);
    // The node reached before each step.
    let mut nodes = Vec::with_capacity(steps.len());
    let mut current = schema.root();
    for step in steps {
        nodes.push(current);
        let node = schema.resolve(current).node;
        current = match step {
            Step::Property(name) => *node.object.properties.get(name)?,
            Step::Additional(_) => match node.object.additional {
                Additional::Schema(id) => id,
                Additional::Open => return None,
                Additional::Closed => return None,
            },
            Step::Item => node.array.items?,
            Step::Variant(i) => *node.variants.as_ref()?.branches.get(*i)?,
        };
    }
    let mut value = leaf;
    for (step, parent) in steps.iter().zip(nodes).rev() {
        value = match step {
            Step::Property(name) | Step::Additional(name) => {
                let mut object = match search.object(parent, 1).value? {
                    Value::Object(map) => map,
                    _ => return None,
                };
                object.insert(name.clone(), value);
                Value::Object(object)
            }
            Step::Item => {
                let node = schema.resolve(parent).node;
                let count = node.array.min_items.unwrap_or(1).max(1);
                if count > 64 {
                    return None;
                }
                Value::Array(vec![value; count as usize])
            }
            Step::Variant(_) => value,
        };
    }
    Some(value)
}
