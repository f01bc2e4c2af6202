//! The hostile pairs of issue 15 (the same shapes as `crates/docver-check/tests/bounded.rs`),
//! and a benign pair of the same size for each.

use docver_testkit::hostile_schemas::diamond_chain;
use serde_json::{Map, Value, json};

/// One pair to diff.
pub struct Input {
    pub name: &'static str,
    pub what: String,
    pub old: String,
    pub new: String,
}

/// The issue's 621-byte recursive schema and its partner, read from the test fixtures.
const RECURSIVE_ANY_OF: &str =
    include_str!("../../../docver-check/tests/hostile/recursive-any-of.json");
const X_STRING: &str = include_str!("../../../docver-check/tests/hostile/x-string.json");

pub fn all() -> Vec<Input> {
    vec![
        Input {
            name: "recursive-any-of",
            what: "`anyOf` of 6 object branches referring back to it, vs `{x: string}`".into(),
            old: RECURSIVE_ANY_OF.into(),
            new: X_STRING.into(),
        },
        Input {
            name: "recursive-any-of-reversed",
            what: "the same pair, NEW and OLD swapped".into(),
            old: X_STRING.into(),
            new: RECURSIVE_ANY_OF.into(),
        },
        Input {
            name: "diamond-chain",
            what: "a 4-way union reached through 10 nested 4-way unions from itself (4^10 \
                   paths, each cut), vs `{x: string}`"
                .into(),
            old: diamond_chain(10, 4).to_string(),
            new: X_STRING.into(),
        },
        Input {
            name: "enum-100k",
            what: "an enum of 100,000 strings, one value removed and one added".into(),
            old: enum_property(0..100_000).to_string(),
            new: enum_property(1..100_001).to_string(),
        },
        Input {
            name: "union-1000",
            what: "a `oneOf` of 1,000 tagged branches, each branch's `v` string -> integer".into(),
            old: tagged_union(1000, "string").to_string(),
            new: tagged_union(1000, "integer").to_string(),
        },
        Input {
            name: "union-untagged-1000",
            what: "an `anyOf` of 1,000 untagged object branches, each property string -> integer"
                .into(),
            old: untagged_union(1000, "string").to_string(),
            new: untagged_union(1000, "integer").to_string(),
        },
        Input {
            name: "union-shared-definition-1000",
            what: "a `oneOf` of 1,000 tagged branches that all refer to one definition of 300 \
                   objects, whose last member changes type"
                .into(),
            old: shared_definition_union(1000, 300, "string").to_string(),
            new: shared_definition_union(1000, 300, "integer").to_string(),
        },
        Input {
            name: "properties-2000",
            what: "2,000 required properties, every one string -> integer".into(),
            old: required_properties(2000, "string").to_string(),
            new: required_properties(2000, "integer").to_string(),
        },
    ]
}

/// A benign pair whose OLD is about `bytes` long: an object of optional string properties, one
/// of which becomes an integer.
pub fn benign(bytes: usize) -> (String, String) {
    let per_property = r#""p00000":{"type":"string"},"#.len();
    let count = (bytes / per_property).max(1);
    let properties = |first: &str| -> Map<String, Value> {
        (0..count)
            .map(|i| {
                let ty = if i == 0 { first } else { "string" };
                (format!("p{i}"), json!({"type": ty}))
            })
            .collect()
    };
    (
        json!({"type": "object", "properties": properties("string")}).to_string(),
        json!({"type": "object", "properties": properties("integer")}).to_string(),
    )
}

fn enum_property(range: std::ops::Range<usize>) -> Value {
    let values: Vec<Value> = range.map(|i| json!(format!("v{i}"))).collect();
    json!({"type": "object", "properties": {"e": {"enum": values}}})
}

fn tagged_union(n: usize, ty: &str) -> Value {
    let branches: Vec<Value> = (0..n)
        .map(|i| {
            json!({"type": "object",
                   "properties": {"kind": {"const": format!("k{i}")}, "v": {"type": ty}},
                   "required": ["kind", "v"]})
        })
        .collect();
    json!({"oneOf": branches})
}

fn shared_definition_union(n: usize, members: usize, last: &str) -> Value {
    let properties: Map<String, Value> = (0..members)
        .map(|i| {
            let ty = if i + 1 == members { last } else { "string" };
            (
                format!("m{i}"),
                json!({"type": "object", "properties": {"v": {"type": ty}}}),
            )
        })
        .collect();
    let branches: Vec<Value> = (0..n)
        .map(|i| {
            json!({"type": "object",
                   "properties": {"kind": {"const": format!("k{i}")},
                                  "body": {"$ref": "#/$defs/Body"}},
                   "required": ["kind"]})
        })
        .collect();
    json!({"oneOf": branches, "$defs": {"Body": {"type": "object", "properties": properties}}})
}

fn untagged_union(n: usize, ty: &str) -> Value {
    let branches: Vec<Value> = (0..n)
        .map(|i| json!({"type": "object", "properties": {format!("p{i}"): {"type": ty}}}))
        .collect();
    json!({"anyOf": branches})
}

fn required_properties(n: usize, ty: &str) -> Value {
    let properties: Map<String, Value> = (0..n)
        .map(|i| (format!("p{i}"), json!({"type": ty})))
        .collect();
    let required: Vec<String> = (0..n).map(|i| format!("p{i}")).collect();
    json!({"type": "object", "properties": properties, "required": required})
}
