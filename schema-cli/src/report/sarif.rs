//! SARIF 2.1.0, as GitHub code scanning accepts it: one run, the rule catalog as the driver's
//! rules, one result per finding located in NEW (or OLD when the node is gone), the other file
//! as a related location, and the finding's fingerprint as `partialFingerprints`.

use docver_check::check::budget::BudgetWarning;
use docver_check::rules::all_rules;
use docver_check::{Direction, Finding};
use serde_json::{Value, json};

use super::{Comparison, DiffOutput, Severity};
use crate::input::SchemaFile;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

fn location(file: &SchemaFile, finding_location: &docver_check::Location, message: &str) -> Value {
    let ((line, column), (end_line, end_column)) = file.region(finding_location.span);
    json!({
        "physicalLocation": {
            "artifactLocation": { "uri": file.name },
            "region": {
                "startLine": line,
                "startColumn": column,
                "endLine": end_line,
                "endColumn": end_column,
            }
        },
        "message": { "text": message },
    })
}

fn result(
    output: &DiffOutput<'_>,
    comparison: &Comparison<'_>,
    finding: &Finding,
    rule_index: usize,
) -> Value {
    let level = match output.severity(finding) {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    };
    let mut locations = Vec::new();
    let mut related = Vec::new();
    match (&finding.new, &finding.old) {
        (Some(new), old) => {
            locations.push(location(comparison.new, new, "after the change"));
            if let Some(old) = old {
                related.push(location(comparison.old, old, "before the change"));
            }
        }
        (None, Some(old)) => locations.push(location(comparison.old, old, "removed here")),
        (None, None) => {}
    }
    let witness = |d: Direction| {
        finding
            .witness(d)
            .map_or(Value::Null, |w| w.document.clone())
    };
    let mut result = json!({
        "ruleId": finding.rule,
        "ruleIndex": rule_index,
        "level": level,
        "message": {
            "text": format!(
                "{} (backward: {}, forward: {}; at {} in documents)",
                finding.message,
                finding.backward.label(),
                finding.forward.label(),
                super::document_path(&finding.instance_path)
            )
        },
        "locations": locations,
        "partialFingerprints": { "docver/v1": finding.fingerprint() },
        "properties": {
            "backward": finding.backward,
            "forward": finding.forward,
            "pointer": finding.pointer,
            "instancePath": finding.instance_path,
            "witnessBackward": witness(Direction::Backward),
            "witnessForward": witness(Direction::Forward),
        },
    });
    if !related.is_empty() {
        result["relatedLocations"] = Value::Array(related);
    }
    if output.is_accepted(finding) {
        result["suppressions"] =
            json!([{ "kind": "external", "justification": "accepted by the docver baseline" }]);
    }
    result
}

/// A budget that ran out, as a tool execution notification: it is about how far the check
/// got, not a result of its own; the finding it left undecided is a result.
fn notification(comparison: &Comparison<'_>, warning: &BudgetWarning) -> Value {
    let locations: Vec<Value> = comparison
        .warning_site(warning)
        .map(|(file, at)| location(file, at, "the change left undecided"))
        .into_iter()
        .collect();
    json!({
        "level": "warning",
        "message": { "text": format!("{} (at {})", warning.message, super::schema_pointer(&warning.pointer)) },
        "descriptor": { "id": warning.budget.id() },
        "associatedRule": { "id": warning.rule },
        "locations": locations,
        "properties": { "pointer": warning.pointer },
    })
}

pub fn to_value(output: &DiffOutput<'_>) -> Value {
    let rules: Vec<Value> = all_rules()
        .map(|info| {
            json!({
                "id": info.id,
                "name": info.id,
                "shortDescription": { "text": info.summary },
                "fullDescription": { "text": info.explanation },
                "helpUri": format!("https://example.invalid/docver/docs/rules.md#{}", info.id),
                "defaultConfiguration": { "level": if info.effect.backward == "compatible" && info.effect.forward == "compatible" { "note" } else { "error" } },
                "properties": {
                    "category": info.category,
                    "backward": info.effect.backward,
                    "forward": info.effect.forward,
                },
            })
        })
        .collect();
    let index = |id: &str| rules.iter().position(|r| r["id"] == id).unwrap_or(0);
    let results: Vec<Value> = output
        .findings()
        .map(|(c, f)| result(output, c, f, index(&f.rule)))
        .collect();
    let notifications: Vec<Value> = output
        .budget_warnings()
        .map(|(c, w)| notification(c, w))
        .collect();
    let mut sarif = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "docver",
                    "version": env!("CARGO_PKG_VERSION"),
                    "informationUri": "https://example.invalid/docver",
                    "rules": rules,
                }
            },
            "results": results,
            "columnKind": "unicodeCodePoints",
        }]
    });
    if !notifications.is_empty() {
        sarif["runs"][0]["invocations"] = json!([{
            "executionSuccessful": true,
            "toolExecutionNotifications": notifications,
        }]);
    }
    sarif
}

pub fn render(output: &DiffOutput<'_>, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &to_value(output))?;
    writeln!(out)
}
