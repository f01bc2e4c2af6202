//! `docver check [PATHS…] [--against REF]`: the review-bot workflow on annotated Rust source,
//! without compiling. Every `#[versioned]` family found in the `.rs` files gets each version's
//! schema derived from source (as the derive and serde would), and every adjacent pair and
//! every pair of live versions is checked the precise way: does the newer reader accept what
//! the older writer wrote (backward), and the older reader what the newer writer writes
//! (forward). Diagnostics point into the `.rs` file. With `--against`, the same paths at a git
//! ref are read from the repository (no git binary needed) and history is checked too.
//!
//! The check is `docver_source::Check`; this command reads the policy, applies rule levels,
//! and renders.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use clap::Args;
use docver_source::{Check, Checked, Policy, SourceError, Sources};

use crate::config::Config;
use crate::input::SchemaFile;
use crate::report::{self, Color, Comparison, DiffOutput, Format, Mode};
use crate::{CliError, EXIT_BREAKING, EXIT_OK};

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Files or directories to scan for `.rs` files (default: the current directory).
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Compare with the same paths at this git ref or commit (e.g. `main`, `HEAD~1`).
    #[arg(long, value_name = "REF")]
    pub against: Option<String>,
    /// Overrides every family's mode from the config.
    #[arg(long, value_enum)]
    pub mode: Option<Mode>,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// The policy file (default: docver.toml beside the one PATH given, or in the current
    /// directory, or the nearest one above it within the repository, if present).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Print the compatibility matrix of each family (writer version × reader version) instead.
    #[arg(long)]
    pub matrix: bool,
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
}

impl From<SourceError> for CliError {
    fn from(e: SourceError) -> Self {
        CliError(e.0)
    }
}

pub fn run(args: &CheckArgs, out: &mut dyn Write) -> Result<i32, CliError> {
    let cwd = std::env::current_dir().map_err(|e| CliError(e.to_string()))?;
    let start = policy_search_start(&cwd, &args.paths);
    let found = || {
        // Shown relative to the current directory when it is below it.
        let path = start.join(Config::find(&start)?);
        Some(path.strip_prefix(&cwd).map_or(path.clone(), Path::to_path_buf))
    };
    let config = match args.config.as_deref().map(Path::to_owned).or_else(found) {
        Some(path) => Config::load(&path)?,
        None => Config::default(),
    };
    let check = Check::load(&cwd, &args.paths, args.against.as_deref())?;
    let family_names: Vec<String> = check
        .head
        .families
        .iter()
        .map(|(_, f)| f.schema.value())
        .collect();
    config.check_families(&family_names)?;
    if args.matrix {
        return matrix(&check, &config.policies(), args.format, out);
    }
    let code = with_output(&check, &config, args.mode, |output| {
        report::render(output, args.format, args.color, out)
            .map_err(|e| CliError(format!("cannot write the report: {e}")))?;
        Ok(if output.passes() {
            EXIT_OK
        } else {
            EXIT_BREAKING
        })
    })?;
    // The process ends right after this: freeing thousands of syntax trees one node at a time
    // would only add to the run time.
    std::mem::forget(check);
    Ok(code)
}

/// Where the default policy is looked for: beside the one scanned path (`docver check
/// examples/todo` follows `examples/todo/docver.toml`), else from the current directory;
/// either way up to the repository root.
fn policy_search_start(cwd: &Path, paths: &[PathBuf]) -> PathBuf {
    match paths {
        [path] => {
            let path = cwd.join(path);
            if path.is_dir() {
                path
            } else {
                path.parent().map_or_else(|| cwd.to_owned(), Path::to_owned)
            }
        }
        _ => cwd.to_owned(),
    }
}

/// Runs `check` under `config` and hands the report (findings located in the `.rs` files, rule
/// levels applied) to `render`. Derivation warnings go to stderr.
pub fn with_output<R>(
    check: &Check,
    config: &Config,
    mode: Option<Mode>,
    render: impl FnOnce(&DiffOutput<'_>) -> Result<R, CliError>,
) -> Result<R, CliError> {
    let checked = check.run(&config.policies())?;
    for warning in &checked.warnings {
        eprintln!("warning: {warning}");
    }
    // Every (family, version) as a "file" the reports can point into.
    let files: Vec<SchemaFile> = checked
        .versions
        .iter()
        .map(|v| {
            let file = &check.head.files[v.file];
            SchemaFile::rust_version(
                Path::new(&file.name),
                file.text.clone(),
                docver_check::read_schema("empty", "{}").expect("an empty schema reads"),
                v.label.clone(),
            )
        })
        .collect();
    let Checked {
        comparisons,
        models,
        ..
    } = checked;
    let mut comparisons: Vec<Comparison<'_>> = comparisons
        .into_iter()
        .map(|c| Comparison {
            old: &files[c.old],
            new: &files[c.new],
            report: c.report,
        })
        .collect();
    let accepted = config.apply_levels(&mut comparisons);
    let output = DiffOutput {
        comparisons,
        mode: mode.unwrap_or_else(|| config.mode()),
        strict: false,
        accepted,
        files: &[],
    };
    let rendered = render(&output);
    // Freeing thousands of schema models one node at a time costs more than the process has
    // left to run (a report is the last thing it makes).
    drop(output);
    std::mem::forget(files);
    std::mem::forget(models);
    rendered
}

/// `docver check new.rs --against REF` on a history rule's fixture, `old.rs` being `new.rs` at
/// REF, under the fixture's policy; `render` gets the report.
pub fn example<R>(
    info: &docver_check::RuleInfo,
    render: impl FnOnce(&DiffOutput<'_>) -> Result<R, CliError>,
) -> Result<R, CliError> {
    let sources = |text: &str| {
        Sources::scan(vec![docver_source::SourceFile::new(
            "new.rs",
            text.to_owned(),
        )])
    };
    let check = Check::from_sources(
        sources(info.example_new),
        Some(sources(info.example_old)),
        Default::default(),
    );
    let config = match info.example_policy {
        Some(text) => Config::parse(Path::new("docver.toml"), text)?,
        None => Config::default(),
    };
    with_output(&check, &config, None, render)
}

/// What `docver check` prints for a history rule's fixture (the rule reference shows it).
pub fn example_output(info: &docver_check::RuleInfo) -> Result<String, CliError> {
    example(info, |output| {
        output.plain_text().map_err(|e| CliError(e.to_string()))
    })
}

/// Writer version × reader version: compatible, migrated (lossless or lossy), or breaking.
fn matrix(
    check: &Check,
    policies: &BTreeMap<String, Policy>,
    format: Format,
    out: &mut dyn Write,
) -> Result<i32, CliError> {
    if !report::matrix::supports(format) {
        return Err(CliError(format!(
            "--matrix prints text, json or markdown; `--format {}` is for findings, and the \
             matrix has none (run without --matrix for them)",
            format.as_str()
        )));
    }
    let all = docver_source::matrix::matrix(&check.head, policies)?;
    report::matrix::render(&all, format, out)
        .map_err(|e| CliError(format!("cannot write: {e}")))?;
    Ok(EXIT_OK)
}
