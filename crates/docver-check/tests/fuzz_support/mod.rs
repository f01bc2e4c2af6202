//! What the schema fuzz targets share: the run's size and seed, and generators of random JSON
//! Schemas that use every keyword the reader models.

use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed};
use serde_json::{Value, json};

/// The suite runs `default` cases from a fixed seed (deterministic, a few seconds in debug);
/// `DOCVER_FUZZ_CASES=100000` runs longer and `DOCVER_FUZZ_SEED=<u64>` explores elsewhere.
pub fn config(default: u32) -> Config {
    let env = |name: &str| std::env::var(name).ok().and_then(|v| v.parse::<u64>().ok());
    Config {
        cases: env("DOCVER_FUZZ_CASES").map_or(default, |n| n.min(u64::from(u32::MAX)) as u32),
        rng_seed: RngSeed::Fixed(env("DOCVER_FUZZ_SEED").unwrap_or(0x0d0c_5e12)),
        ..Config::default()
    }
}

/// Names of `$defs` entries; `Missing` is never defined, so a `$ref` to it dangles.
const DEF_NAMES: [&str; 3] = ["A", "B", "Missing"];

fn bound() -> impl Strategy<Value = Value> {
    prop_oneof![(-3i64..12).prop_map(|n| json!(n)), Just(json!(0.5))]
}

/// Keywords that narrow a scalar type, some of them contradictory on purpose (`minimum` over
/// `maximum`, an unparsable `pattern`).
fn scalar_schema() -> impl Strategy<Value = Value> {
    prop_oneof![
        prop::sample::select(vec!["string", "integer", "number", "boolean", "null"])
            .prop_map(|t| json!({ "type": t })),
        Just(json!({"type": ["string", "null"]})),
        Just(json!({"type": ["integer", "string"]})),
        (
            prop::option::of(bound()),
            prop::option::of(bound()),
            any::<bool>()
        )
            .prop_map(|(low, high, exclusive)| {
                let mut s = json!({"type": if exclusive { "number" } else { "integer" }});
                let (lo_key, hi_key) = if exclusive {
                    ("exclusiveMinimum", "exclusiveMaximum")
                } else {
                    ("minimum", "maximum")
                };
                if let Some(low) = low {
                    s[lo_key] = low;
                }
                if let Some(high) = high {
                    s[hi_key] = high;
                }
                s
            }),
        (prop::option::of(0u64..4), prop::option::of(0u64..4)).prop_map(|(min, max)| {
            let mut s = json!({"type": "string"});
            if let Some(min) = min {
                s["minLength"] = json!(min);
            }
            if let Some(max) = max {
                s["maxLength"] = json!(max);
            }
            s
        }),
        prop::sample::select(vec!["^(x|y)$", "^a", "b+", "^[a-c]{1,2}$", "(", "x"])
            .prop_map(|p| json!({"type": "string", "pattern": p})),
        prop::collection::vec(literal(), 0..4).prop_map(|values| json!({ "enum": values })),
        literal().prop_map(|value| json!({ "const": value })),
        prop::sample::select(DEF_NAMES.to_vec())
            .prop_map(|name| json!({ "$ref": format!("#/$defs/{name}") })),
        Just(json!(true)),
        Just(json!(false)),
        Just(json!({})),
    ]
}

/// Values as `enum` and `const` hold them, and as instances of the generated schemas hold them.
pub fn literal() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        (-2i64..12).prop_map(|n| json!(n)),
        Just(json!(0.5)),
        prop::sample::select(vec!["", "a", "b", "x", "y", "abcd"]).prop_map(|s| json!(s)),
    ]
}

/// A random subschema: objects, arrays and the combinators over scalars, nested a few levels.
pub fn subschema() -> impl Strategy<Value = Value> {
    scalar_schema().prop_recursive(4, 32, 4, |inner| {
        let name = || prop::sample::select(vec!["a", "b", "c", "d"]);
        prop_oneof![
            (
                prop::collection::btree_map(name(), inner.clone(), 0..4),
                prop::collection::vec(name(), 0..3),
                prop::option::of(prop_oneof![
                    any::<bool>().prop_map(Value::Bool),
                    inner.clone()
                ]),
            )
                .prop_map(|(properties, required, additional)| {
                    let mut s =
                        json!({"type": "object", "properties": properties, "required": required});
                    if let Some(additional) = additional {
                        s["additionalProperties"] = additional;
                    }
                    s
                }),
            (
                inner.clone(),
                prop::option::of(0u64..3),
                prop::option::of(0u64..3)
            )
                .prop_map(|(items, min, max)| {
                    let mut s = json!({"type": "array", "items": items});
                    if let Some(min) = min {
                        s["minItems"] = json!(min);
                    }
                    if let Some(max) = max {
                        s["maxItems"] = json!(max);
                    }
                    s
                }),
            (
                prop::sample::select(vec!["anyOf", "oneOf", "allOf"]),
                prop::collection::vec(inner.clone(), 1..4)
            )
                .prop_map(|(keyword, branches)| json!({ keyword: branches })),
            // Keywords beside a combinator are conjuncts.
            (
                prop::sample::select(vec!["anyOf", "oneOf", "allOf"]),
                prop::collection::vec(inner.clone(), 1..3),
                prop::sample::select(vec!["string", "object", "integer"]),
            )
                .prop_map(|(keyword, branches, t)| json!({ keyword: branches, "type": t })),
            applicator(inner.clone()),
        ]
    })
}

/// The keywords the instance check applies and `diff` leaves undecided when they change.
fn applicator(inner: BoxedStrategy<Value>) -> impl Strategy<Value = Value> {
    let pattern = || prop::sample::select(vec!["^a", "b$", "^[cd]"]);
    prop_oneof![
        inner.clone().prop_map(|s| json!({ "not": s })),
        (
            inner.clone(),
            inner.clone(),
            prop::option::of(inner.clone())
        )
            .prop_map(|(test, then, otherwise)| {
                let mut s = json!({"if": test, "then": then});
                if let Some(otherwise) = otherwise {
                    s["else"] = otherwise;
                }
                s
            }),
        (pattern(), inner.clone(), any::<bool>()).prop_map(|(p, s, closed)| {
            json!({"type": "object", "patternProperties": { p: s },
                "additionalProperties": !closed})
        }),
        (prop::collection::vec(inner.clone(), 1..3), inner.clone()).prop_map(
            |(prefix, rest)| json!({"type": "array", "prefixItems": prefix, "items": rest})
        ),
        (inner.clone(), 0u64..3).prop_map(|(s, min)| json!({"contains": s, "minContains": min})),
        inner
            .clone()
            .prop_map(|s| json!({"type": "object", "properties": {"a": s},
            "unevaluatedProperties": false})),
        inner
            .clone()
            .prop_map(|s| json!({"propertyNames": {"maxLength": 1}, "dependentSchemas": {"a": s}})),
        prop::sample::select(vec!["A", "B"])
            .prop_map(|name| json!({"$ref": format!("#/$defs/{name}"), "required": ["a"]})),
    ]
}

/// A whole schema file: an object root holding `root`, and `$defs` that may refer to each other
/// (and to themselves, so `$ref` cycles are generated too).
pub fn schema_file() -> impl Strategy<Value = Value> {
    (subschema(), subschema(), subschema(), any::<bool>()).prop_map(|(root, a, b, with_defs)| {
        let mut s = json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "type": "object",
            "properties": {"root": root},
            "required": ["root"],
        });
        if with_defs {
            s["$defs"] = json!({"A": a, "B": b});
        }
        s
    })
}
