//! A command's summary: the same counts, skipped documents and failures rendered as lines for
//! a person or as one JSON object, and the exit code that follows from them.

use serde_json::Value;

use crate::store::Conflicted;
use crate::strategy::engine::MigrationFailure;
use crate::strategy::skipped::Skipped;

/// How a command prints its summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    /// Lines for a person (failures on stderr).
    #[default]
    Text,
    /// One JSON object on stdout: the counts, `skipped` (reason, count, ids) and `failed`.
    Json,
}

/// What a command did, printed as text or JSON; the exit code follows from it.
#[derive(Debug, Default)]
pub(super) struct Summary {
    /// The first text line.
    pub(super) headline: String,
    /// Further text lines (stdout).
    pub(super) details: Vec<String>,
    /// The JSON object's fields besides `skipped`, `failed` and `exit_code`.
    pub(super) fields: serde_json::Map<String, Value>,
    pub(super) skipped: Skipped,
    /// Documents whose inputs are not all there yet (a split document's late part): retried
    /// on the next run, and the run is not done while any wait.
    pub(super) waiting: Vec<MigrationFailure>,
    pub(super) failed: Vec<MigrationFailure>,
    /// Documents with conflicting revisions nobody merged yet (CouchDB `_conflicts`): what the
    /// store says of them is undecided until they are.
    pub(super) conflicted: Vec<Conflicted>,
}

impl Summary {
    /// 0 when the work asked for was done, 1 when a document failed, was left alone for a
    /// reason that is the command's business, or has conflicting revisions nobody merged.
    fn exit_code(&self) -> i32 {
        let unfinished =
            !self.failed.is_empty() || !self.waiting.is_empty() || !self.conflicted.is_empty();
        i32::from(unfinished || self.skipped.leaves_work_undone())
    }

    pub(super) fn print(self, format: Format) -> i32 {
        self.print_to(format, &mut std::io::stdout())
    }

    /// [`Summary::print`] on stderr, for a command whose stdout is its data (`export`).
    pub(super) fn eprint(self, format: Format) -> i32 {
        self.print_to(format, &mut std::io::stderr())
    }

    /// Writes the summary to `out` (failures in text go to stderr); a closed `out` is ignored
    /// (`todo stats | head`).
    fn print_to(self, format: Format, out: &mut dyn std::io::Write) -> i32 {
        let code = self.exit_code();
        match format {
            Format::Text => {
                let _ = writeln!(out, "{}", self.headline);
                for line in self.details.iter().chain(&self.skipped.lines()) {
                    let _ = writeln!(out, "{line}");
                }
                for doc in &self.conflicted {
                    say!(
                        "conflicting revisions: {}: {} (not merged yet)",
                        doc.id,
                        doc.revisions.join(", ")
                    );
                }
                for waiting in &self.waiting {
                    eprintln!(
                        "waiting: {}: {} (retried on the next run)",
                        waiting.id, waiting.error
                    );
                }
                for failure in &self.failed {
                    eprintln!("failed: {}: {}", failure.id, failure.error);
                }
            }
            Format::Json => {
                let mut object = self.fields;
                object.insert("skipped".to_owned(), self.skipped.to_json());
                object.insert("waiting".to_owned(), failures_json(&self.waiting));
                object.insert("failed".to_owned(), failures_json(&self.failed));
                object.insert(
                    "conflicting_revisions".to_owned(),
                    conflicted_json(&self.conflicted),
                );
                object.insert("exit_code".to_owned(), Value::from(code));
                let _ = writeln!(out, "{}", Value::Object(object));
            }
        }
        code
    }
}

/// What `worker` and `sync` report alike: the changes they read and what they propagated.
pub(super) struct Propagated {
    pub(super) changes_seen: usize,
    pub(super) written: usize,
    pub(super) deleted: usize,
    pub(super) conflicts: usize,
    pub(super) waiting: Vec<MigrationFailure>,
    pub(super) failed: Vec<MigrationFailure>,
}

impl Summary {
    /// The summary of a `worker` or `sync` run.
    pub(super) fn propagated(run: Propagated) -> Summary {
        Summary {
            headline: format!(
                "{} changes, {} documents written, {} deleted, {} conflicts resolved, {} waiting for companions, {} failed",
                run.changes_seen,
                run.written,
                run.deleted,
                run.conflicts,
                run.waiting.len(),
                run.failed.len()
            ),
            fields: fields([
                ("changes", run.changes_seen.into()),
                ("written", run.written.into()),
                ("deleted", run.deleted.into()),
                ("conflicts", run.conflicts.into()),
            ]),
            waiting: run.waiting,
            failed: run.failed,
            ..Summary::default()
        }
    }
}

/// Fields of a JSON summary from `(name, value)` pairs.
pub(super) fn fields<const N: usize>(pairs: [(&str, Value); N]) -> serde_json::Map<String, Value> {
    pairs
        .into_iter()
        .map(|(name, value)| (name.to_owned(), value))
        .collect()
}

/// `[{"id": …, "revisions": [...]}]`.
pub(super) fn conflicted_json(docs: &[Conflicted]) -> Value {
    let entries = docs.iter();
    let entries = entries.map(|c| serde_json::json!({ "id": c.id, "revisions": c.revisions }));
    Value::Array(entries.collect())
}

/// `[{"id": …, "error": …}]`.
pub(super) fn failures_json(failures: &[MigrationFailure]) -> Value {
    let entries = failures.iter();
    let entries = entries.map(|f| serde_json::json!({ "id": f.id, "error": f.error }));
    Value::Array(entries.collect())
}
