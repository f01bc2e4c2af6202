//! JUnit XML, for CI systems that show test reports: one test suite per comparison, one test
//! case per finding, a failure for each finding that fails the check.

use super::{DiffOutput, Severity, document_path};

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
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
