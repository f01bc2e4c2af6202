//! `import` and `export`: documents in and out of a store as NDJSON (one JSON object a line,
//! with `_id` and, on export, `_rev`), so that operators can seed, back up and inspect stores.
//!
//! Both are resumable. `import` never overwrites: a document already stored with the same body
//! is counted as present (a re-run after a crash writes only the rest), one stored with another
//! body is named and left alone (exit 1). `export --output FILE` continues after the last
//! complete line of an existing file (a torn last line is rewritten); on stdout, `--after ID`
//! continues after that id. Every line is checked before anything is written: a bad line is
//! an error naming its line number (exit 2).

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};

use clap::Args;
use serde_json::{Map, Value};

use super::summary::{Format, Summary, fields};
use super::{fail, open_store};
use crate::store::{Doc, Store, StoreError, WriteOutcome, open_read_only};
use crate::strategy::engine::MigrationFailure;

/// Documents per bulk write (import) or page read (export).
const PAGE: usize = 500;

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// `sqlite:path.db` or `http://host:5984/db`.
    #[arg(long)]
    pub store: String,
    /// Read this NDJSON file instead of stdin.
    #[arg(long, value_name = "FILE")]
    pub input: Option<PathBuf>,
    /// Create the store if it does not exist (otherwise a missing store is an error).
    #[arg(long)]
    pub create: bool,
    /// The summary's format.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// `sqlite:path.db` or `http://host:5984/db` (opened read-only).
    #[arg(long)]
    pub store: String,
    /// Write to this file, continuing after its last complete line if it exists; the summary
    /// then goes to stdout (without it, documents go to stdout and the summary to stderr).
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Start after this document id (to continue an export to stdout).
    #[arg(long, value_name = "ID", conflicts_with = "output")]
    pub after: Option<String>,
    /// The summary's format.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

/// A progress bar on stderr with a total and an ETA (hidden when stderr is not a terminal or
/// the summary is JSON for a script).
fn progress(total: Option<u64>, format: Format, what: &str) -> indicatif::ProgressBar {
    use std::io::IsTerminal;
    if format != Format::Text || !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let (bar, template) = match total {
        Some(total) => (
            indicatif::ProgressBar::new(total),
            format!("{{bar:30}} {{pos}}/{{len}} {what} ({{per_sec}}, ETA {{eta}})"),
        ),
        None => (
            indicatif::ProgressBar::new_spinner(),
            format!("{{spinner}} {{pos}} {what} ({{per_sec}})"),
        ),
    };
    if let Ok(style) = indicatif::ProgressStyle::with_template(&template) {
        bar.set_style(style);
    }
    bar
}

/// One NDJSON line as a document to write: an object with a non-empty string `_id`; `_rev` is
/// dropped (the target store gives its own revisions); other `_` fields are refused.
fn parse_line(number: usize, line: &str) -> Result<Doc, String> {
    let at = |message: String| format!("line {number}: {message}");
    let value: Value = serde_json::from_str(line).map_err(|e| at(format!("not JSON: {e}")))?;
    let Value::Object(mut body) = value else {
        return Err(at("not a JSON object".to_owned()));
    };
    let id = match body.remove("_id") {
        Some(Value::String(id)) if !id.is_empty() && !id.starts_with("_local/") => id,
        Some(other) => {
            return Err(at(format!(
                "`_id` must be a non-empty string, not a `_local/` id; found {other}"
            )));
        }
        None => return Err(at("no `_id`".to_owned())),
    };
    body.remove("_rev");
    if let Some(key) = body.keys().find(|k| k.starts_with('_')) {
        return Err(at(format!(
            "document {id}: `{key}` is a reserved field (only `_id` and `_rev` are read)"
        )));
    }
    Ok(Doc::new(id, Value::Object(body)))
}

fn read_input(args: &ImportArgs) -> Result<String, String> {
    let mut text = String::new();
    match &args.input {
        Some(path) => std::fs::File::open(path)
            .and_then(|mut f| f.read_to_string(&mut text))
            .map_err(|e| format!("{}: cannot read: {e}", path.display()))?,
        None => std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| format!("stdin: cannot read as UTF-8 text: {e}"))?,
    };
    Ok(text)
}

/// `import`: every line checked first, then written in pages of new documents.
pub fn import(args: &ImportArgs) -> i32 {
    let text = match read_input(args) {
        Ok(text) => text,
        Err(e) => return fail(e),
    };
    let mut docs = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (index, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match parse_line(index + 1, line) {
            Ok(doc) if !seen.insert(doc.id.clone()) => {
                return fail(format!(
                    "line {}: document {} appears twice",
                    index + 1,
                    doc.id
                ));
            }
            Ok(doc) => docs.push(doc),
            Err(e) => return fail(e),
        }
    }
    let store = match open_store(&args.store, args.create) {
        Ok(store) => store,
        Err(e) => return fail(e),
    };
    match write_new(store.as_ref(), &docs, args.format) {
        Err(e) => fail(e),
        Ok(summary) => summary.print(args.format),
    }
}

fn write_new(store: &dyn Store, docs: &[Doc], format: Format) -> Result<Summary, StoreError> {
    let bar = progress(Some(docs.len() as u64), format, "documents");
    let (mut written, mut present) = (0usize, 0usize);
    let mut failed = Vec::new();
    for page in docs.chunks(PAGE) {
        let mut new = Vec::new();
        for doc in page {
            match store.get(&doc.id)? {
                None => new.push(doc.clone()),
                Some(stored) if stored.body == doc.body => present += 1,
                Some(stored) => failed.push(MigrationFailure {
                    id: doc.id.clone(),
                    error: format!(
                        "already stored with another body (revision {}); not overwritten",
                        stored.rev.unwrap_or_default()
                    ),
                }),
            }
        }
        for outcome in store.bulk_write(&new)? {
            match outcome {
                WriteOutcome::Written { .. } => written += 1,
                WriteOutcome::Conflict { id } => failed.push(MigrationFailure {
                    id,
                    error: "written concurrently by someone else; not overwritten".to_owned(),
                }),
                WriteOutcome::Rejected { id, reason } => failed.push(MigrationFailure {
                    id,
                    error: format!("refused by the store: {reason}"),
                }),
            }
        }
        bar.inc(page.len() as u64);
    }
    bar.finish_and_clear();
    Ok(Summary {
        headline: format!(
            "{} documents read, {written} written, {present} already present, {} failed",
            docs.len(),
            failed.len()
        ),
        fields: fields([
            ("read", docs.len().into()),
            ("written", written.into()),
            ("already_present", present.into()),
        ]),
        failed,
        ..Summary::default()
    })
}

/// The id of the last complete line of an export file, and the length up to its end (a torn
/// line after it is cut off before appending).
fn resume_point(path: &Path) -> Result<(Option<String>, u64), String> {
    let file = match std::fs::File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok((None, 0)),
        Err(e) => return Err(format!("{}: cannot read: {e}", path.display())),
    };
    let (mut last, mut complete) = (None, 0u64);
    let mut reader = BufReader::new(file);
    let mut line = String::new();
    let mut number = 0;
    loop {
        line.clear();
        let n = reader
            .read_line(&mut line)
            .map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
        if n == 0 || !line.ends_with('\n') {
            break;
        }
        number += 1;
        let doc = parse_line(number, line.trim_end())
            .map_err(|e| format!("{}: {e} (not an export to continue)", path.display()))?;
        last = Some(doc.id);
        complete += n as u64;
    }
    Ok((last, complete))
}

/// `export`: every live document in id order, `_id` and `_rev` first.
pub fn export(args: &ExportArgs) -> i32 {
    let (after, mut out, to_stdout): (Option<String>, Box<dyn Write>, bool) = match &args.output {
        None => (
            args.after.clone(),
            Box::new(std::io::BufWriter::new(std::io::stdout())),
            true,
        ),
        Some(path) => {
            let (after, length) = match resume_point(path) {
                Ok(point) => point,
                Err(e) => return fail(e),
            };
            let file = std::fs::OpenOptions::new()
                .create(true)
                .write(true)
                .truncate(false)
                .open(path)
                .and_then(|f| f.set_len(length).map(|()| f))
                .and_then(|mut f| {
                    std::io::Seek::seek(&mut f, std::io::SeekFrom::End(0)).map(|_| f)
                });
            match file {
                Ok(file) => (after, Box::new(std::io::BufWriter::new(file)), false),
                Err(e) => return fail(format!("{}: cannot write: {e}", path.display())),
            }
        }
    };
    let store = match open_read_only(&args.store) {
        Ok(store) => store,
        Err(e) => return fail(e),
    };
    let summary = match write_all(store.as_ref(), after, &mut out, args.format) {
        Ok(summary) => summary,
        Err(e) => return fail(e),
    };
    if let Err(e) = out.flush() {
        return fail(format!("cannot write the export: {e}"));
    }
    drop(out);
    if to_stdout {
        summary.eprint(args.format)
    } else {
        summary.print(args.format)
    }
}

fn write_all(
    store: &dyn Store,
    after: Option<String>,
    out: &mut dyn Write,
    format: Format,
) -> Result<Summary, String> {
    let total = store.doc_count().map_err(|e| e.to_string())?;
    let bar = progress(total, format, "documents");
    let resumed = after.clone();
    let mut after = after;
    let (mut exported, mut failed) = (0usize, Vec::new());
    loop {
        let page = store
            .all_docs_page(after.as_deref(), PAGE)
            .map_err(|e| e.to_string())?;
        let Some(last) = page.last_id() else { break };
        after = Some(last.to_owned());
        for doc in &page.docs {
            let mut line = Map::new();
            line.insert("_id".to_owned(), doc.id.clone().into());
            line.insert("_rev".to_owned(), doc.rev.clone().into());
            if let Value::Object(body) = &doc.body {
                line.extend(body.iter().map(|(k, v)| (k.clone(), v.clone())));
            }
            writeln!(out, "{}", Value::Object(line))
                .map_err(|e| format!("cannot write the export: {e}"))?;
            exported += 1;
        }
        failed.extend(page.unreadable.into_iter().map(|bad| MigrationFailure {
            id: bad.id,
            error: format!("cannot be read, so not exported: {}", bad.reason),
        }));
        bar.inc(page.docs.len() as u64);
    }
    bar.finish_and_clear();
    let resumed_note = resumed
        .as_deref()
        .map(|id| format!(" (after {id})"))
        .unwrap_or_default();
    Ok(Summary {
        headline: format!(
            "{exported} documents exported{resumed_note}, {} unreadable",
            failed.len()
        ),
        fields: fields([
            ("exported", exported.into()),
            ("after", resumed.into()),
            ("last_id", after.into()),
        ]),
        failed,
        ..Summary::default()
    })
}
