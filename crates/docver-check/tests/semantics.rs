//! What real schemas say, read the way validators read it (issue 19): keywords beside `allOf`
//! and `$ref`, references through parts of the file that are not schemas, draft-04 bounds, and
//! witnesses proven against the original files before a break is reported.

use docver_check::check::validate::validity;
use docver_check::{DiffOptions, DiffReport, Verdict, diff, read_schema};
use serde_json::{Value, json};

fn run(old: &Value, new: &Value) -> DiffReport {
    diff(
        &read_schema("old.json", &old.to_string()).unwrap(),
        &read_schema("new.json", &new.to_string()).unwrap(),
        &DiffOptions::default(),
    )
}

fn accepts(schema: &Value, document: Value) -> Option<bool> {
    let schema = read_schema("s.json", &schema.to_string()).unwrap();
    validity(&schema, schema.root(), &document)
}

#[test]
fn keywords_beside_a_one_element_all_of_stay_conjuncts() {
    let schema = json!({"allOf": [{"type": "string"}], "maxLength": 2});
    assert_eq!(accepts(&schema, json!("ab")), Some(true));
    assert_eq!(accepts(&schema, json!("abc")), Some(false));
    assert_eq!(accepts(&schema, json!(1)), Some(false));
}

#[test]
fn every_schema_of_an_all_of_applies() {
    let schema = json!({"allOf": [
        {"type": "object", "required": ["a"]},
        {"properties": {"a": {"type": "integer"}}},
        {"not": {"required": ["b"]}}
    ]});
    assert_eq!(accepts(&schema, json!({"a": 1})), Some(true));
    assert_eq!(accepts(&schema, json!({"a": "x"})), Some(false));
    assert_eq!(accepts(&schema, json!({"a": 1, "b": 0})), Some(false));
    // A change inside an `allOf` of several schemas is undecided, never compatible.
    let narrower = json!({"allOf": [
        {"type": "object", "required": ["a"]},
        {"properties": {"a": {"type": "integer", "maximum": 3}}},
        {"not": {"required": ["b"]}}
    ]});
    let report = run(&schema, &narrower);
    assert_eq!(
        report.backward,
        Verdict::Undecided,
        "{:#?}",
        report.findings
    );
}

#[test]
fn keywords_beside_ref_apply_from_2019_09_and_are_ignored_before() {
    let with = |draft: &str| {
        json!({"$schema": draft, "$defs": {"T": {"type": "object"}},
            "definitions": {"T": {"type": "object"}},
            "$ref": if draft.contains("draft-07") { "#/definitions/T" } else { "#/$defs/T" },
            "required": ["id"]})
    };
    let modern = with("https://json-schema.org/draft/2020-12/schema");
    assert_eq!(accepts(&modern, json!({})), Some(false));
    assert_eq!(accepts(&modern, json!({"id": 1})), Some(true));
    let old = with("http://json-schema.org/draft-07/schema#");
    assert_eq!(accepts(&old, json!({})), Some(true));
    // A `required` dropped beside a `$ref` is seen (undecided: the `$ref` applies beside it).
    let mut without = modern.clone();
    without.as_object_mut().unwrap().remove("required");
    assert!(run(&modern, &without).forward.is_breaking());
}

#[test]
fn a_ref_through_a_container_that_is_not_a_schema_is_read() {
    let schema = json!({"components": {"schemas": {"Id": {"type": "integer"}}},
        "type": "object", "properties": {"id": {"$ref": "#/components/schemas/Id"}}});
    assert_eq!(accepts(&schema, json!({"id": 1})), Some(true));
    assert_eq!(accepts(&schema, json!({"id": "x"})), Some(false));
    let mut new = schema.clone();
    new["components"]["schemas"]["Id"] = json!({"type": "string"});
    let report = run(&schema, &new);
    assert_eq!(report.backward, Verdict::Breaking, "{:#?}", report.findings);
}

#[test]
fn draft_04_boolean_exclusive_bounds_are_exclusive() {
    let schema = json!({"$schema": "http://json-schema.org/draft-04/schema#",
        "type": "number", "minimum": 1, "exclusiveMinimum": true});
    assert_eq!(accepts(&schema, json!(1)), Some(false));
    assert_eq!(accepts(&schema, json!(1.5)), Some(true));
    // The same bound spelled the 2020-12 way compares equal.
    let modern = json!({"type": "number", "exclusiveMinimum": 1});
    let report = run(&schema, &modern);
    assert!(report.findings.is_empty(), "{:#?}", report.findings);
}

#[test]
fn pattern_properties_and_additional_properties_work_together() {
    let schema = json!({"type": "object", "properties": {"id": {"type": "integer"}},
        "patternProperties": {"^x-": {"type": "string"}}, "additionalProperties": false});
    assert_eq!(accepts(&schema, json!({"id": 1, "x-a": "s"})), Some(true));
    assert_eq!(accepts(&schema, json!({"x-a": 1})), Some(false));
    assert_eq!(accepts(&schema, json!({"other": 1})), Some(false));
}

/// A break is reported as shown only when the `jsonschema` crate, reading the original files,
/// agrees with the witness. Here NEW names a remote document, which neither validator reads:
/// the witness found by the model cannot be proven, so the verdict is undecided.
#[test]
fn a_witness_the_original_schemas_cannot_confirm_is_undecided() {
    let old = json!({"type": "object", "properties": {
        "a": {"$ref": "https://example.com/remote.json"}, "b": {"type": "string"}}});
    let mut new = old.clone();
    new["properties"]["b"] = json!({"type": "integer"});
    let report = run(&old, &new);
    assert_eq!(
        report.backward,
        Verdict::Undecided,
        "{:#?}",
        report.findings
    );
    let finding = report
        .findings
        .iter()
        .find(|f| f.backward == Verdict::Undecided)
        .unwrap();
    assert!(finding.witnesses.is_empty(), "{finding:#?}");
    assert!(
        finding.message.contains("jsonschema"),
        "{}",
        finding.message
    );
    // Without the remote reference the same change is a proven break.
    let local = |b: Value| json!({"type": "object", "properties": {"b": b}});
    let report = run(
        &local(json!({"type": "string"})),
        &local(json!({"type": "integer"})),
    );
    assert_eq!(report.backward, Verdict::Breaking, "{:#?}", report.findings);
}
