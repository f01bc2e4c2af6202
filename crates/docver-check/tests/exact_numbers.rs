//! Integers beyond 2^53 in bounds, enums and consts are compared exactly (an `f64` rounds
//! 2^53 + 1 to 2^53, which made such changes invisible).

use docver_check::{DiffOptions, DiffReport, Direction, Verdict, diff, read_schema};
use serde_json::{Value, json};

const TWO_53: u64 = 9_007_199_254_740_992;

fn run(old: &Value, new: &Value) -> DiffReport {
    diff(
        &read_schema("old.json", &old.to_string()).unwrap(),
        &read_schema("new.json", &new.to_string()).unwrap(),
        &DiffOptions::default(),
    )
}

fn id(field: Value) -> Value {
    json!({"type": "object", "properties": {"id": field}, "required": ["id"]})
}

fn rules(report: &DiffReport) -> Vec<&str> {
    report.findings.iter().map(|f| f.rule.as_str()).collect()
}

#[test]
fn a_maximum_lowered_by_one_above_2_53_is_tightened_with_an_exact_witness() {
    let old = id(json!({"type": "integer", "maximum": TWO_53 + 1}));
    let new = id(json!({"type": "integer", "maximum": TWO_53}));
    let report = run(&old, &new);
    assert_eq!(rules(&report), ["numeric-bound-tightened"], "{report:#?}");
    let finding = &report.findings[0];
    assert_eq!(finding.backward, Verdict::Breaking);
    let witness = finding.witness(Direction::Backward).expect("a witness");
    assert_eq!(witness.document, json!({"id": TWO_53 + 1}));
    assert!(run(&old, &old).findings.is_empty());
}

#[test]
fn enum_and_const_values_above_2_53_are_told_apart() {
    let report = run(
        &id(json!({"enum": [TWO_53 + 1, 1]})),
        &id(json!({"enum": [TWO_53, 1]})),
    );
    assert!(
        rules(&report).contains(&"enum-value-removed"),
        "{report:#?}"
    );
    assert!(report.backward.is_breaking());
    let report = run(
        &id(json!({"const": u64::MAX})),
        &id(json!({"const": u64::MAX - 1})),
    );
    assert!(!report.findings.is_empty(), "{report:#?}");
    assert!(report.backward.is_breaking());
}
