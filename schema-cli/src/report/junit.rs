//! JUnit XML, for CI systems that show test reports: one test suite per comparison, one test
//! case per finding, a failure for each finding that fails the check.

use super::{DiffOutput, Severity, document_path};

/// Escaping for attribute values and text: markup characters as entities, line breaks and tabs
/// as character references (an XML parser turns a literal one in an attribute into a space),
/// and characters XML 1.0 cannot hold at all (most control characters) as U+FFFD.
fn escape(s: &str) -> String {
    let mut escaped = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&apos;"),
            '\n' => escaped.push_str("&#10;"),
            '\r' => escaped.push_str("&#13;"),
            '\t' => escaped.push_str("&#9;"),
            '\u{0}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}' => escaped.push('\u{fffd}'),
            c => escaped.push(c),
        }
    }
    escaped
}

pub fn render(output: &DiffOutput<'_>, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(out, r#"<testsuites name="docver">"#)?;
    for comparison in &output.comparisons {
        let findings = &comparison.report.findings;
        let failures = findings
            .iter()
            .filter(|f| output.severity(f) == Severity::Error)
            .count();
        writeln!(
            out,
            r#"  <testsuite name="{} → {}" tests="{}" failures="{failures}">"#,
            escape(&comparison.old.label()),
            escape(&comparison.new.label()),
            findings.len().max(1)
        )?;
        if findings.is_empty() {
            writeln!(
                out,
                r#"    <testcase name="no changes" classname="docver"/>"#
            )?;
        }
        for finding in findings {
            let name = format!(
                "{} at {}",
                finding.rule,
                document_path(&finding.instance_path)
            );
            write!(
                out,
                r#"    <testcase name="{}" classname="docver.{}">"#,
                escape(&name),
                escape(&finding.rule)
            )?;
            if output.severity(finding) == Severity::Error {
                write!(
                    out,
                    r#"<failure message="{}">backward: {}, forward: {}; {}</failure>"#,
                    escape(&finding.message),
                    finding.backward.label(),
                    finding.forward.label(),
                    escape(&comparison.new.name)
                )?;
            }
            writeln!(out, "</testcase>")?;
        }
        writeln!(out, "  </testsuite>")?;
    }
    writeln!(out, "</testsuites>")
}
