//! Patterns are ECMA-262 regular expressions: one the `regex` crate reads differently (or not
//! at all) gets no witness, since ECMA-262 might accept it.

use docver_check::{DiffOptions, Verdict, diff, read_schema};
use serde_json::{Value, json};

fn string(pattern: &str) -> Value {
    json!({"type": "object", "properties": {"code": {"type": "string", "pattern": pattern}},
           "required": ["code"]})
}

#[test]
fn a_lookahead_pattern_gets_no_witness() {
    // The same strings in ECMA-262: anything starting with `a`.
    let (old, new) = (string("^a"), string("^(?=a)a"));
    let new_schema = read_schema("new.json", &new.to_string()).unwrap();
    assert!(
        new_schema
            .warnings
            .iter()
            .any(|w| w.message.contains("ECMA-262")),
        "{:?}",
        new_schema.warnings
    );
    let report = diff(
        &read_schema("old.json", &old.to_string()).unwrap(),
        &new_schema,
        &DiffOptions::default(),
    );
    let finding = report
        .findings
        .iter()
        .find(|f| f.rule == "pattern-changed")
        .expect("the pattern changed");
    assert!(finding.witnesses.is_empty(), "{:#?}", finding.witnesses);
    assert_eq!(finding.backward, Verdict::Undecided);
    assert_eq!(finding.forward, Verdict::Undecided);
}
