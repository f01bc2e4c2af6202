//! rustc-style diagnostics (codespan-reporting): a label on the changed node in NEW and in OLD,
//! the verdict per direction, the document path, and the witness.

use codespan_reporting::diagnostic::{Diagnostic, Label};
use codespan_reporting::term::{self, Config};
use docver_check::{Direction, Finding};
use termcolor::WriteColor;

use super::excerpt::Excerpts;
use super::{Comparison, DiffOutput, Severity, budget_warning_text, document_path, schema_pointer};
use crate::input::SchemaFile;

/// Renders every comparison and a summary line per comparison.
pub fn render(output: &DiffOutput<'_>, out: &mut dyn WriteColor) -> std::io::Result<()> {
    let config = Config::default();
    for file in output.files {
        for warning in &file.schema.warnings {
            let (line, column) = file.line_col(warning.span.start);
            writeln!(
                out,
                "warning: {}:{line}:{column}: {}",
                file.name, warning.message
            )?;
        }
    }
    for comparison in &output.comparisons {
        for finding in &comparison.report.findings {
            // Only the labelled lines, cut around the label where long: printing whole lines
            // of a minified file would print the file once per finding.
            let mut excerpts = Excerpts::default();
            let diagnostic = diagnostic(output, comparison, finding, &mut excerpts);
            term::emit_to_write_style(out, &config, &excerpts, &diagnostic)
                .map_err(std::io::Error::other)?;
        }
        budget_warnings(comparison, out)?;
        summary(output, comparison, out)?;
    }
    Ok(())
}

fn diagnostic<'a>(
    output: &DiffOutput<'_>,
    comparison: &Comparison<'a>,
    finding: &Finding,
    excerpts: &mut Excerpts<'a>,
) -> Diagnostic<usize> {
    let severity = output.severity(finding);
    let verdicts = format!(
        "backward: {}, forward: {}",
        finding.backward.label(),
        finding.forward.label()
    );
    let mut labels = Vec::new();
    if let Some(new) = &finding.new {
        let span = new.label_span(&comparison.new.text);
        let (new_id, span) = excerpts.add(comparison.new, span);
        labels.push(Label::primary(new_id, span).with_message(verdicts.clone()));
    }
    if let Some(old) = &finding.old {
        let span = old.label_span(&comparison.old.text);
        let (old_id, span) = excerpts.add(comparison.old, span);
        let label = if finding.new.is_some() {
            Label::secondary(old_id, span).with_message("before")
        } else {
            Label::primary(old_id, span).with_message(verdicts.clone())
        };
        labels.push(label);
    }
    let mut notes = vec![format!(
        "at {} in documents, {} in the schema",
        document_path(&finding.instance_path),
        schema_pointer(&finding.pointer)
    )];
    for direction in Direction::ALL {
        if let Some(w) = finding.witness(direction) {
            let (valid, reader) = match direction {
                Direction::Backward => ("OLD", "a NEW reader"),
                Direction::Forward => ("NEW", "an OLD reader"),
            };
            notes.push(format!(
                "{} witness: {} is valid under {valid} and rejected by {reader}",
                direction.as_str(),
                serde_json::to_string(&w.document).unwrap_or_default()
            ));
        }
    }
    if output.is_accepted(finding) {
        notes.push(format!(
            "accepted by the baseline ({})",
            finding.fingerprint()
        ));
    }
    let base = match severity {
        Severity::Error => Diagnostic::error(),
        Severity::Warning => Diagnostic::warning(),
        Severity::Note => Diagnostic::note(),
    };
    base.with_code(finding.rule.clone())
        .with_message(finding.message.clone())
        .with_labels(labels)
        .with_notes(notes)
}

/// One located line per budget that ran out, like the schema warnings above the diagnostics.
fn budget_warnings(comparison: &Comparison<'_>, out: &mut dyn WriteColor) -> std::io::Result<()> {
    for warning in &comparison.report.warnings {
        let place = match comparison.warning_site(warning) {
            Some((file, location)) => {
                let (line, column) = file.line_col(location.span.start);
                format!("{}:{line}:{column}: ", file.name)
            }
            None => String::new(),
        };
        writeln!(out, "warning: {place}{}", budget_warning_text(warning))?;
    }
    Ok(())
}

fn summary(
    output: &DiffOutput<'_>,
    comparison: &Comparison<'_>,
    out: &mut dyn WriteColor,
) -> std::io::Result<()> {
    let findings = &comparison.report.findings;
    let errors = findings
        .iter()
        .filter(|f| output.severity(f) == Severity::Error)
        .count();
    let label = |file: &SchemaFile| file.label();
    let verdict = |d: Direction| {
        findings
            .iter()
            .filter(|f| !output.is_accepted(f))
            .fold(docver_check::Verdict::Compatible, |v, f| {
                v.worst(f.verdict(d))
            })
            .label()
    };
    let warnings = match comparison.report.warnings.len() {
        0 => String::new(),
        1 => ", 1 budget warning".to_owned(),
        n => format!(", {n} budget warnings"),
    };
    writeln!(
        out,
        "{} → {}: backward {}, forward {} ({} change{}, {} failing in {} mode{}{warnings})",
        label(comparison.old),
        label(comparison.new),
        verdict(Direction::Backward),
        verdict(Direction::Forward),
        findings.len(),
        if findings.len() == 1 { "" } else { "s" },
        errors,
        output.mode.as_str(),
        if output.strict { ", strict" } else { "" }
    )
}
