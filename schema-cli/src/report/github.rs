//! GitHub Actions workflow commands: `::error file=…,line=…::message`, one per finding.

use super::{DiffOutput, Severity};

/// Escaping for the message part of a workflow command.
fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escaping for a property value (`file=`, `title=`).
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

pub fn render(output: &DiffOutput<'_>, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    for (comparison, finding) in output.findings() {
        let command = match output.severity(finding) {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "notice",
        };
        let (file, location) = match (&finding.new, &finding.old) {
            (Some(new), _) => (comparison.new, new),
            (None, Some(old)) => (comparison.old, old),
            (None, None) => continue,
        };
        let ((line, col), (end_line, end_col)) = file.region(location.span);
        let message = format!(
            "{} (backward: {}, forward: {}; at {} in documents)",
            finding.message,
            finding.backward.label(),
            finding.forward.label(),
            super::document_path(&finding.instance_path)
        );
        writeln!(
            out,
            "::{command} file={},line={line},col={col},endLine={end_line},endColumn={end_col},title={}::{}",
            escape_property(&file.name),
            escape_property(&format!("docver {}", finding.rule)),
            escape_data(&message)
        )?;
    }
    for (comparison, warning) in output.budget_warnings() {
        let place = match comparison.warning_site(warning) {
            Some((file, location)) => {
                let ((line, col), (end_line, end_col)) = file.region(location.span);
                format!(
                    "file={},line={line},col={col},endLine={end_line},endColumn={end_col},",
                    escape_property(&file.name)
                )
            }
            None => String::new(),
        };
        writeln!(
            out,
            "::warning {place}title={}::{}",
            escape_property(&format!("docver budget {}", warning.budget.id())),
            escape_data(&super::budget_warning_text(warning))
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_what_github_would_misread() {
        assert_eq!(escape_data("50%\nnext"), "50%25%0Anext");
        assert_eq!(escape_property("a:b,c"), "a%3Ab%2Cc");
    }
}
