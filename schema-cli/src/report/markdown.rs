//! A Markdown summary for a pull-request comment or `$GITHUB_STEP_SUMMARY`: GitHub shows only a
//! handful of annotations per step, so the table lists every change.

use docver_check::{Direction, Verdict};

use super::{DiffOutput, Severity, document_path};

fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

fn mark(v: Verdict) -> &'static str {
    match v {
        Verdict::Compatible => "compatible",
        Verdict::Breaking => "**breaking**",
        Verdict::Undecided => "**breaking (undecided)**",
    }
}

pub fn render(output: &DiffOutput<'_>, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let outcome = if output.passes() { "passed" } else { "failed" };
    writeln!(
        out,
        "### docver: {outcome} ({} mode{})\n",
        output.mode.as_str(),
        if output.strict { ", strict" } else { "" }
    )?;
    writeln!(
        out,
        "Backward (new apps read old documents): {}. Forward (old apps read new documents): {}.\n",
        mark(output.verdict(Direction::Backward)),
        mark(output.verdict(Direction::Forward))
    )?;
    for comparison in &output.comparisons {
        writeln!(
            out,
            "#### `{}` → `{}`\n",
            comparison.old.label(),
            comparison.new.label()
        )?;
        if comparison.report.findings.is_empty() {
            writeln!(out, "No changes.\n")?;
            continue;
        }
        writeln!(
            out,
            "| | rule | document path | backward | forward | change |"
        )?;
        writeln!(out, "|---|---|---|---|---|---|")?;
        for finding in &comparison.report.findings {
            let status = match output.severity(finding) {
                Severity::Error => "error",
                Severity::Warning if output.is_accepted(finding) => "accepted",
                Severity::Warning => "warning",
                Severity::Note => "note",
            };
            writeln!(
                out,
                "| {status} | `{}` | `{}` | {} | {} | {} |",
                finding.rule,
                cell(document_path(&finding.instance_path)),
                mark(finding.backward),
                mark(finding.forward),
                cell(&finding.message)
            )?;
        }
        writeln!(out)?;
    }
    Ok(())
}
