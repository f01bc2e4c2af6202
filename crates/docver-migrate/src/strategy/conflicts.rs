//! The conflict log of the multi-version strategies: every value two version copies of one
//! document changed differently since they last agreed, and every edit that met a delete, with
//! how it was resolved. Resolution is automatic and deterministic (see
//! [`ancestor`](super::ancestor)); the log is what makes it never silent: an operator lists it
//! (`docver conflicts`, [`list`]) and re-applies a losing value by hand if it mattered.
//!
//! The log is one `_local` document per family (`_local/docver-conflicts-<family>`), in the
//! store that holds the family's ancestors: neither replicated to clients nor in `_changes`,
//! and conflicts are rare enough for one document to hold them.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::store::{Store, StoreError};

/// One resolved conflict.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConflictRecord {
    /// The logical document (the raw uuid).
    pub id: String,
    /// Where, as a JSON pointer into the document at version [`ConflictRecord::version`]
    /// (`/main/...` the main document, `/parts/<schema>/...` a companion; `""`: the whole
    /// document, an edit that met a delete).
    pub path: String,
    /// The version whose form `path`, `kept` and `lost` are given in.
    pub version: u32,
    /// The value both sides started from (`null`: absent).
    pub base: Value,
    /// The value kept (`null`: absent or deleted).
    pub kept: Value,
    /// The value dropped (`null`: absent).
    pub lost: Value,
    /// The version copy whose edit was dropped.
    pub lost_version: u32,
    /// The rule that decided, in words.
    pub rule: String,
}

fn log_id(family: &str) -> String {
    format!("docver-conflicts-{family}")
}

/// Every conflict recorded for `family` in `store`, oldest first.
pub fn list(store: &dyn Store, family: &str) -> Result<Vec<ConflictRecord>, StoreError> {
    let Some(log) = store.get_local(&log_id(family))? else {
        return Ok(Vec::new());
    };
    let records = log
        .get("conflicts")
        .cloned()
        .unwrap_or(Value::Array(Vec::new()));
    serde_json::from_value(records).map_err(|e| StoreError::Corrupt {
        url: store.url(),
        id: Some(format!("_local/{}", log_id(family))),
        detail: format!("the conflict log cannot be read: {e}"),
    })
}

/// A document of the store with conflicting revisions nobody resolved yet (CouchDB
/// `_conflicts`): `migrate`, `sync` and `worker` merge and resolve those of their documents.
pub use crate::store::Conflicted as Unresolved;

/// Every document of `store` with conflicting revisions, in id order (none on SQLite, which
/// keeps one revision per document). Reads the store page by page.
pub fn unresolved(store: &dyn Store) -> Result<Vec<Unresolved>, StoreError> {
    let mut found = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let page = store.all_docs_page(after.as_deref(), 500)?;
        let Some(last) = page.last_id() else { break };
        after = Some(last.to_owned());
        found.extend(page.conflicted);
    }
    Ok(found)
}

/// Appends `records` to `family`'s log (a record already there is not added twice: a re-run
/// that meets the same conflict again does not grow the log).
pub(crate) fn append(
    store: &dyn Store,
    family: &str,
    records: &[ConflictRecord],
) -> Result<(), StoreError> {
    if records.is_empty() {
        return Ok(());
    }
    // Atomically, against the log as it is now: workers sharing the store append to it too.
    let mut unreadable = None;
    store.update_local(&log_id(family), &mut |current| {
        let records_now = current.and_then(|log| log.get("conflicts")).cloned();
        let mut all: Vec<ConflictRecord> =
            match serde_json::from_value(records_now.unwrap_or(Value::Array(Vec::new()))) {
                Ok(all) => all,
                Err(e) => {
                    unreadable = Some(e);
                    return None;
                }
            };
        let before = all.len();
        for record in records {
            if !all.contains(record) {
                all.push(record.clone());
            }
        }
        (all.len() != before).then(|| json!({ "conflicts": all }))
    })?;
    match unreadable {
        None => Ok(()),
        Some(e) => Err(StoreError::Corrupt {
            url: store.url(),
            id: Some(format!("_local/{}", log_id(family))),
            detail: format!("the conflict log cannot be read: {e}"),
        }),
    }
}

/// `docver conflicts`: prints `family`'s log, one conflict a line, then the documents whose
/// conflicting revisions nobody resolved yet. Exit code 0, 1 if there are unresolved ones, 2 if
/// the store cannot be read.
pub(crate) fn print_log(store: &dyn Store, family: &dyn docver::Family) -> i32 {
    let (records, open) = match list(store, family.schema_name())
        .and_then(|records| Ok((records, unresolved(store)?)))
    {
        Ok(found) => found,
        Err(e) => {
            eprintln!("error: {}", crate::store::redact_urls_in(&e.to_string()));
            return 2;
        }
    };
    let out = records
        .iter()
        .map(|c| {
            format!(
                "{} {} (at v{}): kept {}, lost {} (v{}'s edit; was {}): {}\n",
                c.id,
                if c.path.is_empty() {
                    "(document)"
                } else {
                    &c.path
                },
                c.version,
                c.kept,
                c.lost,
                c.lost_version,
                c.base,
                c.rule
            )
        })
        .collect::<String>();
    let open_lines = open
        .iter()
        .map(|u| {
            format!(
                "unresolved: {} (losing revisions {})\n",
                u.id,
                u.revisions.join(", ")
            )
        })
        .collect::<String>();
    print_stdout(&format!(
        "{out}{open_lines}{} conflicts resolved, {} documents with unresolved conflicting revisions\n",
        records.len(),
        open.len()
    ));
    i32::from(!open.is_empty())
}

/// Writes to stdout without panicking when it is closed (`docver conflicts | head`).
fn print_stdout(text: &str) {
    use std::io::Write as _;
    let _ = std::io::stdout().write_all(text.as_bytes());
}
