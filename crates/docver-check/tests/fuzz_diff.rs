//! Fuzzing the diff (`diff`) on pairs of random schemas: it never panics nor hangs, a schema
//! diffed against itself reports nothing, and every witness of a decided breaking verdict is a
//! document the independent `jsonschema` validator accepts under the source schema and rejects
//! under the target one, in the direction the witness states.
//!
//! Longer run: `DOCVER_FUZZ_CASES=100000 cargo test --release -p docver-check --test fuzz_diff`.

mod fuzz_support;

use std::time::{Duration, Instant};

use docver_check::{DiffOptions, DiffReport, Direction, Schema, Verdict, diff, read_schema};
use fuzz_support::{config, schema_file};
use jsonschema::Validator;
use proptest::prelude::*;
use serde_json::{Value, json};

/// Far above what a diff of these small schemas takes in a debug build (the walk has budgets).
const TIME_LIMIT: Duration = Duration::from_secs(10);

/// The schema as the checker reads it and as `jsonschema` compiles it, or `None` when either
/// refuses it (a dangling `$ref`, an unparsable pattern) or the reader warned that it ignored a
/// keyword (`allOf` of several schemas): witnesses are only promised on what the model holds.
fn both_read(value: &Value) -> Option<(Schema, Validator)> {
    let schema = read_schema("fuzz.json", &value.to_string()).ok()?;
    if !schema.warnings.is_empty() {
        return None;
    }
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(value)
        .ok()?;
    Some((schema, validator))
}

fn timed_diff(
    old: &Schema,
    new: &Schema,
    options: &DiffOptions,
) -> Result<DiffReport, TestCaseError> {
    let started = Instant::now();
    let report = diff(old, new, options);
    let took = started.elapsed();
    prop_assert!(took < TIME_LIMIT, "the diff took {took:?}");
    Ok(report)
}

fn options(strict: bool) -> DiffOptions {
    DiffOptions {
        strict,
        ..DiffOptions::default()
    }
}

/// A schema diffed against itself reports nothing; schemas the reader warned about included.
fn check_self_diff(value: &Value, strict: bool) -> Result<(), TestCaseError> {
    let Ok(schema) = read_schema("fuzz.json", &value.to_string()) else {
        return Ok(());
    };
    let report = timed_diff(&schema, &schema, &options(strict))?;
    prop_assert!(report.findings.is_empty(), "{:#?}", report.findings);
    prop_assert_eq!(
        (report.backward, report.forward),
        (Verdict::Compatible, Verdict::Compatible)
    );
    Ok(())
}

/// Found by `self_diff_is_empty`: two `anyOf` branches with the same variant key (both
/// requiring `c`) were both matched to the first one, so the second "changed" against itself.
#[test]
fn self_diff_of_branches_sharing_a_key_is_empty() {
    let schema = json!({
        "type": "object",
        "properties": {"root": {"anyOf": [
            {"type": "object", "properties": {"a": {"type": "string"}}, "required": ["c"]},
            {"type": "object", "properties": {"a": {"enum": []}}, "required": ["c"]},
        ]}},
        "required": ["root"],
    });
    for strict in [false, true] {
        check_self_diff(&schema, strict).unwrap();
    }
}

/// Found by `witnesses_are_confirmed_by_jsonschema`: a keyword beside a one-element `allOf`
/// is dropped (the `allOf` is read as an alias, the schemars 0.8 spelling of a described
/// `$ref`), so OLD below reads as `string` though it admits nothing, and the witness `""` of
/// `pattern-changed` is invalid under OLD. Now the `allOf` is left out of the model with a
/// warning (a change to it is undecided) and the keyword beside it is kept.
#[test]
fn keywords_beside_a_one_element_all_of_are_not_dropped() {
    let old = json!({"type": "object", "required": ["root"],
        "properties": {"root": {"allOf": [{"type": "string"}], "type": "integer"}}});
    let new = json!({"type": "object", "required": ["root"],
        "properties": {"root": {"type": "string", "pattern": "^(x|y)$"}}});
    check_witnesses(&old, &new, false).unwrap();
    let schema = read_schema("old.json", &old.to_string()).unwrap();
    assert!(
        schema
            .warnings
            .iter()
            .any(|w| w.pointer == "/properties/root/allOf"),
        "{:#?}",
        schema.warnings
    );
    let report = diff(
        &schema,
        &read_schema("new.json", &new.to_string()).unwrap(),
        &options(false),
    );
    assert_ne!(
        report.backward,
        Verdict::Compatible,
        "{:#?}",
        report.findings
    );
    for finding in &report.findings {
        for witness in &finding.witnesses {
            assert_ne!(witness.document, json!({"root": ""}), "{finding:#?}");
        }
    }
}

/// Found by `witnesses_are_confirmed_by_jsonschema`: a keyword beside an `anyOf` is read as
/// another branch rather than a conjunct (OLD below admits nothing, but reads as "an object
/// or null"), so the witness `null` of `nullable-removed` was invalid under OLD. Now a union
/// beside other keywords keeps its null branches as branches, a conjunct of the keywords.
#[test]
fn keywords_beside_an_any_of_are_conjuncts() {
    let old = json!({"type": "object", "required": ["root"],
        "properties": {"root": {"anyOf": [{"const": null}], "type": "object"}}});
    let new = json!({"type": "object", "required": ["root"],
        "properties": {"root": {"type": "object"}}});
    check_witnesses(&old, &new, false).unwrap();
    // Both ways round, and with a second, non-null branch.
    check_witnesses(&new, &old, false).unwrap();
    let two = json!({"type": "object", "required": ["root"], "properties": {"root":
        {"anyOf": [{"const": null}, {"type": "object"}], "type": "string"}}});
    check_witnesses(&two, &new, false).unwrap();
    check_witnesses(&new, &two, true).unwrap();
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn self_diff_is_empty(schema in schema_file(), strict in any::<bool>()) {
        check_self_diff(&schema, strict)?;
    }

    #[test]
    fn witnesses_are_confirmed_by_jsonschema(
        old in schema_file(),
        new in schema_file(),
        strict in any::<bool>(),
    ) {
        check_witnesses(&old, &new, strict)?;
    }
}

/// Every witness of a decided verdict is valid under its source schema and rejected by its
/// target, per `jsonschema`.
fn check_witnesses(old: &Value, new: &Value, strict: bool) -> Result<(), TestCaseError> {
    let (Some((old_schema, old_v)), Some((new_schema, new_v))) = (both_read(old), both_read(new))
    else {
        return Ok(());
    };
    let report = timed_diff(&old_schema, &new_schema, &options(strict))?;
    for finding in &report.findings {
        for witness in &finding.witnesses {
            if finding.verdict(witness.direction) == Verdict::Undecided {
                continue;
            }
            let (source, target) = match witness.direction {
                Direction::Backward => (&old_v, &new_v),
                Direction::Forward => (&new_v, &old_v),
            };
            let doc = &witness.document;
            prop_assert!(
                source.is_valid(doc),
                "{} ({:?}): {doc} is invalid under the source\n{finding:#?}",
                finding.rule,
                witness.direction
            );
            prop_assert!(
                !target.is_valid(doc),
                "{} ({:?}): {doc} is accepted by the target\n{finding:#?}",
                finding.rule,
                witness.direction
            );
        }
    }
    Ok(())
}
