//! The JSON report: a stable object a bot can act on alone (documented in `docs/json-report.md`).

use docver_check::check::budget::BudgetWarning;
use docver_check::{Direction, Finding, Location, Verdict};
use serde_json::{Value, json};

use super::{Comparison, DiffOutput};
use crate::input::SchemaFile;

/// Version of the report's shape; bumped only when a field changes meaning or disappears.
pub const REPORT_VERSION: u32 = 1;

fn overall(v: Verdict) -> &'static str {
    if v.is_breaking() {
        "breaking"
    } else {
        "compatible"
    }
}

fn verdict(v: Verdict) -> &'static str {
    match v {
        Verdict::Compatible => "compatible",
        Verdict::Breaking => "breaking",
        Verdict::Undecided => "undecided",
    }
}

fn span(file: &SchemaFile, location: &Option<Location>) -> Value {
    match location {
        None => Value::Null,
        Some(l) => {
            let ((line, column), (end_line, end_column)) = file.region(l.span);
            json!({
                "pointer": l.pointer,
                "start": l.span.start,
                "end": l.span.end,
                "line": line,
                "column": column,
                "end_line": end_line,
                "end_column": end_column,
            })
        }
    }
}

fn change(output: &DiffOutput<'_>, comparison: &Comparison<'_>, finding: &Finding) -> Value {
    let category =
        docver_check::rules::rule_info(&finding.rule).map_or("", |r| r.category.as_str());
    let witness = |d: Direction| {
        finding
            .witness(d)
            .map_or(Value::Null, |w| w.document.clone())
    };
    json!({
        "rule": finding.rule,
        "category": category,
        "pointer": finding.pointer,
        "instance_path": finding.instance_path,
        "backward": verdict(finding.backward),
        "forward": verdict(finding.forward),
        "severity": match output.severity(finding) {
            super::Severity::Error => "error",
            super::Severity::Warning => "warning",
            super::Severity::Note => "note",
        },
        "message": finding.message,
        "detail": finding.detail,
        "fingerprint": finding.fingerprint(),
        "accepted": output.is_accepted(finding),
        "old_file": comparison.old.name,
        "new_file": comparison.new.name,
        "old_span": span(comparison.old, &finding.old),
        "new_span": span(comparison.new, &finding.new),
        "witness": { "backward": witness(Direction::Backward), "forward": witness(Direction::Forward) },
        // A witness may itself be the document `null`: this says whether there is one.
        "witnessed": {
            "backward": finding.witness(Direction::Backward).is_some(),
            "forward": finding.witness(Direction::Forward).is_some(),
        },
    })
}

pub fn to_value(output: &DiffOutput<'_>) -> Value {
    let mut value = header(output);
    let changes: Vec<Value> = output
        .findings()
        .map(|(c, f)| change(output, c, f))
        .collect();
    value["changes"] = Value::Array(changes);
    value
}

/// A budget that ran out, in the `warnings` array: located like a schema warning (in NEW, or
/// in OLD when the node is gone), with the budget's id and the rule of the undecided change.
fn budget_warning(comparison: &Comparison<'_>, warning: &BudgetWarning) -> Value {
    let (file, line, column) = match comparison.warning_site(warning) {
        Some((file, location)) => {
            let (line, column) = file.line_col(location.span.start);
            (
                Value::from(file.name.as_str()),
                Value::from(line),
                Value::from(column),
            )
        }
        None => (Value::Null, Value::Null, Value::Null),
    };
    json!({
        "file": file,
        "pointer": warning.pointer,
        "line": line,
        "column": column,
        "message": warning.message,
        "budget": warning.budget.id(),
        "rule": warning.rule,
        "old_file": comparison.old.name,
        "new_file": comparison.new.name,
    })
}

/// The report without its changes (an empty `changes` array in its place).
fn header(output: &DiffOutput<'_>) -> Value {
    let changes: Vec<Value> = Vec::new();
    let pairs: Vec<Value> = output
        .comparisons
        .iter()
        .map(|c| {
            json!({
                "old_file": c.old.name,
                "new_file": c.new.name,
                "old_version": c.old.version_label,
                "new_version": c.new.version_label,
                "backward": overall(c.report.backward),
                "forward": overall(c.report.forward),
                "changes": c.report.findings.len(),
            })
        })
        .collect();
    let warnings: Vec<Value> = output
        .files
        .iter()
        .flat_map(|file| {
            file.schema.warnings.iter().map(move |w| {
                let (line, column) = file.line_col(w.span.start);
                json!({"file": file.name, "pointer": w.pointer, "line": line, "column": column, "message": w.message})
            })
        })
        .chain(output.budget_warnings().map(|(c, w)| budget_warning(c, w)))
        .collect();
    let (backward, forward) = (
        output.verdict(Direction::Backward),
        output.verdict(Direction::Forward),
    );
    json!({
        "version": REPORT_VERSION,
        "mode": output.mode.as_str(),
        "strict": output.strict,
        "backward": overall(backward),
        "forward": overall(forward),
        "undecided": backward == Verdict::Undecided || forward == Verdict::Undecided,
        "passed": output.passes(),
        "changes": changes,
        "pairs": pairs,
        "warnings": warnings,
    })
}

/// Writes the report as [`to_value`] builds it, one change at a time: a large report is never
/// held in memory as one JSON tree.
pub fn render(output: &DiffOutput<'_>, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let Value::Object(header) = header(output) else {
        return Ok(());
    };
    writeln!(out, "{{")?;
    let last = header.len().saturating_sub(1);
    for (i, (key, value)) in header.iter().enumerate() {
        write!(out, "  {}: ", Value::from(key.as_str()))?;
        if key == "changes" {
            writeln!(out, "[")?;
            let mut first = true;
            for (c, f) in output.findings() {
                if !first {
                    writeln!(out, ",")?;
                }
                first = false;
                write!(out, "    ")?;
                serde_json::to_writer(&mut *out, &change(output, c, f))?;
            }
            write!(out, "\n  ]")?;
        } else {
            serde_json::to_writer(&mut *out, value)?;
        }
        writeln!(out, "{}", if i == last { "" } else { "," })?;
    }
    writeln!(out, "}}")
}
