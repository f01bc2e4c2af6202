//! Fuzzing the lens interpreter on random lenses (any operation, nested `in`/`map`, convert
//! tables over a few values) and random documents: reading, validating, reversing, applying
//! and transforming schemas never panics; and where the lens reports itself lossless, a
//! document of its domain comes back from `down(up(x))` unchanged.
//!
//! The domain (see `docs/lenses.md`) is checked operation by operation on the way up: no
//! `add` of a property that is there, a `remove`d property holding its default, no `rename`,
//! `hoist` or `plunge` onto a property that is there. Documents outside it are still applied
//! (nothing may panic) but not held to the law; `crates/docver/tests/lens_laws.rs` generates
//! documents inside it by construction.
//!
//! Longer run: `DOCVER_FUZZ_CASES=100000 cargo test --release -p docver-lens --test fuzz_lens`.

use docver_lens::{Lens, Way};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed};
use serde_json::{Value, json};

/// The suite runs `default` cases from a fixed seed; `DOCVER_FUZZ_CASES` and
/// `DOCVER_FUZZ_SEED` run longer or elsewhere.
fn config(default: u32) -> Config {
    let env = |name: &str| std::env::var(name).ok().and_then(|v| v.parse::<u64>().ok());
    Config {
        cases: env("DOCVER_FUZZ_CASES").map_or(default, |n| n.min(u64::from(u32::MAX)) as u32),
        rng_seed: RngSeed::Fixed(env("DOCVER_FUZZ_SEED").unwrap_or(0x1e25)),
        ..Config::default()
    }
}

/// Few names, so that operations, documents and schemas meet (and collide) often.
fn name() -> impl Strategy<Value = String> {
    prop::sample::select(vec!["a", "b", "h", ""]).prop_map(str::to_owned)
}

fn scalar() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        (0i64..3).prop_map(|n| json!(n)),
        prop::sample::select(vec!["x", "y"]).prop_map(|s| json!(s)),
    ]
}

fn document() -> impl Strategy<Value = Value> {
    scalar().prop_recursive(4, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..3).prop_map(Value::Array),
            prop::collection::btree_map(name(), inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn table() -> impl Strategy<Value = Value> {
    prop::collection::vec((scalar(), scalar()), 0..4)
        .prop_map(|pairs| Value::Array(pairs.into_iter().map(|(k, v)| json!([k, v])).collect()))
}

/// An operation's JSON form, with optional members present or not.
fn op() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        (
            prop::sample::select(vec!["add", "remove"]),
            name(),
            prop::option::of(scalar()),
            any::<bool>()
        )
            .prop_map(|(op, name, default, required)| {
                let mut o = json!({"op": op, "name": name, "required": required});
                if let Some(default) = default {
                    o["default"] = default;
                }
                o
            }),
        (name(), name()).prop_map(|(from, to)| json!({"op": "rename", "from": from, "to": to})),
        (
            prop::sample::select(vec!["hoist", "plunge"]),
            name(),
            name()
        )
            .prop_map(|(op, host, name)| json!({"op": op, "host": host, "name": name})),
        (
            prop::sample::select(vec!["wrap", "head"]),
            name(),
            prop::option::of(scalar())
        )
            .prop_map(|(op, name, default)| {
                let mut o = json!({"op": op, "name": name});
                if let Some(default) = default {
                    o["default"] = default;
                }
                o
            }),
        (
            name(),
            table(),
            prop::option::of(table()),
            prop::option::of(scalar())
        )
            .prop_map(|(name, forward, reverse, default)| {
                let mut o = json!({"op": "convert", "name": name, "forward": forward});
                if let Some(reverse) = reverse {
                    o["reverse"] = reverse;
                }
                if let Some(default) = default {
                    o["forward_default"] = default;
                }
                o
            }),
    ];
    leaf.prop_recursive(2, 12, 3, |inner| {
        prop_oneof![
            (name(), prop::collection::vec(inner.clone(), 0..3))
                .prop_map(|(name, ops)| json!({"op": "in", "name": name, "ops": ops})),
            prop::collection::vec(inner, 0..3).prop_map(|ops| json!({"op": "map", "ops": ops})),
        ]
    })
}

fn lens_json() -> impl Strategy<Value = Value> {
    prop::collection::vec(op(), 0..5).prop_map(|ops| json!({"from": 1, "to": 2, "ops": ops}))
}

/// A schema over the same names, for `apply_schema`.
fn schema() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(json!({"type": "string"})),
        Just(json!({"type": "integer"})),
        Just(json!({"enum": ["x", "y"]})),
        Just(json!({"$ref": "#/$defs/D"})),
        Just(json!(true)),
    ];
    leaf.prop_recursive(3, 16, 3, |inner| {
        prop_oneof![
            prop::collection::btree_map(name(), inner.clone(), 0..3).prop_map(|props| {
                let required: Vec<&String> = props.keys().collect();
                json!({"type": "object", "properties": props, "required": required})
            }),
            inner.clone().prop_map(|items| json!({"type": "array", "items": items})),
            inner.prop_map(|s| json!({"anyOf": [s, {"type": "null"}]})),
        ]
    })
    .prop_map(|root| json!({"$defs": {"D": {"type": "object", "properties": {"a": {"type": "string"}}}}, "allOf": [root]}))
}

/// Whether `doc` is in the domain of `ops` (as the module docs define it), checked on the way
/// up one operation at a time. An operation that fails makes the whole lens fail, which the
/// caller sees, so failing documents count as inside.
fn in_domain(ops: &[Value], doc: &Value) -> bool {
    let mut doc = doc.clone();
    for op in ops {
        if !op_in_domain(op, &doc) {
            return false;
        }
        match Lens::from_value(&json!({ "ops": [op] })).and_then(|l| l.applied(&doc, Way::Up)) {
            Ok(next) => doc = next,
            Err(_) => return true,
        }
    }
    true
}

fn op_in_domain(op: &Value, doc: &Value) -> bool {
    let field = |key: &str| op[key].as_str().unwrap_or_default();
    let has = |value: &Value, key: &str| value.get(key).is_some();
    let nested = || op["ops"].as_array().map(Vec::as_slice).unwrap_or_default();
    match field("op") {
        "add" => !has(doc, field("name")),
        "remove" => doc.get(field("name")) == Some(&op["default"]),
        "rename" => !has(doc, field("to")),
        "hoist" => !has(doc, field("name")),
        "plunge" => !doc
            .get(field("host"))
            .is_some_and(|host| has(host, field("name"))),
        "in" => doc
            .get(field("name"))
            .is_none_or(|inner| in_domain(nested(), inner)),
        "map" => doc
            .as_array()
            .is_none_or(|items| items.iter().all(|item| in_domain(nested(), item))),
        _ => true,
    }
}

proptest! {
    #![proptest_config(config(1024))]

    #[test]
    fn arbitrary_lens_json_never_panics(lens in lens_json(), doc in document(), schema in schema()) {
        let Ok(lens) = Lens::from_value(&lens) else { return Ok(()) };
        let _ = lens.loss();
        let reversed = lens.reverse();
        prop_assert_eq!(&reversed.reverse().to_value(), &lens.to_value());
        for direction in Way::ALL {
            let _ = lens.applied(&doc, direction);
            let _ = reversed.applied(&doc, direction);
            let _ = lens.apply_schema(&schema, direction);
        }
    }
}

/// The law on one case: `Ok(true)` when it applied (a lossless lens, a document of its domain
/// that goes up), `Ok(false)` when the case is outside it.
fn round_trip(lens_value: &Value, doc: &Value) -> Result<bool, TestCaseError> {
    let Ok(lens) = Lens::from_value(lens_value) else {
        return Ok(false);
    };
    if !lens.loss().is_lossless() {
        return Ok(false);
    }
    let Ok(up) = lens.applied(doc, Way::Up) else {
        return Ok(false);
    };
    if !in_domain(lens_value["ops"].as_array().unwrap(), doc) {
        return Ok(false);
    }
    let down = lens.applied(&up, Way::Down);
    prop_assert_eq!(down.as_ref(), Ok(doc), "lens: {}\nup: {}", lens_value, up);
    Ok(true)
}

/// Run by hand rather than through `proptest!`, to count the cases the law applied to: a
/// generator drifting to lenses that are all lossy or documents all outside would otherwise
/// pass without checking anything.
#[test]
fn lossless_lenses_round_trip_their_domain() {
    let config = config(1024);
    let cases = config.cases;
    let mut runner = proptest::test_runner::TestRunner::new(config);
    let checked = std::cell::Cell::new(0u32);
    let result = runner.run(&(lens_json(), document()), |(lens, doc)| {
        if round_trip(&lens, &doc)? {
            checked.set(checked.get() + 1);
        }
        Ok(())
    });
    if let Err(failure) = result {
        panic!("{failure}");
    }
    assert!(
        checked.get() >= cases / 20,
        "the law applied to {} of {cases} cases only",
        checked.get()
    );
}
