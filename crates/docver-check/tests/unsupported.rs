//! Keywords the checker does not model: a change to one is breaking (undecided) with the
//! keyword named, never a silent "compatible"; an unchanged one changes nothing.

use docver_check::{DiffOptions, DiffReport, Verdict, diff, read_schema};
use serde_json::{Value, json};

fn run(old: &Value, new: &Value) -> DiffReport {
    diff(
        &read_schema("old.json", &old.to_string()).unwrap(),
        &read_schema("new.json", &new.to_string()).unwrap(),
        &DiffOptions::default(),
    )
}

/// The one `unsupported-keyword-changed` finding, undecided both ways, at `pointer`.
fn assert_undecided(report: &DiffReport, pointer: &str, keyword: &str) {
    let finding = report
        .findings
        .iter()
        .find(|f| f.rule == "unsupported-keyword-changed")
        .unwrap_or_else(|| panic!("no unsupported-keyword-changed in {report:#?}"));
    assert_eq!(finding.backward, Verdict::Undecided);
    assert_eq!(finding.forward, Verdict::Undecided);
    assert_eq!(finding.pointer, pointer);
    assert!(
        finding.message.contains(&format!("`{keyword}`")),
        "{}",
        finding.message
    );
    assert!(report.backward.is_breaking() && report.forward.is_breaking());
}

fn object(status: Value) -> Value {
    json!({"type": "object", "properties": {"status": status}, "required": ["status"]})
}

#[test]
fn adding_not_is_undecided() {
    let old = object(json!({"type": "string"}));
    let new = object(json!({"type": "string", "not": {"const": "x"}}));
    assert_undecided(&run(&old, &new), "/properties/status", "not");
    assert_undecided(&run(&new, &old), "/properties/status", "not");
}

#[test]
fn changing_not_is_undecided_and_keeping_it_is_compatible() {
    let x = object(json!({"type": "string", "not": {"const": "x"}}));
    let y = object(json!({"type": "string", "not": {"const": "y"}}));
    assert_undecided(&run(&x, &y), "/properties/status", "not");
    let same = run(&x, &x);
    assert!(same.findings.is_empty(), "{:#?}", same.findings);
    assert_eq!(same.backward, Verdict::Compatible);
}

#[test]
fn an_embedded_id_is_resolved_so_renaming_it_changes_nothing() {
    // `$ref`s below an embedded `$id` resolve against it: the model holds what they name, so
    // renaming the resource while every reference still reaches the same schema is no change.
    let with_id = |id: &str| {
        json!({
            "type": "object",
            "properties": {"a": {"$ref": format!("{id}#/$defs/inner")}},
            "$defs": {"A": {"$id": id, "$defs": {"inner": {"type": "string"}}}}
        })
    };
    let report = run(
        &with_id("https://example.com/a.json"),
        &with_id("https://example.com/b.json"),
    );
    assert!(report.findings.is_empty(), "{:#?}", report.findings);
    // Pointing the reference elsewhere is compared like any other change.
    let mut elsewhere = with_id("https://example.com/a.json");
    elsewhere["$defs"]["A"]["$defs"]["inner"] = json!({"type": "integer"});
    let report = run(&with_id("https://example.com/a.json"), &elsewhere);
    assert!(report.backward.is_breaking(), "{:#?}", report.findings);
    // The root's `$id` only names the file.
    let root = |id: &str| json!({"$id": id, "type": "string"});
    assert!(run(&root("a.json"), &root("b.json")).findings.is_empty());
}

#[test]
fn a_one_of_that_rejects_null_is_not_a_nullable_string() {
    // `null` matches both branches, so OLD accepts strings only; NEW accepts null too.
    let old = json!({"oneOf": [{"type": ["string", "null"]}, {"type": "null"}]});
    let new = json!({"type": ["string", "null"]});
    assert_undecided(&run(&old, &new), "", "oneOf");
    // With disjoint branches it is the nullable string it reads as.
    let disjoint = json!({"oneOf": [{"type": "string"}, {"type": "null"}]});
    let report = run(&disjoint, &new);
    assert!(report.findings.is_empty(), "{:#?}", report.findings);
}
