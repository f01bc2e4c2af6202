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

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};

use clap::Args;
use docver_source::{Check, Checked, Policy, SourceError, Sources};

use crate::baseline::Baseline;
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
    /// Also show the notes that carry no decision (version tags, annotations) and each change
    /// again in every transitive pair (JSON output always has everything).
    #[arg(long)]
    pub verbose: bool,
    /// Accept the findings listed in this baseline file (they no longer fail the check).
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Write every breaking finding to this baseline file, accepting them from now on.
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
}

/// How a check's report is put together (beyond the policy).
#[derive(Debug, Clone, Default)]
pub struct Presentation {
    /// Overrides every family's mode from the config.
    pub mode: Option<Mode>,
    /// Drop notes that carry no decision and repeats of a change in transitive pairs.
    pub quiet: bool,
    /// Fingerprints accepted by a baseline.
    pub baseline: HashSet<String>,
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
        Some(
            path.strip_prefix(&cwd)
                .map_or(path.clone(), Path::to_path_buf),
        )
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
    let presentation = Presentation {
        mode: args.mode,
        quiet: !args.verbose && args.format != Format::Json,
        baseline: match &args.baseline {
            Some(path) => Baseline::read(path)?
                .fingerprints()
                .into_iter()
                .map(str::to_owned)
                .collect(),
            None => HashSet::new(),
        },
    };
    let code = with_output(&check, &config, &presentation, |output| {
        if let Some(path) = &args.write_baseline {
            let breaking = output
                .findings()
                .map(|(_, f)| f)
                .filter(|f| f.backward.is_breaking() || f.forward.is_breaking());
            Baseline::from_findings(breaking).write(path)?;
        }
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
    presentation: &Presentation,
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
    let mut accepted = config.apply_levels(&mut comparisons);
    accepted.extend(presentation.baseline.iter().cloned());
    if presentation.quiet {
        quieten(&mut comparisons);
    }
    let output = DiffOutput {
        comparisons,
        mode: presentation.mode.unwrap_or_else(|| config.mode()),
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

/// The report without what carries no decision: notes about version tags and annotations, and
/// a change repeated in transitive pairs of the same family (kept once, in the first pair that
/// has it, naming the others).
fn quieten(comparisons: &mut [Comparison<'_>]) {
    let no_decision = |f: &docver_check::Finding| {
        !f.backward.is_breaking()
            && !f.forward.is_breaking()
            && (f.rule == "version-tag-changed"
                || docver_check::rules::rule_info(&f.rule).is_some_and(|r| r.annotation_only))
    };
    type Key = (String, String, String, String, String);
    let mut first: HashMap<Key, (usize, usize)> = HashMap::new();
    let mut also: BTreeMap<(usize, usize), Vec<String>> = BTreeMap::new();
    for (ci, comparison) in comparisons.iter_mut().enumerate() {
        comparison.report.findings.retain(|f| !no_decision(f));
        let label = comparison.new.version_label.as_deref().unwrap_or_default();
        let family = label.rsplit_once(" v").map_or(label, |(f, _)| f);
        let pair = format!(
            "{} → {}",
            version_of(comparison.old),
            version_of(comparison.new)
        );
        let mut kept = Vec::new();
        for f in std::mem::take(&mut comparison.report.findings) {
            let key = (
                family.to_owned(),
                f.rule.clone(),
                f.instance_path.clone(),
                f.detail.clone(),
                format!("{:?}/{:?}", f.backward, f.forward),
            );
            match first.get(&key) {
                Some(at) => also.entry(*at).or_default().push(pair.clone()),
                None => {
                    first.insert(key, (ci, kept.len()));
                    kept.push(f);
                }
            }
        }
        comparison.report.findings = kept;
    }
    for ((ci, fi), pairs) in also {
        let f = &mut comparisons[ci].report.findings[fi];
        f.message = format!("{}; also in {}", f.message, pairs.join(", "));
    }
}

/// `v3` of a version's label (`todo-item v3`).
fn version_of(file: &SchemaFile) -> &str {
    let label = file.version_label.as_deref().unwrap_or_default();
    label.rsplit_once(' ').map_or(label, |(_, v)| v)
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
    with_output(&check, &config, &Presentation::default(), render)
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
