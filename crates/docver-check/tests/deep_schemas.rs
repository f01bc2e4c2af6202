//! Deep schemas on a test thread's 2 MiB stack (debug build): nesting past the reader's limit
//! is a located error, and a `$ref` chain thousands of definitions long (deep without nesting)
//! is diffed without overflowing the stack, within the budgets.

use std::time::{Duration, Instant};

use docver_check::source::MAX_SCHEMA_DEPTH;
use docver_check::{DiffOptions, Verdict, diff, read_schema};
use serde_json::{Value, json};

/// `depth` arrays of arrays written inline, around `leaf`.
fn nested(depth: usize, leaf: &str) -> String {
    format!(
        "{}{leaf}{}",
        r#"{"items":"#.repeat(depth),
        "}".repeat(depth)
    )
}

/// `length` definitions, each an array of the next, ending in `leaf`.
fn ref_chain(length: usize, leaf: Value) -> String {
    let mut defs = serde_json::Map::new();
    for i in 0..length {
        let next = format!("#/$defs/A{}", i + 1);
        defs.insert(
            format!("A{i}"),
            json!({"type": "array", "items": {"$ref": next}}),
        );
    }
    defs.insert(format!("A{length}"), leaf);
    json!({"$ref": "#/$defs/A0", "$defs": defs}).to_string()
}

#[test]
fn nesting_past_the_limit_is_a_located_error_at_any_depth() {
    for depth in [MAX_SCHEMA_DEPTH, 200, 10_000] {
        let text = nested(depth, "true");
        let error = read_schema("deep.json", &text).unwrap_err();
        assert_eq!(error.line, 1, "{error}");
        assert!(error.span.end <= text.len(), "{error}");
        assert!(error.message.contains("deeper than"), "{error}");
    }
    let text = nested(MAX_SCHEMA_DEPTH, "true");
    let error = read_schema("deep.json", &text).unwrap_err();
    // The innermost subschema that does not fit: `MAX_SCHEMA_DEPTH` openers in.
    assert_eq!(
        error.span.start,
        r#"{"items":"#.len() * MAX_SCHEMA_DEPTH,
        "{error}"
    );
}

#[test]
fn nesting_up_to_the_limit_is_read_and_diffed() {
    let old = read_schema(
        "old.json",
        &nested(MAX_SCHEMA_DEPTH - 1, r#"{"type":"string"}"#),
    )
    .unwrap();
    let new = read_schema(
        "new.json",
        &nested(MAX_SCHEMA_DEPTH - 1, r#"{"type":"integer"}"#),
    )
    .unwrap();
    let report = diff(&old, &new, &DiffOptions::default());
    assert_eq!(report.backward, Verdict::Breaking, "{:#?}", report.findings);
}

#[test]
fn a_ten_thousand_long_ref_chain_is_diffed_without_overflowing_the_stack() {
    let old = read_schema("old.json", &ref_chain(10_000, json!({"type": "string"}))).unwrap();
    let new = read_schema("new.json", &ref_chain(10_000, json!({"type": "integer"}))).unwrap();
    let started = Instant::now();
    let report = diff(&old, &new, &DiffOptions::default());
    assert!(
        started.elapsed() < Duration::from_secs(60),
        "{:?}",
        started.elapsed()
    );
    // The change is found; too deep for a witness, it stays breaking (undecided at worst).
    assert_ne!(
        report.backward,
        Verdict::Compatible,
        "{:#?}",
        report.findings
    );
    assert!(report.findings.iter().any(|f| f.rule == "type-changed"));
    drop(report);
    let same = diff(&old, &old, &DiffOptions::default());
    assert!(same.findings.is_empty());
}
