//! Rendering diff results: rustc-style text, JSON, SARIF 2.1.0, GitHub workflow annotations,
//! and a Markdown summary. Every renderer reads the same [`DiffOutput`].

pub mod excerpt;
pub mod github;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod matrix;
pub mod sarif;
pub mod text;

use std::collections::HashSet;

use clap::ValueEnum;
use docver_check::check::budget::BudgetWarning;
use docver_check::{DiffReport, Direction, Finding, Location, Verdict};
use termcolor::{ColorChoice, NoColor, StandardStream};

use crate::input::SchemaFile;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// rustc-style diagnostics.
    Text,
    /// A stable JSON object (see docs/json-report.md).
    Json,
    /// SARIF 2.1.0 for code scanning.
    Sarif,
    /// GitHub Actions workflow annotations.
    Github,
    /// A Markdown summary table for a pull-request comment or job summary.
    Markdown,
    /// JUnit XML for CI test reports.
    Junit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}

impl Format {
    /// The name `--format` takes.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Json => "json",
            Format::Sarif => "sarif",
            Format::Github => "github",
            Format::Markdown => "markdown",
            Format::Junit => "junit",
        }
    }
}

/// Renders `output` in `format`: the one place a format is chosen.
pub fn render(
    output: &DiffOutput<'_>,
    format: Format,
    color: Color,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    match format {
        Format::Text => render_text(output, color, out),
        Format::Json => json::render(output, out),
        Format::Sarif => sarif::render(output, out),
        Format::Github => github::render(output, out),
        Format::Markdown => markdown::render(output, out),
        Format::Junit => junit::render(output, out),
    }
}

fn render_text(
    output: &DiffOutput<'_>,
    color: Color,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    use std::io::IsTerminal;
    let choice = match color {
        Color::Always => ColorChoice::Always,
        Color::Never => ColorChoice::Never,
        Color::Auto if std::env::var_os("NO_COLOR").is_some() => ColorChoice::Never,
        Color::Auto if std::io::stdout().is_terminal() => ColorChoice::Auto,
        Color::Auto => ColorChoice::Never,
    };
    if choice == ColorChoice::Never {
        text::render(output, &mut NoColor::new(out))
    } else {
        // Colour goes straight to the terminal; `out` is stdout in that case.
        let mut stream = StandardStream::stdout(choice);
        text::render(output, &mut stream)
    }
}

/// Which directions must be compatible for the check to pass.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, clap::ValueEnum, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// New readers must accept old documents.
    Backward,
    /// Old readers must accept new documents.
    Forward,
    /// Both.
    Full,
}

impl Mode {
    pub fn checks(self, direction: Direction) -> bool {
        match self {
            Mode::Backward => direction == Direction::Backward,
            Mode::Forward => direction == Direction::Forward,
            Mode::Full => true,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Backward => "backward",
            Mode::Forward => "forward",
            Mode::Full => "full",
        }
    }
}

/// How serious one finding is under the requested mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// Breaking in a direction the mode checks, and not accepted by the baseline.
    Error,
    /// Breaking, but only in a direction the mode does not check, or accepted by the baseline.
    Warning,
    /// Compatible: reported so reviewers see every change.
    Note,
}

/// One OLD → NEW comparison.
#[derive(Debug)]
pub struct Comparison<'a> {
    pub old: &'a SchemaFile,
    pub new: &'a SchemaFile,
    pub report: DiffReport,
}

impl Comparison<'_> {
    /// Where a budget warning points: its place in NEW, or in OLD when NEW has none (the same
    /// choice as for a finding).
    pub fn warning_site<'w>(
        &self,
        warning: &'w BudgetWarning,
    ) -> Option<(&SchemaFile, &'w Location)> {
        match (&warning.new, &warning.old) {
            (Some(new), _) => Some((self.new, new)),
            (None, Some(old)) => Some((self.old, old)),
            (None, None) => None,
        }
    }
}

/// Everything a renderer needs.
#[derive(Debug)]
pub struct DiffOutput<'a> {
    pub comparisons: Vec<Comparison<'a>>,
    pub mode: Mode,
    pub strict: bool,
    /// Fingerprints accepted by the baseline.
    pub accepted: HashSet<String>,
    /// Every file read, for schema warnings.
    pub files: &'a [SchemaFile],
}

impl<'a> DiffOutput<'a> {
    /// One OLD → NEW comparison with the default options, in full mode, no baseline: what the
    /// rule reference and the fixture snapshots show.
    pub fn pair(files: &'a [SchemaFile; 2]) -> Self {
        DiffOutput {
            comparisons: vec![Comparison {
                old: &files[0],
                new: &files[1],
                report: docver_check::diff(
                    &files[0].schema,
                    &files[1].schema,
                    &docver_check::DiffOptions::default(),
                ),
            }],
            mode: Mode::Full,
            strict: false,
            accepted: HashSet::new(),
            files,
        }
    }

    /// The text report without colour.
    pub fn plain_text(&self) -> std::io::Result<String> {
        let mut text = Vec::new();
        text::render(self, &mut termcolor::NoColor::new(&mut text))?;
        Ok(String::from_utf8_lossy(&text).into_owned())
    }
}

impl DiffOutput<'_> {
    pub fn is_accepted(&self, finding: &Finding) -> bool {
        self.accepted.contains(&finding.fingerprint())
    }

    pub fn severity(&self, finding: &Finding) -> Severity {
        let breaking = |d: Direction| finding.verdict(d).is_breaking();
        if Direction::ALL
            .into_iter()
            .any(|d| breaking(d) && self.mode.checks(d))
            && !self.is_accepted(finding)
        {
            Severity::Error
        } else if Direction::ALL.into_iter().any(breaking) {
            Severity::Warning
        } else {
            Severity::Note
        }
    }

    /// The worst verdict over all comparisons in one direction, ignoring accepted findings.
    pub fn verdict(&self, direction: Direction) -> Verdict {
        self.findings()
            .filter(|(_, f)| !self.is_accepted(f))
            .fold(Verdict::Compatible, |v, (_, f)| {
                v.worst(f.verdict(direction))
            })
    }

    pub fn findings(&self) -> impl Iterator<Item = (&Comparison<'_>, &Finding)> {
        self.comparisons
            .iter()
            .flat_map(|c| c.report.findings.iter().map(move |f| (c, f)))
    }

    /// Budgets that ran out, over all comparisons: each left a finding undecided.
    pub fn budget_warnings(&self) -> impl Iterator<Item = (&Comparison<'_>, &BudgetWarning)> {
        self.comparisons
            .iter()
            .flat_map(|c| c.report.warnings.iter().map(move |w| (c, w)))
    }

    pub fn error_count(&self) -> usize {
        self.findings()
            .filter(|(_, f)| self.severity(f) == Severity::Error)
            .count()
    }

    pub fn passes(&self) -> bool {
        self.error_count() == 0
    }
}

pub use docver::pointer::document_path;

/// What a budget warning says, with the place in the schema and what it means for the verdict.
pub fn budget_warning_text(warning: &BudgetWarning) -> String {
    format!(
        "{} (at {}; the change is breaking (undecided))",
        warning.message,
        schema_pointer(&warning.pointer)
    )
}

/// A schema pointer as people read it: `#` for the root, `#/properties/x` below.
pub fn schema_pointer(pointer: &str) -> String {
    format!("#{pointer}")
}
