//! `docver diff OLD NEW [MORE…]`: compare schema versions.

use std::collections::HashSet;
use std::io::Write;
use std::path::PathBuf;

use clap::Args;
use docver_check::DiffOptions;

use crate::baseline::Baseline;
use crate::input::SchemaFile;
use crate::report::{self, Color, Comparison, DiffOutput, Format, Mode};
use crate::{CliError, EXIT_BREAKING, EXIT_OK};

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// Schema files, oldest first (JSON Schema draft 2020-12 or draft-07).
    #[arg(required = true, num_args = 2.., value_name = "SCHEMA")]
    pub files: Vec<PathBuf>,
    /// Which directions must stay compatible: backward (new apps read old documents), forward
    /// (old apps read new documents), or full (both).
    #[arg(long, value_enum, default_value_t = Mode::Full)]
    pub mode: Mode,
    /// With more than two files, compare every pair, not only neighbours.
    #[arg(long)]
    pub transitive: bool,
    /// Pure instance-set inclusion instead of tolerant-reader (serde) semantics.
    #[arg(long)]
    pub strict: bool,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Top-level property holding the version tag; '' compares it like any constant.
    #[arg(long, default_value = "version", value_name = "NAME")]
    pub version_field: String,
    /// Accept the findings listed in this baseline file (they no longer fail the check).
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Write every breaking finding to this baseline file, accepting them from now on.
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
    /// Colour for text output (NO_COLOR is honoured under auto).
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
}

/// The pairs to compare: neighbours, or every pair with `transitive`.
pub fn pairs(count: usize, transitive: bool) -> Vec<(usize, usize)> {
    if transitive {
        (0..count)
            .flat_map(|i| (i + 1..count).map(move |j| (i, j)))
            .collect()
    } else {
        (1..count).map(|j| (j - 1, j)).collect()
    }
}

pub fn run(args: &DiffArgs, out: &mut dyn Write) -> Result<i32, CliError> {
    let files = args
        .files
        .iter()
        .map(|path| SchemaFile::load(path))
        .collect::<Result<Vec<_>, _>>()?;
    let accepted: HashSet<String> = match &args.baseline {
        Some(path) => Baseline::read(path)?
            .fingerprints()
            .into_iter()
            .map(str::to_owned)
            .collect(),
        None => HashSet::new(),
    };
    let options = DiffOptions {
        strict: args.strict,
        version_field: (!args.version_field.is_empty()).then(|| args.version_field.clone()),
    };
    let comparisons = pairs(files.len(), args.transitive)
        .into_iter()
        .map(|(i, j)| Comparison {
            old: &files[i],
            new: &files[j],
            report: docver_check::diff(&files[i].schema, &files[j].schema, &options),
        })
        .collect();
    let output = DiffOutput {
        comparisons,
        mode: args.mode,
        strict: args.strict,
        accepted,
        files: &files,
    };
    if let Some(path) = &args.write_baseline {
        let breaking = output
            .findings()
            .map(|(_, f)| f)
            .filter(|f| f.backward.is_breaking() || f.forward.is_breaking());
        Baseline::from_findings(breaking).write(path)?;
    }
    report::render(&output, args.format, args.color, out)
        .map_err(|e| CliError(format!("cannot write the report: {e}")))?;
    Ok(if output.passes() {
        EXIT_OK
    } else {
        EXIT_BREAKING
    })
}
