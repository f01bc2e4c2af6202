//! `docver check [PATHS…] [--against REF]`: the review-bot workflow on annotated Rust source,
//! without compiling. Every `#[versioned]` family found in the `.rs` files gets each version's
//! schema derived from source (as the derive and serde would), and every adjacent pair and
//! every pair of live versions is checked the precise way: does the newer reader accept what
//! the older writer wrote (backward), and the older reader what the newer writer writes
//! (forward). Diagnostics point into the `.rs` file. With `--against`, the same paths at a git
//! ref are read from the repository (no git binary needed) and history is checked too.

use std::collections::{BTreeMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};

use clap::Args;
use docver::Contract;
use docver_attr::Family;
use docver_check::{
    DiffOptions, DiffReport, Direction, Finding, Location, Schema, Span, Verdict, Witness, diff,
    read_schema,
};
use docver_source::schema::{Derived, version_schema};
use docver_source::{SourceFile, scan_file};

use super::diff::{Color, Format};
use crate::config::{Config, Level};
use crate::input::SchemaFile;
use crate::report::{self, Comparison, DiffOutput, Mode};
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
    /// The policy file (default: docver.toml in the current directory, if present).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Print the compatibility matrix of each family (writer version × reader version) instead.
    #[arg(long)]
    pub matrix: bool,
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
}

/// Check-level rules (about history, not about one schema change).
pub const CHECK_RULES: &[(&str, &str)] = &[
    (
        "version-edited-in-place",
        "A released version's shape changed: apps already running it read and write the old shape.",
    ),
    (
        "live-version-removed",
        "A version was removed while the policy still declares it live.",
    ),
    (
        "field-name-reused",
        "A field name was removed and later declared again with another type.",
    ),
];

fn rust_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, CliError> {
    let mut out = Vec::new();
    let mut stack: Vec<PathBuf> = if paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        paths.to_vec()
    };
    while let Some(path) = stack.pop() {
        let meta =
            std::fs::metadata(&path).map_err(|e| CliError(format!("{}: {e}", path.display())))?;
        if meta.is_dir() {
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if path != Path::new(".")
                && (name.starts_with('.') || name == "target" || name == "node_modules")
            {
                continue;
            }
            let mut entries: Vec<PathBuf> = std::fs::read_dir(&path)
                .map_err(|e| CliError(format!("{}: {e}", path.display())))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .collect();
            entries.sort();
            stack.extend(entries.into_iter().rev());
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    Ok(out)
}

fn clean(path: &Path) -> String {
    let s = path.to_string_lossy().replace('\\', "/");
    s.strip_prefix("./").map(str::to_owned).unwrap_or(s)
}

/// The families of a set of files, with every struct and enum they define.
struct Sources {
    files: Vec<SourceFile>,
    /// (file index, family)
    families: Vec<(usize, Family)>,
    items: BTreeMap<String, syn::Item>,
    errors: Vec<String>,
}

/// Type names a set of items mentions (field types, variant fields, alias targets).
fn mentioned_names(tokens: proc_macro2::TokenStream, out: &mut HashSet<String>) {
    for tree in tokens {
        match tree {
            proc_macro2::TokenTree::Ident(ident) => {
                out.insert(ident.to_string());
            }
            proc_macro2::TokenTree::Group(group) => mentioned_names(group.stream(), out),
            _ => {}
        }
    }
}

/// Whether `text` may define one of `names` (a cheap textual test before parsing).
fn may_define(text: &str, names: &HashSet<String>) -> bool {
    ["struct ", "enum ", "type "].iter().any(|keyword| {
        text.match_indices(keyword).any(|(at, _)| {
            let rest = &text[at + keyword.len()..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            names.contains(&name)
        })
    })
}

fn scan(files: Vec<SourceFile>) -> Sources {
    // Parsing is most of the work. Files with a family are parsed; other files only when they
    // may define a type the parsed ones mention, until nothing new is mentioned.
    let mut parsed = vec![false; files.len()];
    let mut wanted: Vec<usize> = (0..files.len())
        .filter(|i| files[*i].text.contains("versioned"))
        .collect();
    let mut families = Vec::new();
    let mut items = BTreeMap::new();
    let mut errors = Vec::new();
    let mut mentioned = HashSet::new();
    while !wanted.is_empty() {
        for i in std::mem::take(&mut wanted) {
            parsed[i] = true;
            let file = &files[i];
            match scan_file(file) {
                Ok((found, invalid, defined)) => {
                    for family in &found {
                        for field in &family.fields {
                            mentioned_names(
                                quote::ToTokens::to_token_stream(&field.ty),
                                &mut mentioned,
                            );
                        }
                    }
                    for item in defined.values() {
                        mentioned_names(quote::ToTokens::to_token_stream(item), &mut mentioned);
                    }
                    families.extend(found.into_iter().map(|f| (i, f)));
                    items.extend(defined);
                    for e in invalid {
                        let (line, column) = file.line_col(e.span.start);
                        errors.push(format!("{}:{line}:{column}: {}", file.name, e.message));
                    }
                }
                Err(e) => {
                    let (line, column) = file.line_col(e.span.start);
                    errors.push(format!("{}:{line}:{column}: {}", file.name, e.message));
                }
            }
        }
        let unresolved: HashSet<String> = mentioned
            .iter()
            .filter(|n| !items.contains_key(*n))
            .cloned()
            .collect();
        wanted = (0..files.len())
            .filter(|i| !parsed[*i] && may_define(&files[*i].text, &unresolved))
            .collect();
    }
    Sources {
        files,
        families,
        items,
        errors,
    }
}

fn derive(
    sources: &Sources,
    family: &Family,
    version: u32,
    contract: Contract,
) -> Result<(Derived, Schema), CliError> {
    let derived = version_schema(family, version, &sources.items, contract);
    let schema = read_schema(
        &format!("{} v{version}", family.schema.value()),
        &derived.schema.to_string(),
    )
    .map_err(|e| {
        CliError(format!(
            "internal: the schema derived for {} v{version} does not read: {e}",
            family.schema.value()
        ))
    })?;
    Ok((derived, schema))
}

/// Where a finding points in the `.rs` file: the field its first document-path segment names
/// in that version, or the family's name.
fn rust_location(
    file: &SourceFile,
    family: &Family,
    derived: &Derived,
    finding_location: &Option<Location>,
    instance_path: &str,
) -> Option<Location> {
    finding_location.as_ref()?;
    let first = docver::pointer::first_token(instance_path).into_owned();
    let span = match derived.fields.get(&first) {
        Some(span) => *span,
        // A property this version does not declare: the other version's declaration says it.
        None if !first.is_empty()
            && first != family.schema_field
            && first != family.version_field =>
        {
            return None;
        }
        None => family.ident.span(),
    };
    Some(Location {
        pointer: finding_location
            .as_ref()
            .map(|l| l.pointer.clone())
            .unwrap_or_default(),
        span: file.span(span),
        key_span: None,
    })
}

/// Backward from writer(old) → reader(new), forward from reader(old) → writer(new), merged.
fn precise_diff(old: (&Schema, &Schema), new: (&Schema, &Schema)) -> DiffReport {
    let options = DiffOptions::default();
    let (old_reader, old_writer) = old;
    let (new_reader, new_writer) = new;
    let backward = diff(old_writer, new_reader, &options);
    let forward = diff(old_reader, new_writer, &options);
    let mut warnings = backward.warnings;
    warnings.extend(forward.warnings);
    let mut merged: Vec<Finding> = Vec::new();
    for mut f in backward.findings {
        f.forward = Verdict::Compatible;
        f.witnesses.retain(|w| w.direction == Direction::Backward);
        merged.push(f);
    }
    // From the forward check only what breaks forward: its compatible notes repeat the
    // backward check's in the writer's terms.
    for f in forward
        .findings
        .into_iter()
        .filter(|f| f.forward.is_breaking())
    {
        match merged
            .iter_mut()
            .find(|m| m.rule == f.rule && m.pointer == f.pointer && m.detail == f.detail)
        {
            Some(m) => {
                m.forward = f.forward;
                m.witnesses.extend(
                    f.witnesses
                        .into_iter()
                        .filter(|w: &Witness| w.direction == Direction::Forward),
                );
            }
            None => {
                let mut f = f;
                f.backward = Verdict::Compatible;
                f.witnesses.retain(|w| w.direction == Direction::Forward);
                merged.push(f);
            }
        }
    }
    let worst = |d: Direction| {
        merged
            .iter()
            .fold(Verdict::Compatible, |v, f| v.worst(f.verdict(d)))
    };
    DiffReport {
        backward: worst(Direction::Backward),
        forward: worst(Direction::Forward),
        findings: merged,
        warnings,
    }
}

fn read_at_ref(reference: &str, paths: &[PathBuf]) -> Result<Vec<SourceFile>, CliError> {
    let repo = gix::discover(".")
        .map_err(|e| CliError(format!("--against: not in a git repository: {e}")))?;
    let workdir = repo
        .workdir()
        .map(Path::to_path_buf)
        .ok_or_else(|| CliError("--against: the repository has no work tree".into()))?;
    let id = repo
        .rev_parse_single(reference)
        .map_err(|e| CliError(format!("--against: cannot resolve `{reference}`: {e}")))?;
    let object = id
        .object()
        .map_err(|e| CliError(format!("--against: {e}")))?;
    let commit = object
        .peel_to_commit()
        .map_err(|e| CliError(format!("--against: `{reference}` is not a commit: {e}")))?;
    let tree = commit
        .tree()
        .map_err(|e| CliError(format!("--against: {e}")))?;
    let cwd = std::env::current_dir().map_err(|e| CliError(e.to_string()))?;
    let mut out = Vec::new();
    for path in paths {
        let absolute = cwd.join(path);
        let relative = absolute
            .strip_prefix(&workdir)
            .unwrap_or(path)
            .to_string_lossy()
            .replace('\\', "/");
        let relative = relative.strip_prefix("./").unwrap_or(&relative).to_owned();
        let entry = tree
            .lookup_entry_by_path(&relative)
            .map_err(|e| CliError(format!("--against: {relative}: {e}")))?;
        let Some(entry) = entry else { continue };
        let blob = entry
            .object()
            .map_err(|e| CliError(format!("--against: {relative}: {e}")))?;
        let text = String::from_utf8_lossy(&blob.data).into_owned();
        out.push(SourceFile::new(clean(path), text));
    }
    Ok(out)
}

pub fn run(args: &CheckArgs, out: &mut dyn Write) -> Result<i32, CliError> {
    let config = match &args.config {
        Some(path) => Config::load(path, true)?,
        None => Config::load(Path::new("docver.toml"), false)?,
    };
    let paths = rust_files(&args.paths)?;
    let mut head_files = Vec::new();
    for path in &paths {
        let text = std::fs::read_to_string(path)
            .map_err(|e| CliError(format!("{}: cannot read: {e}", path.display())))?;
        head_files.push(SourceFile::new(clean(path), text));
    }
    let head = scan(head_files);
    if !head.errors.is_empty() {
        return Err(CliError(format!(
            "the families do not validate (the derive would refuse them too):\n{}",
            head.errors.join("\n")
        )));
    }
    let base = match &args.against {
        Some(reference) => Some(scan(read_at_ref(reference, &paths)?)),
        None => None,
    };
    if args.matrix {
        return matrix(&head, args.format, out);
    }
    // Every (family, version) as a "file" the reports can point into.
    let mut files: Vec<SchemaFile> = Vec::new();
    let mut index: BTreeMap<(usize, u32), usize> = BTreeMap::new();
    let mut schemas: BTreeMap<(usize, u32), (Derived, Schema, Derived, Schema)> = BTreeMap::new();
    for (fi, (file_index, family)) in head.families.iter().enumerate() {
        let file = &head.files[*file_index];
        for version in family.version_numbers() {
            let (reader_d, reader) = derive(&head, family, version, Contract::Reader)?;
            let (writer_d, writer) = derive(&head, family, version, Contract::Writer)?;
            for (span, message) in &reader_d.warnings {
                let (line, column) = file.line_col(file.span(*span).start);
                eprintln!("warning: {}:{line}:{column}: {message}", file.name);
            }
            index.insert((fi, version), files.len());
            files.push(SchemaFile::rust_version(
                Path::new(&file.name),
                file.text.clone(),
                read_schema("empty", "{}").expect("an empty schema reads"),
                format!("{} v{version}", family.schema.value()),
            ));
            schemas.insert((fi, version), (reader_d, reader, writer_d, writer));
        }
    }
    let mut comparisons: Vec<(usize, usize, DiffReport)> = Vec::new();
    let mut warning_level = HashSet::new();
    // The pairs each family's policy asks for.
    let mut jobs: Vec<(usize, u32, u32)> = Vec::new();
    let mut lives: Vec<Vec<u32>> = Vec::new();
    for (fi, (_, family)) in head.families.iter().enumerate() {
        let policy = config
            .families
            .get(&family.schema.value())
            .cloned()
            .unwrap_or_default();
        let declared = family.version_numbers();
        let live = policy.live.clone().unwrap_or_else(|| declared.clone());
        // Versions older than the oldest live one are no longer in any store: not checked.
        let oldest = live.iter().copied().min().unwrap_or(0);
        let versions: Vec<u32> = declared.iter().copied().filter(|v| *v >= oldest).collect();
        let mut pairs: Vec<(u32, u32)> = versions.windows(2).map(|w| (w[0], w[1])).collect();
        if policy.transitive.unwrap_or(true) {
            for (i, a) in live.iter().enumerate() {
                for b in &live[i + 1..] {
                    if !pairs.contains(&(*a, *b)) && versions.contains(a) && versions.contains(b) {
                        pairs.push((*a, *b));
                    }
                }
            }
        }
        jobs.extend(pairs.into_iter().map(|(a, b)| (fi, a, b)));
        lives.push(live);
    }
    // The diffs are independent and the models are plain data: spread them over the cores.
    let models: BTreeMap<(usize, u32), (&Schema, &Schema)> = schemas
        .iter()
        .map(|(key, (_, reader, _, writer))| (*key, (reader, writer)))
        .collect();
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .max(1);
    let chunk = jobs.len().div_ceil(threads).max(1);
    let reports: Vec<DiffReport> = std::thread::scope(|scope| {
        let handles: Vec<_> = jobs
            .chunks(chunk)
            .map(|part| {
                let models = &models;
                scope.spawn(move || {
                    part.iter()
                        .map(|(fi, a, b)| precise_diff(models[&(*fi, *a)], models[&(*fi, *b)]))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_default())
            .collect()
    });
    for ((fi, a, b), mut report) in jobs.iter().copied().zip(reports) {
        let (file_index, family) = &head.families[fi];
        let file = &head.files[*file_index];
        let (old, new) = (&schemas[&(fi, a)], &schemas[&(fi, b)]);
        for f in &mut report.findings {
            f.old = rust_location(file, family, &old.0, &f.old, &f.instance_path);
            f.new = rust_location(file, family, &new.0, &f.new, &f.instance_path);
            f.message = format!(
                "{} (v{a} → v{b}{})",
                f.message,
                declaration(family, b, &f.instance_path)
                    .or_else(|| declaration(family, a, &f.instance_path))
                    .unwrap_or_default()
            );
        }
        comparisons.push((index[&(fi, a)], index[&(fi, b)], report));
    }
    if let Some(base) = &base {
        let past = past_types(&paths)?;
        for (fi, (_, family)) in head.families.iter().enumerate() {
            let checks = history(&head, base, fi, family, &lives[fi], &schemas, &past)?;
            if !checks.findings.is_empty() {
                let last = *family.version_numbers().last().unwrap_or(&0);
                comparisons.push((index[&(fi, last)], index[&(fi, last)], checks));
            }
        }
    }
    // Rule levels and ignores from the policy.
    for (_, new_index, report) in &mut comparisons {
        let name = files[*new_index].name.clone();
        report
            .findings
            .retain(|f| config.level(&f.rule, &name) != Level::Ignore);
        for f in &report.findings {
            if config.level(&f.rule, &name) == Level::Warning {
                warning_level.insert(f.fingerprint());
            }
        }
    }
    let mode = args.mode.unwrap_or_else(|| {
        // A single family's configured mode applies; with several, the strictest (full).
        let modes: HashSet<_> = config.families.values().filter_map(|p| p.mode).collect();
        if modes.len() == 1 {
            *modes.iter().next().unwrap_or(&Mode::Full)
        } else {
            Mode::Full
        }
    });
    let output = DiffOutput {
        comparisons: comparisons
            .into_iter()
            .map(|(o, n, report)| Comparison {
                old: &files[o],
                new: &files[n],
                report,
            })
            .collect(),
        mode,
        strict: false,
        accepted: warning_level,
        files: &[],
    };
    let written = match args.format {
        Format::Text => super::diff::render_text(&output, args.color, out),
        Format::Json => report::json::render(&output, out),
        Format::Sarif => report::sarif::render(&output, out),
        Format::Github => report::github::render(&output, out),
        Format::Markdown => report::markdown::render(&output, out),
        Format::Junit => report::junit::render(&output, out),
    };
    written.map_err(|e| CliError(format!("cannot write the report: {e}")))?;
    let code = if output.passes() {
        EXIT_OK
    } else {
        EXIT_BREAKING
    };
    // The process ends right after this: freeing thousands of syntax trees and schema models
    // one node at a time would only add to the run time.
    drop(output);
    std::mem::forget(files);
    std::mem::forget(schemas);
    std::mem::forget(head);
    std::mem::forget(base);
    Ok(code)
}

/// (family, field) → every (version, type) it was declared with in any commit reachable from
/// HEAD (bounded), for the "reserved names" lesson: a removed field's name must not come back
/// with another type while old documents may still carry it.
type PastTypes = BTreeMap<(String, String), Vec<(u32, String)>>;

/// How many commits of history `check --against` reads for field declarations.
const HISTORY_LIMIT: usize = 2000;

fn past_types(paths: &[PathBuf]) -> Result<PastTypes, CliError> {
    let err = |e: &dyn std::fmt::Display| CliError(format!("--against: reading history: {e}"));
    let repo = gix::discover(".").map_err(|e| err(&e))?;
    let workdir = repo.workdir().map(Path::to_path_buf).unwrap_or_default();
    let cwd = std::env::current_dir().map_err(|e| err(&e))?;
    let relative: Vec<String> = paths
        .iter()
        .map(|p| {
            let absolute = cwd.join(p);
            absolute
                .strip_prefix(&workdir)
                .unwrap_or(p)
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect();
    let mut out = PastTypes::new();
    let mut seen_blobs = HashSet::new();
    let Ok(head) = repo.head_commit() else {
        return Ok(out);
    };
    let walk = head.ancestors().all().map_err(|e| err(&e))?;
    for info in walk.take(HISTORY_LIMIT) {
        let info = info.map_err(|e| err(&e))?;
        let commit = repo.find_commit(info.id).map_err(|e| err(&e))?;
        let tree = commit.tree().map_err(|e| err(&e))?;
        for path in &relative {
            let Ok(Some(entry)) = tree.lookup_entry_by_path(path) else {
                continue;
            };
            if !seen_blobs.insert(entry.object_id()) {
                continue;
            }
            let Ok(blob) = entry.object() else { continue };
            let file = SourceFile::new(
                path.clone(),
                String::from_utf8_lossy(&blob.data).into_owned(),
            );
            let Ok((families, _, _)) = scan_file(&file) else {
                continue;
            };
            for family in families {
                for version in family.version_numbers() {
                    for field in family.fields_in(version) {
                        out.entry((family.schema.value(), field.name()))
                            .or_default()
                            .push((version, field.type_text()));
                    }
                }
            }
        }
    }
    Ok(out)
}

/// `, field `status` declared by `#[docver(since = 3, …)]`` for the field a document path
/// starts at, in `version`: what a reviewer looks for next to the diagnostic.
fn declaration(family: &Family, version: u32, instance_path: &str) -> Option<String> {
    let first = instance_path.trim_start_matches('/').split('/').next()?;
    let field = family
        .fields_in(version)
        .into_iter()
        .find(|f| f.name() == first)?;
    let attribute = field
        .attrs_docver
        .as_ref()
        .map(|a| format!(" declared by `{a}`"))
        .unwrap_or_default();
    Some(format!(", field `{}`{attribute}", field.name()))
}

/// Whether the step `previous → next` declares a migration: a whole `step(...)`, or a field
/// function on the boundary (`upgrade` on a field beginning at `next`, `downgrade` on one
/// ending there).
fn declares_migration(family: &Family, next: u32) -> bool {
    family.step_to(next).is_some()
        || family.fields.iter().any(|f| {
            (f.docver.upgrade.is_some() && f.docver.since.is_some_and(|s| s.value == next))
                || (f.docver.downgrade.is_some() && f.docver.until.is_some_and(|u| u.value == next))
        })
}

fn check_finding(
    rule: &str,
    message: String,
    detail: String,
    location: Option<Location>,
) -> Finding {
    Finding {
        rule: rule.to_owned(),
        pointer: String::new(),
        instance_path: String::new(),
        backward: Verdict::Breaking,
        forward: Verdict::Breaking,
        message,
        detail,
        old: None,
        new: location,
        witnesses: Vec::new(),
    }
}

/// History against the base ref: released versions edited in place, live versions removed,
/// field names reused with another type.
fn history(
    head: &Sources,
    base: &Sources,
    fi: usize,
    family: &Family,
    live: &[u32],
    schemas: &BTreeMap<(usize, u32), (Derived, Schema, Derived, Schema)>,
    past: &PastTypes,
) -> Result<DiffReport, CliError> {
    let file = &head.files[head.families[fi].0];
    let at = |span: proc_macro2::Span| {
        Some(Location {
            pointer: String::new(),
            span: file.span(span),
            key_span: None,
        })
    };
    let mut findings = Vec::new();
    let name = family.schema.value();
    let Some((_, old_family)) = base.families.iter().find(|(_, f)| f.schema.value() == name) else {
        return Ok(DiffReport {
            findings,
            backward: Verdict::Compatible,
            forward: Verdict::Compatible,
            warnings: Vec::new(),
        });
    };
    let head_versions = family.version_numbers();
    // New versions (not at the base) whose change from their predecessor breaks a reader while
    // the family declares no migration for that step.
    let base_versions = old_family.version_numbers();
    for pair in head_versions.windows(2) {
        let (previous, version) = (pair[0], pair[1]);
        if base_versions.contains(&version) || declares_migration(family, version) {
            continue;
        }
        let (old, new) = (&schemas[&(fi, previous)], &schemas[&(fi, version)]);
        let report = precise_diff((&old.1, &old.3), (&new.1, &new.3));
        for f in report
            .findings
            .iter()
            .filter(|f| f.backward.is_breaking() || f.forward.is_breaking())
        {
            let location = rust_location(
                file,
                family,
                &new.0,
                &Some(Location {
                    pointer: f.pointer.clone(),
                    span: Span::default(),
                    key_span: None,
                }),
                &f.instance_path,
            )
            .or_else(|| {
                rust_location(
                    file,
                    family,
                    &old.0,
                    &Some(Location {
                        pointer: f.pointer.clone(),
                        span: Span::default(),
                        key_span: None,
                    }),
                    &f.instance_path,
                )
            });
            findings.push(check_finding(
                "breaking-without-migration",
                format!("new version {version} of `{name}` breaks v{previous} (backward: {}, forward: {}): {} — declare a migration for the step (`upgrade`/`downgrade` or `step(to = {version}, …)`)", f.backward.label(), f.forward.label(), f.message, ),
                format!("v{version}:{}:{}:{}", f.rule, f.pointer, f.detail),
                location,
            ));
        }
    }
    for version in old_family.version_numbers() {
        if !head_versions.contains(&version) {
            if live.contains(&version) {
                findings.push(check_finding(
                    "live-version-removed",
                    format!("version {version} of `{name}` was removed while it is still live"),
                    format!("v{version}"),
                    at(family.ident.span()),
                ));
            }
            continue;
        }
        let (_, before) = derive(base, old_family, version, Contract::Reader)?;
        let after = &schemas[&(fi, version)];
        let report = diff(&before, &after.1, &DiffOptions::default());
        let real: Vec<&Finding> = report
            .findings
            .iter()
            .filter(|f| {
                !matches!(
                    f.rule.as_str(),
                    "annotation-changed" | "default-changed" | "ref-target-changed"
                )
            })
            .collect();
        for f in real {
            let location = rust_location(
                file,
                family,
                &after.0,
                &Some(Location {
                    pointer: f.pointer.clone(),
                    span: Span::default(),
                    key_span: None,
                }),
                &f.instance_path,
            );
            findings.push(check_finding(
                "version-edited-in-place",
                format!("released version {version} of `{name}` was edited in place: {} (at {}); add a new version instead", f.message, report::document_path(&f.instance_path)),
                format!("v{version}:{}:{}:{}", f.rule, f.pointer, f.detail),
                location,
            ));
        }
    }
    // A name declared again with another type after a gap, in this history or the base's.
    let mut types: BTreeMap<String, Vec<(u32, String)>> = BTreeMap::new();
    // Every declaration the family's history holds, then the base's and HEAD's.
    for ((family_name, field), declared) in past {
        if *family_name == name {
            types
                .entry(field.clone())
                .or_default()
                .extend(declared.iter().cloned());
        }
    }
    for fam in [old_family, family] {
        for version in fam.version_numbers() {
            for field in fam.fields_in(version) {
                types
                    .entry(field.name())
                    .or_default()
                    .push((version, field.type_text()));
            }
        }
    }
    for field in &family.fields {
        let Some(since) = field.docver.since.map(|s| s.value) else {
            continue;
        };
        let previous = head_versions.iter().copied().filter(|v| *v < since).max();
        let declared_just_before =
            previous.is_some_and(|p| family.field_in(p, &field.name()).is_some());
        if declared_just_before {
            continue;
        }
        let earlier = types.get(&field.name()).and_then(|t| {
            t.iter()
                .find(|(v, ty)| *v < since && *ty != field.type_text())
                .cloned()
        });
        if let Some((version, ty)) = earlier {
            findings.push(check_finding(
                "field-name-reused",
                format!("field `{}` is declared again in v{since} as `{}` after it was removed; v{version} had it as `{ty}` (old documents may still carry that)", field.name(), field.type_text()),
                format!("{}:{since}", field.name()),
                at(field.ident.span()),
            ));
        }
    }
    let breaking = if findings.is_empty() {
        Verdict::Compatible
    } else {
        Verdict::Breaking
    };
    Ok(DiffReport {
        findings,
        backward: breaking,
        forward: breaking,
        warnings: Vec::new(),
    })
}

/// Writer version × reader version: compatible, or needs an adapter (the derive generates the
/// migration chain, so no cell is left without one).
fn matrix(head: &Sources, format: Format, out: &mut dyn Write) -> Result<i32, CliError> {
    let mut all = Vec::new();
    for (_, family) in &head.families {
        let versions = family.version_numbers();
        let mut cells = Vec::new();
        for &writer in &versions {
            let mut row = Vec::new();
            for &reader in &versions {
                let cell = if writer == reader {
                    "compatible"
                } else {
                    let (_, w) = derive(head, family, writer, Contract::Writer)?;
                    let (_, r) = derive(head, family, reader, Contract::Reader)?;
                    let report = diff(&w, &r, &DiffOptions::default());
                    // diff(w, r): `backward` asks whether r's reader accepts w's documents.
                    if report.backward.is_breaking() {
                        "needs adapter"
                    } else {
                        "compatible"
                    }
                };
                row.push(cell);
            }
            cells.push(row);
        }
        all.push((family.schema.value(), versions, cells));
    }
    let io = |e: std::io::Error| CliError(format!("cannot write: {e}"));
    if format == Format::Json {
        let value: Vec<_> = all
            .iter()
            .map(|(name, versions, cells)| serde_json::json!({"family": name, "versions": versions, "writer_by_reader": cells}))
            .collect();
        serde_json::to_writer_pretty(&mut *out, &value).map_err(|e| CliError(e.to_string()))?;
        writeln!(out).map_err(io)?;
    } else {
        for (name, versions, cells) in &all {
            writeln!(
                out,
                "{name}: writer version (rows) × reader version (columns)"
            )
            .map_err(io)?;
            write!(out, "{:>8}", "").map_err(io)?;
            for v in versions {
                write!(out, " {:>14}", format!("v{v}")).map_err(io)?;
            }
            writeln!(out).map_err(io)?;
            for (v, row) in versions.iter().zip(cells) {
                write!(out, "{:>8}", format!("v{v}")).map_err(io)?;
                for cell in row {
                    write!(out, " {cell:>14}").map_err(io)?;
                }
                writeln!(out).map_err(io)?;
            }
        }
    }
    Ok(EXIT_OK)
}
