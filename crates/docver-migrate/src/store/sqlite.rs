//! A single-file SQLite document store with CouchDB-like semantics.
//!
//! Schema:
//!
//! - `docs(id TEXT PRIMARY KEY, rev TEXT, seq INTEGER, deleted INTEGER, body TEXT)`:
//!   one row per document at its latest revision; deletions leave tombstones.
//!   `seq` is a database-wide, strictly increasing change sequence, bumped on
//!   every write, so `changes` is `WHERE seq > since ORDER BY seq`.
//! - `local(id TEXT PRIMARY KEY, body TEXT)`: `_local` documents (checkpoints).
//!
//! Revisions are `N-<hash>`: `N` counts writes to the document and the hash is
//! the first 32 hex digits of SHA-256 over the previous revision, a deletion
//! marker and the canonical JSON (sorted keys) of the body. Two workers that
//! make the same write to the same revision therefore produce the same
//! revision, like CouchDB's deterministic revisions.
//!
//! Every `bulk_write` is one `BEGIN IMMEDIATE` transaction, so revision checks
//! are serialised across threads and processes sharing the file (WAL mode).
//! `all_docs` uses a second connection, so that a page can be read (WAL readers
//! do not block the writer) while another thread writes; each statement sees
//! every transaction committed before it started.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::thread;
use std::time::{Duration, Instant};

use docver::NumberTexts;
use rusqlite::{Connection, OpenFlags, OptionalExtension, TransactionBehavior, params};
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::{
    ChangesPage, Doc, DocsPage, FeedEntry, Store, StoreError, Unreadable, WriteOutcome, design_id,
    local_name, special_body, validate_docs,
};

/// How often a long-poll re-checks the change sequence.
const POLL_INTERVAL: Duration = Duration::from_millis(50);
/// How long a writer waits for another connection's write lock.
const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS docs (
    id      TEXT PRIMARY KEY NOT NULL,
    rev     TEXT NOT NULL,
    seq     INTEGER NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    body    TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS docs_by_seq ON docs(seq);
CREATE TABLE IF NOT EXISTS local (
    id   TEXT PRIMARY KEY NOT NULL,
    body TEXT NOT NULL
);
";

/// A document store in one SQLite file.
#[derive(Debug)]
pub struct SqliteStore {
    path: PathBuf,
    conn: Mutex<Connection>,
    /// For `all_docs`, read while `conn` writes.
    pages: Mutex<Connection>,
}

impl SqliteStore {
    /// Open the existing store at `path`: a missing file is a [`StoreError::Missing`] (a
    /// mistyped path), and no file is created.
    pub fn open_existing(path: impl AsRef<Path>) -> Result<SqliteStore, StoreError> {
        let path = path.as_ref();
        if !path.is_file() {
            return Err(StoreError::Missing {
                url: format!("sqlite:{}", path.display()),
            });
        }
        SqliteStore::open(path)
    }

    /// Open the existing store at `path` for reading only (`stats`): nothing is created or
    /// changed, not even the journal mode or the tables, so the file stays byte-identical. A
    /// missing file is a [`StoreError::Missing`]; a file without docver's tables is an error.
    pub fn open_read_only(path: impl AsRef<Path>) -> Result<SqliteStore, StoreError> {
        let path = path.as_ref().to_path_buf();
        let url = format!("sqlite:{}", path.display());
        if !path.is_file() {
            return Err(StoreError::Missing { url });
        }
        let err = |source| StoreError::Sqlite {
            url: url.clone(),
            id: None,
            source,
        };
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let open = || -> Result<Connection, StoreError> {
            let conn = Connection::open_with_flags(&path, flags).map_err(err)?;
            conn.busy_timeout(BUSY_TIMEOUT).map_err(err)?;
            Ok(conn)
        };
        let conn = open()?;
        let tables: i64 = conn
            .query_row(
                "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name IN ('docs', 'local')",
                [],
                |row| row.get(0),
            )
            .map_err(err)?;
        if tables != 2 {
            return Err(StoreError::Corrupt {
                url,
                id: None,
                detail: "not a docver store (it has no `docs` and `local` tables); a command \
                         given `--create` makes one"
                    .to_owned(),
            });
        }
        let pages = open()?;
        Ok(SqliteStore {
            path,
            conn: Mutex::new(conn),
            pages: Mutex::new(pages),
        })
    }

    /// Open (creating if missing) the store at `path`.
    pub fn open(path: impl AsRef<Path>) -> Result<SqliteStore, StoreError> {
        let path = path.as_ref().to_path_buf();
        let url = format!("sqlite:{}", path.display());
        let err = |source| StoreError::Sqlite {
            url: url.clone(),
            id: None,
            source,
        };
        let conn = Connection::open(&path).map_err(err)?;
        conn.busy_timeout(BUSY_TIMEOUT).map_err(err)?;
        let mode: String = conn
            .query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))
            .map_err(err)?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(StoreError::Corrupt {
                url,
                id: None,
                detail: format!("cannot switch to WAL journal mode (got `{mode}`)"),
            });
        }
        conn.execute_batch("PRAGMA synchronous = NORMAL;")
            .map_err(err)?;
        conn.execute_batch(SCHEMA).map_err(err)?;
        let pages = Connection::open(&path).map_err(err)?;
        pages.busy_timeout(BUSY_TIMEOUT).map_err(err)?;
        Ok(SqliteStore {
            path,
            conn: Mutex::new(conn),
            pages: Mutex::new(pages),
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn conn(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave a transaction half
        // applied (it rolls back on drop), so a poisoned lock is still usable.
        self.conn
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn sql_err(&self, id: Option<&str>) -> impl Fn(rusqlite::Error) -> StoreError + '_ {
        let id = id.map(str::to_owned);
        move |source| StoreError::Sqlite {
            url: self.url(),
            id: id.clone(),
            source,
        }
    }

    fn parse_body(&self, id: &str, text: &str) -> Result<Value, StoreError> {
        serde_json::from_str(text).map_err(|e| self.corrupt(id, &e))
    }

    fn corrupt(&self, id: &str, error: &serde_json::Error) -> StoreError {
        StoreError::Corrupt {
            url: self.url(),
            id: Some(id.to_owned()),
            detail: format!("stored body is not JSON: {error}"),
        }
    }

    fn parse_since(&self, conn: &Connection, since: &str) -> Result<i64, StoreError> {
        if since == "now" {
            return conn
                .query_row("SELECT COALESCE(MAX(seq), 0) FROM docs", [], |row| {
                    row.get(0)
                })
                .map_err(self.sql_err(None));
        }
        match since.parse::<i64>() {
            Ok(n) if n >= 0 => Ok(n),
            _ => Err(StoreError::InvalidSeq {
                url: self.url(),
                since: since.to_owned(),
                reason: "SQLite sequences are non-negative integers (or `now`)".to_owned(),
            }),
        }
    }

    fn changes_once(&self, since: i64, limit: usize) -> Result<Vec<FeedEntry>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn
            .prepare_cached(
                "SELECT id, rev, seq, deleted, body FROM docs WHERE seq > ?1 ORDER BY seq LIMIT ?2",
            )
            .map_err(self.sql_err(None))?;
        let rows = stmt
            .query_map(params![since, sql_limit(limit)], |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, i64>(2)?,
                    row.get::<_, bool>(3)?,
                    row.get::<_, String>(4)?,
                ))
            })
            .map_err(self.sql_err(None))?;
        let mut changes = Vec::new();
        for row in rows {
            let (id, rev, seq, deleted, body) = row.map_err(self.sql_err(None))?;
            // An unreadable body leaves the change without its document (see `FeedEntry::doc`).
            let doc = Doc::read(id.clone(), Some(rev.clone()), deleted, &body).ok();
            changes.push(FeedEntry {
                seq: seq.to_string(),
                doc,
                id,
                rev,
                deleted,
            });
        }
        Ok(changes)
    }

    /// Write one document inside an open transaction; `seq` is the last used sequence.
    fn write_in_tx(
        &self,
        tx: &rusqlite::Transaction<'_>,
        seq: &mut i64,
        doc: &Doc,
    ) -> Result<WriteOutcome, StoreError> {
        let err = self.sql_err(Some(&doc.id));
        let current: Option<(String, bool)> = tx
            .prepare_cached("SELECT rev, deleted FROM docs WHERE id = ?1")
            .map_err(&err)?
            .query_row([&doc.id], |row| Ok((row.get(0)?, row.get(1)?)))
            .optional()
            .map_err(&err)?;
        let rev_matches = match (&current, &doc.rev) {
            (None, None) => true,
            // Re-creating a deleted document continues its revision history.
            (Some((_, deleted)), None) => *deleted,
            (Some((current, _)), Some(given)) => current == given,
            (None, Some(_)) => false,
        };
        if !rev_matches {
            return Ok(WriteOutcome::Conflict { id: doc.id.clone() });
        }
        let previous = current.map(|(rev, _)| rev);
        let rev = next_rev(previous.as_deref(), doc.deleted, &doc.body);
        *seq += 1;
        tx.prepare_cached(
            "INSERT INTO docs (id, rev, seq, deleted, body) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT(id) DO UPDATE SET
                rev = excluded.rev, seq = excluded.seq,
                deleted = excluded.deleted, body = excluded.body",
        )
        .map_err(&err)?
        .execute(params![
            doc.id,
            rev,
            *seq,
            doc.deleted,
            canonical_json_keeping(&doc.body, &doc.numbers)
        ])
        .map_err(&err)?;
        Ok(WriteOutcome::Written {
            id: doc.id.clone(),
            rev,
        })
    }
}

fn sql_limit(limit: usize) -> i64 {
    i64::try_from(limit.max(1)).unwrap_or(i64::MAX)
}

impl Store for SqliteStore {
    fn url(&self) -> String {
        format!("sqlite:{}", self.path.display())
    }

    fn get(&self, id: &str) -> Result<Option<Doc>, StoreError> {
        let conn = self.conn();
        let row: Option<(String, bool, String)> = conn
            .prepare_cached("SELECT rev, deleted, body FROM docs WHERE id = ?1")
            .map_err(self.sql_err(Some(id)))?
            .query_row([id], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))
            .optional()
            .map_err(self.sql_err(Some(id)))?;
        match row {
            Some((rev, false, body)) => Ok(Some(
                Doc::read(id, Some(rev), false, &body).map_err(|e| self.corrupt(id, &e))?,
            )),
            Some((_, true, _)) | None => Ok(None),
        }
    }

    fn doc_count(&self) -> Result<Option<u64>, StoreError> {
        let count: i64 = self
            .conn()
            .query_row(
                "SELECT count(*) FROM docs WHERE deleted = 0 AND substr(id, 1, 8) <> '_design/'",
                [],
                |row| row.get(0),
            )
            .map_err(self.sql_err(None))?;
        Ok(u64::try_from(count).ok())
    }

    fn all_docs(&self, start_after: Option<&str>, limit: usize) -> Result<Vec<Doc>, StoreError> {
        self.all_docs_page(start_after, limit)?
            .into_docs(&self.url())
    }

    fn all_docs_page(
        &self,
        start_after: Option<&str>,
        limit: usize,
    ) -> Result<DocsPage, StoreError> {
        let rows = {
            let conn = self
                .pages
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            let mut stmt = conn
                .prepare_cached(
                    // `id > ?1` with an empty string for "from the start": an `?1 IS NULL OR`
                    // would stop SQLite from searching the primary key, and every page would
                    // scan from the first document (every id is longer than "").
                    "SELECT id, rev, body FROM docs
                     WHERE id > ?1 AND deleted = 0 AND substr(id, 1, 8) <> '_design/'
                     ORDER BY id LIMIT ?2",
                )
                .map_err(self.sql_err(None))?;
            stmt.query_map(
                params![start_after.unwrap_or(""), sql_limit(limit)],
                |row| {
                    Ok((
                        row.get::<_, String>(0)?,
                        row.get::<_, String>(1)?,
                        row.get::<_, String>(2)?,
                    ))
                },
            )
            .map_err(self.sql_err(None))?
            .collect::<Result<Vec<_>, _>>()
            .map_err(self.sql_err(None))?
        };
        // Parsed outside the lock.
        let mut page = DocsPage::default();
        for (id, rev, body) in rows {
            match Doc::read(id.clone(), Some(rev), false, &body) {
                Ok(doc) => page.docs.push(doc),
                Err(e) => page.unreadable.push(Unreadable {
                    id,
                    reason: format!("stored body is not readable JSON: {e}"),
                }),
            }
        }
        Ok(page)
    }

    fn bulk_write(&self, docs: &[Doc]) -> Result<Vec<WriteOutcome>, StoreError> {
        validate_docs(&self.url(), docs)?;
        if docs.is_empty() {
            return Ok(Vec::new());
        }
        let mut conn = self.conn();
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(self.sql_err(None))?;
        let mut seq: i64 = tx
            .query_row("SELECT COALESCE(MAX(seq), 0) FROM docs", [], |row| {
                row.get(0)
            })
            .map_err(self.sql_err(None))?;
        let mut outcomes = Vec::with_capacity(docs.len());
        for doc in docs {
            outcomes.push(self.write_in_tx(&tx, &mut seq, doc)?);
        }
        tx.commit().map_err(self.sql_err(None))?;
        Ok(outcomes)
    }

    fn changes(
        &self,
        since: &str,
        limit: usize,
        wait: Option<Duration>,
    ) -> Result<ChangesPage, StoreError> {
        let since_n = self.parse_since(&self.conn(), since)?;
        let started = Instant::now();
        loop {
            let changes = self.changes_once(since_n, limit)?;
            let remaining = wait.map_or(Duration::ZERO, |w| w.saturating_sub(started.elapsed()));
            if !changes.is_empty() || remaining.is_zero() {
                let last_seq = changes
                    .last()
                    .map_or_else(|| since_n.to_string(), |c| c.seq.clone());
                return Ok(ChangesPage { changes, last_seq });
            }
            thread::sleep(remaining.min(POLL_INTERVAL));
        }
    }

    fn get_local(&self, id: &str) -> Result<Option<Value>, StoreError> {
        let name = local_name(id);
        let conn = self.conn();
        let body: Option<String> = conn
            .prepare_cached("SELECT body FROM local WHERE id = ?1")
            .map_err(self.sql_err(Some(id)))?
            .query_row([name], |row| row.get(0))
            .optional()
            .map_err(self.sql_err(Some(id)))?;
        body.map(|body| self.parse_body(id, &body)).transpose()
    }

    fn put_local(&self, id: &str, value: &Value) -> Result<(), StoreError> {
        special_body(&self.url(), id, value, "_local document")?;
        let name = local_name(id);
        let conn = self.conn();
        conn.prepare_cached(
            "INSERT INTO local (id, body) VALUES (?1, ?2)
             ON CONFLICT(id) DO UPDATE SET body = excluded.body",
        )
        .map_err(self.sql_err(Some(id)))?
        .execute(params![name, value.to_string()])
        .map_err(self.sql_err(Some(id)))?;
        Ok(())
    }

    fn update_local(
        &self,
        id: &str,
        update: &mut dyn FnMut(Option<&Value>) -> Option<Value>,
    ) -> Result<(), StoreError> {
        let name = local_name(id);
        let mut conn = self.conn();
        // `BEGIN IMMEDIATE` takes the write lock before the read: no other connection can
        // write the document between them.
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(self.sql_err(Some(id)))?;
        let body: Option<String> = tx
            .prepare_cached("SELECT body FROM local WHERE id = ?1")
            .map_err(self.sql_err(Some(id)))?
            .query_row([name], |row| row.get(0))
            .optional()
            .map_err(self.sql_err(Some(id)))?;
        let current = body.map(|body| self.parse_body(id, &body)).transpose()?;
        let Some(value) = update(current.as_ref()) else {
            return Ok(());
        };
        special_body(&self.url(), id, &value, "_local document")?;
        tx.prepare_cached(
            "INSERT INTO local (id, body) VALUES (?1, ?2)
             ON CONFLICT(id) DO UPDATE SET body = excluded.body",
        )
        .map_err(self.sql_err(Some(id)))?
        .execute(params![name, value.to_string()])
        .map_err(self.sql_err(Some(id)))?;
        tx.commit().map_err(self.sql_err(Some(id)))
    }

    fn put_design(&self, id: &str, design: &Value) -> Result<(), StoreError> {
        let id = design_id(id);
        let body = Value::Object(special_body(&self.url(), &id, design, "design document")?);
        let current = self.get(&id)?;
        if current.as_ref().is_some_and(|doc| doc.body == body) {
            return Ok(());
        }
        let doc = Doc {
            id: id.clone(),
            rev: current.and_then(|doc| doc.rev),
            deleted: false,
            body,
            numbers: NumberTexts::default(),
        };
        match self.bulk_write(std::slice::from_ref(&doc))?.pop() {
            Some(WriteOutcome::Written { .. }) => Ok(()),
            // Someone else wrote it between our read and write: retry once on
            // the fresh revision.
            Some(WriteOutcome::Conflict { .. }) => {
                let rev = self.get(&id)?.and_then(|doc| doc.rev);
                match self.bulk_write(&[Doc { rev, ..doc }])?.pop() {
                    Some(WriteOutcome::Written { .. }) => Ok(()),
                    other => Err(design_write_failed(&self.url(), &id, other)),
                }
            }
            other => Err(design_write_failed(&self.url(), &id, other)),
        }
    }
}

fn design_write_failed(url: &str, id: &str, outcome: Option<WriteOutcome>) -> StoreError {
    StoreError::Protocol {
        url: url.to_owned(),
        id: Some(id.to_owned()),
        detail: format!("design document not written: {outcome:?}"),
    }
}

/// The revision following `previous` for a write of `body` (`deleted` marks a
/// tombstone): `N-<32 hex>`, deterministic in its inputs.
pub fn next_rev(previous: Option<&str>, deleted: bool, body: &Value) -> String {
    let generation = previous
        .and_then(|rev| rev.split_once('-'))
        .and_then(|(n, _)| n.parse::<u64>().ok())
        .unwrap_or(0)
        + 1;
    let mut hasher = Sha256::new();
    hasher.update(previous.unwrap_or("").as_bytes());
    hasher.update([0]);
    hasher.update(if deleted { &b"deleted"[..] } else { &b""[..] });
    hasher.update([0]);
    hasher.update(canonical_json(body).as_bytes());
    let hash: String = hasher.finalize()[..16]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("{generation}-{hash}")
}

/// Compact JSON with object keys sorted (recursively), independent of the
/// insertion order `serde_json`'s `preserve_order` feature keeps.
pub fn canonical_json(value: &Value) -> String {
    canonical_json_keeping(value, &NumberTexts::default())
}

/// [`canonical_json`], numbers written as read where `numbers` says so (what is stored).
pub fn canonical_json_keeping(value: &Value, numbers: &NumberTexts) -> String {
    let mut out = String::new();
    write_canonical(value, numbers, &mut String::new(), &mut out);
    out
}

/// Writes `value`, found at `pointer` (tracked only when there are number texts to look up).
fn write_canonical(value: &Value, numbers: &NumberTexts, pointer: &mut String, out: &mut String) {
    let at = pointer.len();
    match value {
        Value::Object(map) => {
            let mut entries: Vec<_> = map.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            out.push('{');
            for (i, (key, value)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(key.clone()).to_string());
                out.push(':');
                if !numbers.is_empty() {
                    pointer.push('/');
                    pointer.push_str(&docver::pointer::escape(key));
                }
                write_canonical(value, numbers, pointer, out);
                pointer.truncate(at);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                if !numbers.is_empty() {
                    pointer.push('/');
                    pointer.push_str(&i.to_string());
                }
                write_canonical(item, numbers, pointer, out);
                pointer.truncate(at);
            }
            out.push(']');
        }
        Value::Number(number) => match numbers.text_for(pointer, number) {
            Some(text) => out.push_str(text),
            None => out.push_str(&number.to_string()),
        },
        scalar => out.push_str(&scalar.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn canonical_json_sorts_keys_recursively() {
        let a = json!({"b": 1, "a": {"z": [1, {"y": 2, "x": 3}], "c": "é\"q"}});
        assert_eq!(
            canonical_json(&a),
            r#"{"a":{"c":"é\"q","z":[1,{"x":3,"y":2}]},"b":1}"#
        );
    }

    #[test]
    fn revisions_are_deterministic_and_count_generations() {
        let body = json!({"a": 1, "b": 2});
        let reordered = json!({"b": 2, "a": 1});
        let r1 = next_rev(None, false, &body);
        assert!(r1.starts_with("1-") && r1.len() == 2 + 32, "{r1}");
        assert_eq!(r1, next_rev(None, false, &reordered));
        let r2 = next_rev(Some(&r1), false, &body);
        assert!(r2.starts_with("2-"));
        assert_ne!(r1[2..], r2[2..]);
        assert_ne!(next_rev(Some(&r1), true, &body), r2);
        assert_ne!(next_rev(Some(&r1), false, &json!({"a": 2})), r2);
    }
}
