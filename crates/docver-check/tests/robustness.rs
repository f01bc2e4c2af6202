//! Property tests over the schema reader and the diff (the fuzzing that runs in CI, bounded):
//! arbitrary schema-shaped JSON never panics the reader, a schema diffed against itself reports
//! nothing, and every witness of a diff between two arbitrary schemas is confirmed by the
//! independent `jsonschema` validator.

use docver_check::{DiffOptions, Direction, diff, read_schema};
use proptest::prelude::*;
use serde_json::{Value, json};

/// CI runs a bounded number of cases; `PROPTEST_CASES=100000` fuzzes longer.
fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn leaf_schema() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(json!({"type": "string"})),
        Just(json!({"type": "integer"})),
        Just(json!({"type": "number"})),
        Just(json!({"type": "boolean"})),
        Just(json!({"type": "null"})),
        Just(json!({"type": ["string", "null"]})),
        Just(json!({"enum": ["a", "b", "c"]})),
        Just(json!({"type": "string", "enum": ["a", "b"]})),
        Just(json!({"const": 1})),
        Just(json!({"type": "integer", "minimum": 0, "maximum": 10})),
        Just(json!({"type": "number", "exclusiveMinimum": 0})),
        Just(json!({"type": "string", "maxLength": 3})),
        Just(json!({"type": "string", "minLength": 1})),
        Just(json!({"type": "string", "pattern": "^(x|y)$"})),
        Just(json!({"type": "string", "format": "date"})),
        Just(json!({"$ref": "#/$defs/Shared"})),
        Just(json!({"anyOf": [{"$ref": "#/$defs/Shared"}, {"type": "null"}]})),
        Just(json!(true)),
        Just(json!({})),
    ]
}

fn schema() -> impl Strategy<Value = Value> {
    leaf_schema().prop_recursive(4, 24, 4, |inner| {
        prop_oneof![
            (
                prop::collection::btree_map("[a-d]", inner.clone(), 0..4),
                prop::collection::btree_set("[a-d]", 0..3),
                prop::option::of(any::<bool>())
            )
                .prop_map(|(props, required, closed)| {
                    let mut s = json!({"type": "object", "properties": props, "required": required});
                    if let Some(closed) = closed {
                        s["additionalProperties"] = json!(!closed);
                    }
                    s
                }),
            (inner.clone(), prop::option::of(0u64..3)).prop_map(|(items, min)| {
                let mut s = json!({"type": "array", "items": items});
                if let Some(min) = min {
                    s["minItems"] = json!(min);
                }
                s
            }),
            prop::collection::vec(inner.clone(), 2..4).prop_map(|branches| {
                let branches: Vec<Value> = branches
                    .into_iter()
                    .enumerate()
                    .map(|(i, b)| {
                        json!({"type": "object", "properties": {"kind": {"const": format!("k{i}")}, "body": b},
                               "required": ["kind"]})
                    })
                    .collect();
                json!({"oneOf": branches})
            }),
        ]
    })
}

fn document(root: Value) -> Value {
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "properties": {"root": root},
        "required": ["root"],
        "$defs": {"Shared": {"type": "object", "properties": {"x": {"type": "integer"}}, "required": ["x"]}}
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(256), ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_never_panics_the_reader(text in "\\PC{0,200}") {
        let _ = read_schema("fuzz.json", &text);
    }

    #[test]
    fn arbitrary_json_never_panics_the_reader(value in arbitrary_json()) {
        let _ = read_schema("fuzz.json", &value.to_string());
    }

    #[test]
    fn self_diff_is_empty(root in schema()) {
        let text = document(root).to_string();
        let schema = read_schema("s.json", &text).unwrap();
        let report = diff(&schema, &schema, &DiffOptions::default());
        prop_assert!(report.findings.is_empty(), "{:#?}", report.findings);
    }

    #[test]
    fn witnesses_hold_for_arbitrary_pairs(a in schema(), b in schema(), strict in any::<bool>()) {
        let (old, new) = (document(a), document(b));
        let report = diff(
            &read_schema("old.json", &old.to_string()).unwrap(),
            &read_schema("new.json", &new.to_string()).unwrap(),
            &DiffOptions { strict, ..DiffOptions::default() },
        );
        let compile = |s: &Value| jsonschema::options().should_validate_formats(true).build(s).unwrap();
        let (old_v, new_v) = (compile(&old), compile(&new));
        for finding in &report.findings {
            for w in &finding.witnesses {
                let (source, target) = match w.direction {
                    Direction::Backward => (&old_v, &new_v),
                    Direction::Forward => (&new_v, &old_v),
                };
                prop_assert!(source.is_valid(&w.document), "{}: {} invalid under source", finding.rule, w.document);
                prop_assert!(!target.is_valid(&w.document), "{}: {} accepted by target", finding.rule, w.document);
            }
        }
    }
}

/// Values shaped like the generated schemas' instances, so that some are valid.
fn instance() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        (-2i64..12).prop_map(|n| json!(n)),
        Just(json!(0.5)),
        prop_oneof![
            Just("a"),
            Just("b"),
            Just("x"),
            Just(""),
            Just("abcd"),
            Just("1970-01-01")
        ]
        .prop_map(|s| Value::String(s.to_owned())),
    ];
    leaf.prop_recursive(4, 32, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..3).prop_map(Value::Array),
            prop::collection::btree_map(
                prop_oneof![
                    Just("a"),
                    Just("b"),
                    Just("c"),
                    Just("d"),
                    Just("x"),
                    Just("kind"),
                    Just("body")
                ]
                .prop_map(str::to_owned),
                inner,
                0..4
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
            (0usize..3, prop::option::of(Just(json!({"x": 1})))).prop_map(|(k, body)| {
                let mut v = json!({"kind": format!("k{k}")});
                if let Some(b) = body {
                    v["body"] = b;
                }
                v
            }),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(512), ..ProptestConfig::default() })]

    /// Soundness under --strict: where the diff says a direction is compatible, no document
    /// valid under the source schema is rejected by the target (checked on many instances).
    #[test]
    fn compatible_verdicts_are_sound_under_strict(
        a in schema(),
        b in schema(),
        docs in prop::collection::vec(instance(), 16),
    ) {
        let (old, new) = (document(a), document(b));
        let report = diff(
            &read_schema("old.json", &old.to_string()).unwrap(),
            &read_schema("new.json", &new.to_string()).unwrap(),
            &DiffOptions { strict: true, ..DiffOptions::default() },
        );
        let compile = |s: &Value| jsonschema::options().should_validate_formats(true).build(s).unwrap();
        let (old_v, new_v) = (compile(&old), compile(&new));
        for root in docs {
            let doc = json!({"root": root});
            if report.backward == docver_check::Verdict::Compatible && old_v.is_valid(&doc) {
                prop_assert!(new_v.is_valid(&doc), "backward said compatible, but NEW rejects {doc}\n{:#?}", report.findings);
            }
            if report.forward == docver_check::Verdict::Compatible && new_v.is_valid(&doc) {
                prop_assert!(old_v.is_valid(&doc), "forward said compatible, but OLD rejects {doc}\n{:#?}", report.findings);
            }
        }
    }
}

fn arbitrary_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i32>().prop_map(|n| json!(n)),
        "[a-z$]{0,8}".prop_map(Value::String),
        prop_oneof![
            Just("type"),
            Just("properties"),
            Just("$ref"),
            Just("items"),
            Just("oneOf"),
            Just("enum")
        ]
        .prop_map(|s| Value::String(s.to_owned())),
    ];
    leaf.prop_recursive(5, 64, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(
                prop_oneof![
                    Just("type".to_owned()),
                    Just("properties".to_owned()),
                    Just("$ref".to_owned()),
                    Just("items".to_owned()),
                    Just("oneOf".to_owned()),
                    Just("anyOf".to_owned()),
                    Just("required".to_owned()),
                    Just("$defs".to_owned()),
                    Just("enum".to_owned()),
                    "[a-z]{1,4}"
                ],
                inner,
                0..6
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}
