//! A Markdown summary for a pull-request comment or `$GITHUB_STEP_SUMMARY`: GitHub shows only a
//! handful of annotations per step, so the table lists every change.

use docver_check::{Direction, Verdict};

use super::{Comparison, DiffOutput, Severity, budget_warning_text, document_path};

/// `s` on one line: a line break would end a heading, list item or table row.
fn one_line(s: &str) -> String {
    s.replace(['\r', '\n'], " ")
}

/// `s` in a table cell, where GitHub splits cells at every unescaped `|` (in code spans too).
fn cell(s: &str) -> String {
    one_line(s).replace('|', "\\|")
}

/// `s` as literal text, on one line: every character Markdown gives an inline meaning to is
/// backslash-escaped. Messages hold names from the schema between backticks; a name with a
/// backtick of its own would close that code span early and open one that runs on, so the
/// message is shown as written (as in the text format), backticks and all.
fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in one_line(s).chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '~' | '&' | '|' | '!' | '#'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// `s` as a CommonMark code span: a backtick fence longer than any backtick run inside, and a
/// space on each side when `s` starts or ends with a backtick or a space (CommonMark strips
/// one space from each side, so the padding comes off and `s` is shown as it is).
fn code_span(s: &str) -> String {
    let longest_run = s.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest_run + 1);
    let pad = if s.starts_with(['`', ' ']) || s.ends_with(['`', ' ']) {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{s}{pad}{fence}")
}

fn mark(v: Verdict) -> &'static str {
    match v {
        Verdict::Compatible => "compatible",
        Verdict::Breaking => "**breaking**",
        Verdict::Undecided => "**breaking (undecided)**",
    }
}

/// A list of the budgets that ran out above the table (each made a change undecided).
fn budget_warnings(
    comparison: &Comparison<'_>,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let warnings = &comparison.report.warnings;
    if warnings.is_empty() {
        return Ok(());
    }
    writeln!(
        out,
        "{} budget warning{}: the check ran out of work on these changes.\n",
        warnings.len(),
        if warnings.len() == 1 { "" } else { "s" }
    )?;
    for warning in warnings {
        let place = match comparison.warning_site(warning) {
            Some((file, location)) => {
                let (line, column) = file.line_col(location.span.start);
                format!(
                    "{}: ",
                    code_span(&one_line(&format!("{}:{line}:{column}", file.name)))
                )
            }
            None => String::new(),
        };
        writeln!(
            out,
            "- warning: {place}{}",
            text(&budget_warning_text(warning))
        )?;
    }
    writeln!(out)
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
            "#### {} → {}\n",
            code_span(&one_line(&comparison.old.label())),
            code_span(&one_line(&comparison.new.label()))
        )?;
        budget_warnings(comparison, out)?;
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
                "| {status} | {} | {} | {} | {} | {} |",
                code_span(&finding.rule),
                code_span(&cell(document_path(&finding.instance_path))),
                mark(finding.backward),
                mark(finding.forward),
                text(&finding.message)
            )?;
        }
        writeln!(out)?;
    }
    Ok(())
}
