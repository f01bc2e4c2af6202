//! Document stores: the [`Store`] trait, its shared types and [`open`].
//!
//! The contract follows CouchDB semantics so that a migration written against
//! one store behaves the same against the other:
//!
//! - every write names the revision it replaces (`None` = create) and is
//!   refused with [`WriteOutcome::Conflict`] when that is not the current one;
//! - writes are atomic per document — a batch may partially succeed, but a
//!   single document is never half-written;
//! - the changes feed lists each document once, at its latest revision,
//!   ordered by an opaque sequence string;
//! - `_local/` documents (checkpoints) are neither in the changes feed nor in
//!   [`Store::all_docs`], and `_design/` documents are not in `all_docs`.

use std::time::{Duration, Instant};

use docver::NumberTexts;
use serde_json::Value;

pub mod couch;
mod redact;
pub mod sqlite;

pub use couch::CouchStore;
pub use redact::{redact_url, redact_urls_in};
pub use sqlite::SqliteStore;

/// A document as stored: id, revision and the JSON body.
#[derive(Debug, Clone, PartialEq)]
pub struct Doc {
    pub id: String,
    /// The current revision when read; the revision being replaced when
    /// written (`None` = the document is new).
    pub rev: Option<String>,
    /// A tombstone. Writing a document with `deleted: true` deletes it.
    pub deleted: bool,
    /// The body without `_id`, `_rev` and `_deleted`; always a JSON object.
    pub body: Value,
    /// How the body's numbers were written where `body` would write them differently
    /// (`1e2`, integers beyond 64 bits), so that writing it back keeps them (see
    /// `docver::NumberTexts`); carried to [`Doc::updated`] revisions.
    pub numbers: NumberTexts,
}

impl Doc {
    /// A document to create.
    pub fn new(id: impl Into<String>, body: Value) -> Doc {
        Doc {
            id: id.into(),
            rev: None,
            deleted: false,
            body,
            numbers: NumberTexts::default(),
        }
    }

    /// A stored document read from its body's JSON text, numbers kept as written.
    pub fn read(
        id: impl Into<String>,
        rev: Option<String>,
        deleted: bool,
        json: &str,
    ) -> Result<Doc, serde_json::Error> {
        Ok(Doc {
            id: id.into(),
            rev,
            deleted,
            body: serde_json::from_str(json)?,
            numbers: NumberTexts::of(json),
        })
    }

    /// A new revision of `self` with `body` (derived from `self.body`, so its numbers keep
    /// their texts where unchanged), replacing `self`'s revision.
    pub fn updated(&self, body: Value) -> Doc {
        Doc {
            id: self.id.clone(),
            rev: self.rev.clone(),
            deleted: false,
            body,
            numbers: self.numbers.clone(),
        }
    }

    /// A tombstone replacing `self`'s revision.
    pub fn deletion(&self) -> Doc {
        Doc {
            id: self.id.clone(),
            rev: self.rev.clone(),
            deleted: true,
            body: Value::Object(serde_json::Map::new()),
            numbers: NumberTexts::default(),
        }
    }
}

/// The result of writing one document with [`Store::bulk_write`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WriteOutcome {
    /// Stored with the new revision `rev`.
    Written { id: String, rev: String },
    /// The given revision was not the current one (CouchDB `409 conflict`);
    /// nothing was written for this document.
    Conflict { id: String },
    /// Refused by the store, e.g. a CouchDB `validate_doc_update` function
    /// (`403 forbidden`); nothing was written for this document.
    Rejected { id: String, reason: String },
}

impl WriteOutcome {
    /// The document id this outcome is about.
    pub fn id(&self) -> &str {
        match self {
            WriteOutcome::Written { id, .. }
            | WriteOutcome::Conflict { id }
            | WriteOutcome::Rejected { id, .. } => id,
        }
    }
}

/// One entry of the changes feed: a document at its latest revision.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedEntry {
    /// Opaque sequence; pass it as `since` to continue after this change.
    pub seq: String,
    pub id: String,
    pub rev: String,
    pub deleted: bool,
    /// The document at `rev` (tombstones included, with `deleted: true`); `None` when its JSON
    /// cannot be read (see [`Unreadable`]), so that the feed goes on: [`Store::get`] then
    /// reports it as [`StoreError::Corrupt`] naming it.
    pub doc: Option<Doc>,
}

/// A stored document whose JSON this program cannot read (a lone surrogate such as `"\ud83d"`,
/// nesting deeper than serde_json's 128 levels): listed by id so that it fails alone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreadable {
    pub id: String,
    /// Why the body could not be read.
    pub reason: String,
}

/// A page of [`Store::all_docs_page`]: the readable documents and the unreadable ones, each in
/// id order, and which of them have conflicting revisions.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DocsPage {
    pub docs: Vec<Doc>,
    pub unreadable: Vec<Unreadable>,
    /// The documents of `docs` with conflicting revisions (CouchDB `_conflicts`), in id order;
    /// always empty on a store that keeps one revision per document (SQLite).
    pub conflicted: Vec<Conflicted>,
}

/// A document with conflicting revisions nobody resolved yet (CouchDB `_conflicts`: concurrent
/// edits replicated in from offline clients, e.g. a late edit of a document a transactional
/// migration rewrote meanwhile).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflicted {
    pub id: String,
    /// The losing revisions.
    pub revisions: Vec<String>,
}

impl DocsPage {
    /// The greatest id on the page (pass it as `start_after` for the next page), `None` when
    /// the page is empty.
    pub fn last_id(&self) -> Option<&str> {
        let docs = self.docs.last().map(|d| d.id.as_str());
        let unreadable = self.unreadable.last().map(|u| u.id.as_str());
        docs.max(unreadable)
    }

    /// The documents, or the first unreadable one as a [`StoreError::Corrupt`] naming its id
    /// (for [`Store::all_docs`], which has no room to list it).
    pub(crate) fn into_docs(self, url: &str) -> Result<Vec<Doc>, StoreError> {
        match self.unreadable.into_iter().next() {
            Some(bad) => Err(StoreError::Corrupt {
                url: url.to_owned(),
                id: Some(bad.id),
                detail: bad.reason,
            }),
            None => Ok(self.docs),
        }
    }
}

/// A page of the changes feed.
#[derive(Debug, Clone, PartialEq)]
pub struct ChangesPage {
    pub changes: Vec<FeedEntry>,
    /// Pass as `since` to get the next page.
    pub last_seq: String,
}

/// A document store. Object safe; use `Box<dyn Store>` from [`open`].
///
/// `Sync`: one thread may read (the transactional migration reads its next page while the
/// current one is written) while another writes; each store keeps its own guarantees (SQLite
/// serialises on its connection, CouchDB uses a second pooled connection).
pub trait Store: Send + Sync {
    /// The store's URL (credentials redacted).
    fn url(&self) -> String;

    /// The current revision of `id`, or `None` if it does not exist or is deleted.
    fn get(&self, id: &str) -> Result<Option<Doc>, StoreError>;

    /// Up to `limit` live documents with ids strictly after `start_after`,
    /// ordered by id, with bodies; `_design/` and `_local/` documents excluded.
    /// An unreadable document (see [`Unreadable`]) is a [`StoreError::Corrupt`] naming it; use
    /// [`Store::all_docs_page`] to read past it.
    fn all_docs(&self, start_after: Option<&str>, limit: usize) -> Result<Vec<Doc>, StoreError>;

    /// [`Store::all_docs`], with the documents whose JSON cannot be read listed apart instead of
    /// failing the page (one poisoned document must not stop a migration). Both lists count
    /// towards `limit`. The default (for wrappers) fails like `all_docs`.
    fn all_docs_page(
        &self,
        start_after: Option<&str>,
        limit: usize,
    ) -> Result<DocsPage, StoreError> {
        Ok(DocsPage {
            docs: self.all_docs(start_after, limit)?,
            ..DocsPage::default()
        })
    }

    /// Write `docs`, each replacing the revision it names (`None` = create).
    /// Returns one outcome per document, in order. A stale revision yields
    /// [`WriteOutcome::Conflict`] for that document only; the others are
    /// still written. Documents are validated up front: a malformed document
    /// (non-object body, `_id`/`_rev`/`_deleted` in the body, empty or
    /// `_local/` id) fails the whole call before anything is written.
    fn bulk_write(&self, docs: &[Doc]) -> Result<Vec<WriteOutcome>, StoreError>;

    /// Up to `limit` changes after `since` (`"0"` = from the start), each
    /// document once at its latest revision. With `wait`, long-poll: if there
    /// is nothing yet, block until something changes or `wait` elapses (then
    /// the page is empty and `last_seq` is still usable as `since`).
    fn changes(
        &self,
        since: &str,
        limit: usize,
        wait: Option<Duration>,
    ) -> Result<ChangesPage, StoreError>;

    /// A `_local` document (e.g. a checkpoint); `id` may omit the `_local/` prefix.
    fn get_local(&self, id: &str) -> Result<Option<Value>, StoreError>;

    /// Create or replace a `_local` document; `value` must be a JSON object.
    fn put_local(&self, id: &str, value: &Value) -> Result<(), StoreError>;

    /// Reads `ids` ahead, in bulk, for the [`Store::get`] and [`Store::conflicting_revisions`]
    /// calls about to follow: each later call about one of them is answered from what was read
    /// here, once (a second call asks the store again), and a write of a document forgets it.
    /// A read-ahead answer is what a read at prefetch time would have said: a document
    /// changed since is caught by the revision check of the write that follows. Replaces the
    /// previous read-ahead. The default reads nothing (an embedded store's reads are cheap).
    fn prefetch(&self, ids: &[String]) -> Result<(), StoreError> {
        let _ = ids;
        Ok(())
    }

    /// Read-modify-write of a `_local` document, atomic against every other writer of it
    /// (other processes included): `update` gets the current value and answers the new one
    /// (`None`: leave it as it is); it is called again on a fresh read when someone wrote
    /// between the read and the write. Shared records (the pending list, the conflict log)
    /// go through it, so that workers sharing a store never overwrite each other's entries.
    /// The default is not atomic (for wrappers that hold no shared state).
    fn update_local(
        &self,
        id: &str,
        update: &mut dyn FnMut(Option<&Value>) -> Option<Value>,
    ) -> Result<(), StoreError> {
        match update(self.get_local(id)?.as_ref()) {
            Some(value) => self.put_local(id, &value),
            None => Ok(()),
        }
    }

    /// Create or replace design document `_design/<name>` (`id` may be given
    /// with or without the prefix). Unchanged design documents are not rewritten.
    fn put_design(&self, id: &str, design: &Value) -> Result<(), StoreError>;

    /// The losing revisions of `id` still in conflict with its current one (CouchDB's
    /// `_conflicts`: concurrent edits replicated from offline clients), oldest first; empty if
    /// there are none or the store keeps one revision per document (SQLite). Deleting one (a
    /// [`Doc::deletion`] naming its revision) resolves it.
    fn conflicting_revisions(&self, id: &str) -> Result<Vec<Doc>, StoreError> {
        let _ = id;
        Ok(Vec::new())
    }

    /// The newest revision of `id` that revisions `a` and `b` both descend from (what two
    /// concurrent edits started from), if the store still holds its body: `None` when it was
    /// compacted away, or the store keeps one revision per document (SQLite).
    fn common_ancestor(&self, id: &str, a: &str, b: &str) -> Result<Option<Doc>, StoreError> {
        let _ = (id, a, b);
        Ok(None)
    }

    /// How many live documents [`Store::all_docs`] lists, if the store can say without reading
    /// them (for a progress bar's total; CouchDB's count includes design documents, so it is an
    /// estimate there). The default (for wrappers) does not know.
    fn doc_count(&self) -> Result<Option<u64>, StoreError> {
        Ok(None)
    }

    /// Whether reading the next page while the current one is written pays off (the
    /// transactional migration's read-ahead): yes for a server, where it hides the round trip
    /// and the client's own work behind the server's; no for an embedded store, where the
    /// reader would only compete with the writer for the same CPU (measured in
    /// docs/benchmarks-migrate.md).
    fn prefers_read_ahead(&self) -> bool {
        false
    }

    /// Follows the changes feed as one stream (CouchDB's `feed=continuous`), if the store has
    /// one: see [`follow`], which uses it when present and long-polls otherwise.
    fn follow_stream(
        &self,
        since: &str,
        on_change: &mut dyn FnMut(&FeedEntry) -> bool,
        idle_timeout: Duration,
    ) -> Option<Result<String, StoreError>> {
        let _ = (since, on_change, idle_timeout);
        None
    }
}

/// Errors from a [`Store`]. Messages name the store URL and, where relevant,
/// the document id.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    #[error(
        "unsupported store URL `{url}`: expected `sqlite:<path>` or `http://<host>:<port>/<db>`{}",
        hint_suffix(.hint)
    )]
    UnsupportedUrl { url: String, hint: Option<String> },

    #[error(
        "store `{url}` does not exist (is the URL right? to create it, pass `--create`, or \
         use `store::open`)"
    )]
    Missing { url: String },

    #[error("store `{url}` is in use: {detail}")]
    Busy { url: String, detail: String },

    #[error("invalid store URL `{url}`: {reason}")]
    InvalidUrl { url: String, reason: String },

    #[error("SQLite store `{url}`{}: {source}", doc_suffix(.id))]
    Sqlite {
        url: String,
        id: Option<String>,
        #[source]
        source: rusqlite::Error,
    },

    #[error(
        "`{url}`{} answered HTTP {status}: {}",
        doc_suffix(.id),
        couch_error(.error, .reason)
    )]
    Http {
        url: String,
        id: Option<String>,
        status: u16,
        /// CouchDB's `error` field, e.g. `not_found`.
        error: String,
        /// CouchDB's `reason` field (or the raw body if it was not JSON).
        reason: String,
    },

    // The transport error may quote the URL it was given (credentials and all).
    #[error(
        "cannot talk to `{url}`{}: {}",
        doc_suffix(.id),
        redact_urls_in(&.source.to_string())
    )]
    Transport {
        url: String,
        id: Option<String>,
        #[source]
        source: Box<ureq::Error>,
    },

    #[error(
        "response from `{url}`{} is larger than the {limit}-byte limit on one response (see \
         docver_migrate::store::couch::MAX_RESPONSE_BYTES); a smaller page (`--batch`) helps",
        doc_suffix(.id)
    )]
    TooLarge {
        url: String,
        id: Option<String>,
        /// The limit, in bytes.
        limit: u64,
    },

    #[error("unexpected response from `{url}`{}: {detail}", doc_suffix(.id))]
    Protocol {
        url: String,
        id: Option<String>,
        detail: String,
    },

    #[error("store `{url}` holds corrupt data{}: {detail}", doc_suffix(.id))]
    Corrupt {
        url: String,
        id: Option<String>,
        detail: String,
    },

    #[error("invalid document{} for store `{url}`: {reason}", doc_suffix(.id))]
    InvalidDoc {
        url: String,
        id: Option<String>,
        reason: String,
    },

    #[error("invalid change sequence `{since}` for store `{url}`: {reason}")]
    InvalidSeq {
        url: String,
        since: String,
        reason: String,
    },
}

impl StoreError {
    /// The document this error says cannot be read (its JSON is corrupt or beyond what the
    /// parser takes), if that is what it says: a failure of that document alone.
    pub fn unreadable_doc(&self) -> Option<Unreadable> {
        match self {
            StoreError::Corrupt {
                id: Some(id),
                detail,
                ..
            } => Some(Unreadable {
                id: id.clone(),
                reason: detail.clone(),
            }),
            _ => None,
        }
    }
}

fn doc_suffix(id: &Option<String>) -> String {
    match id {
        Some(id) => format!(" (document `{id}`)"),
        None => String::new(),
    }
}

fn hint_suffix(hint: &Option<String>) -> String {
    match hint {
        Some(hint) => format!(" ({hint})"),
        None => String::new(),
    }
}

/// The server's error and reason; a reply may echo a URL it was sent, so URLs are redacted.
fn couch_error(error: &str, reason: &str) -> String {
    let details = match (error.is_empty(), reason.is_empty()) {
        (true, true) => "(no error details)".to_owned(),
        (true, false) => reason.to_owned(),
        (false, true) => error.to_owned(),
        (false, false) => format!("{error}: {reason}"),
    };
    redact_urls_in(&details)
}

/// Open a store by URL: `sqlite:<path>` (file created if missing; `sqlite://`
/// followed by an absolute path also works) or `http://<host>:<port>/<db>`
/// (database created if missing; `user:password@` credentials are used for
/// basic auth).
pub fn open(url: &str) -> Result<Box<dyn Store>, StoreError> {
    open_url(url, OpenMode::Create)
}

/// [`open`] an existing store: a database or file that does not exist is a
/// [`StoreError::Missing`] (a mistyped URL must not leave an empty database behind).
pub fn open_existing(url: &str) -> Result<Box<dyn Store>, StoreError> {
    open_url(url, OpenMode::Existing)
}

/// [`open_existing`] for a command that only reads (`stats`): the store is left exactly as it
/// was (an SQLite file stays byte-identical: no tables, no journal mode set); writes fail.
pub fn open_read_only(url: &str) -> Result<Box<dyn Store>, StoreError> {
    open_url(url, OpenMode::ReadOnly)
}

/// What opening a store may do to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum OpenMode {
    Create,
    Existing,
    ReadOnly,
}

fn open_url(url: &str, mode: OpenMode) -> Result<Box<dyn Store>, StoreError> {
    if let Some(rest) = url.strip_prefix("sqlite:") {
        let path = rest.strip_prefix("//").unwrap_or(rest);
        if path.is_empty() {
            return Err(StoreError::InvalidUrl {
                url: redact_url(url),
                reason: "missing file path after `sqlite:`".to_owned(),
            });
        }
        return Ok(Box::new(match mode {
            OpenMode::Create => SqliteStore::open(path)?,
            OpenMode::Existing => SqliteStore::open_existing(path)?,
            OpenMode::ReadOnly => SqliteStore::open_read_only(path)?,
        }));
    }
    if url.starts_with("http://") {
        // Opening an existing database only reads (`GET /db`), read-only or not.
        return Ok(Box::new(match mode {
            OpenMode::Create => CouchStore::open(url)?,
            OpenMode::Existing | OpenMode::ReadOnly => CouchStore::open_existing(url)?,
        }));
    }
    let hint = if url.starts_with("https://") {
        Some("https is not supported: this build has no TLS stack; use http:// or a local TLS-terminating proxy".to_owned())
    } else if url.ends_with(".db") || url.ends_with(".sqlite") {
        Some(format!("did you mean `sqlite:{}`?", redact_url(url)))
    } else {
        None
    };
    Err(StoreError::UnsupportedUrl {
        url: redact_url(url),
        hint,
    })
}

/// How many changes [`follow`] asks for per request.
const FOLLOW_BATCH: usize = 500;

/// Follow the changes feed from `since`, calling `on_change` for every change
/// in order, long-polling for new ones. Stops when `on_change` returns `false`
/// (that change counts as handled) or when nothing changed for
/// `idle_timeout`. Returns the sequence to resume from: the seq of the last
/// handled change, or the last seen `last_seq`.
pub fn follow(
    store: &dyn Store,
    since: &str,
    mut on_change: impl FnMut(&FeedEntry) -> bool,
    idle_timeout: Duration,
) -> Result<String, StoreError> {
    if let Some(result) = store.follow_stream(since, &mut on_change, idle_timeout) {
        return result;
    }
    let mut seq = since.to_owned();
    let mut idle_since = Instant::now();
    loop {
        let remaining = idle_timeout.saturating_sub(idle_since.elapsed());
        if remaining.is_zero() {
            return Ok(seq);
        }
        let page = store.changes(&seq, FOLLOW_BATCH, Some(remaining))?;
        if page.changes.is_empty() {
            // A long-poll with nothing new may still advance `last_seq`
            // (e.g. past `_local` writes on CouchDB); it never goes backwards.
            if !page.last_seq.is_empty() {
                seq = page.last_seq;
            }
            continue;
        }
        for change in &page.changes {
            seq.clone_from(&change.seq);
            if !on_change(change) {
                return Ok(seq);
            }
        }
        seq = page.last_seq;
        idle_since = Instant::now();
    }
}

/// Reject documents the stores cannot represent faithfully, before writing.
pub(crate) fn validate_docs(url: &str, docs: &[Doc]) -> Result<(), StoreError> {
    for doc in docs {
        let invalid = |reason: String| StoreError::InvalidDoc {
            url: url.to_owned(),
            id: Some(doc.id.clone()),
            reason,
        };
        if doc.id.is_empty() {
            return Err(invalid("document id is empty".to_owned()));
        }
        if doc.id.starts_with("_local/") {
            return Err(invalid(
                "`_local/` documents are written with put_local".to_owned(),
            ));
        }
        if doc.id.starts_with('_') && !doc.id.starts_with("_design/") {
            return Err(invalid(
                "only `_design/` document ids may start with an underscore".to_owned(),
            ));
        }
        let Some(body) = doc.body.as_object() else {
            return Err(invalid(format!(
                "body must be a JSON object, got {}",
                json_kind(&doc.body)
            )));
        };
        for key in ["_id", "_rev", "_deleted"] {
            if body.contains_key(key) {
                return Err(invalid(format!(
                    "body must not contain `{key}`; use Doc::id/rev/deleted"
                )));
            }
        }
    }
    Ok(())
}

pub(crate) fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// `id` without a `_local/` prefix.
pub(crate) fn local_name(id: &str) -> &str {
    id.strip_prefix("_local/").unwrap_or(id)
}

/// `id` with a `_design/` prefix.
pub(crate) fn design_id(id: &str) -> String {
    if id.starts_with("_design/") {
        id.to_owned()
    } else {
        format!("_design/{id}")
    }
}

/// The body of a special document (`_design/…`, `_local/…`; `what` names it in the error): a
/// JSON object, without the `_id`/`_rev` the store manages.
pub(crate) fn special_body(
    url: &str,
    id: &str,
    value: &Value,
    what: &str,
) -> Result<serde_json::Map<String, Value>, StoreError> {
    let Some(body) = value.as_object() else {
        return Err(StoreError::InvalidDoc {
            url: url.to_owned(),
            id: Some(id.to_owned()),
            reason: format!("{what} must be a JSON object, got {}", json_kind(value)),
        });
    };
    let mut body = body.clone();
    body.remove("_id");
    body.remove("_rev");
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_malformed_docs_up_front() {
        let bad = [
            Doc::new("", serde_json::json!({})),
            Doc::new("_local/x", serde_json::json!({})),
            Doc::new("_weird", serde_json::json!({})),
            Doc::new("a", serde_json::json!([1])),
            Doc::new("a", serde_json::json!({"_rev": "1-x"})),
        ];
        for doc in bad {
            let err = validate_docs("sqlite:x.db", std::slice::from_ref(&doc)).unwrap_err();
            assert!(err.to_string().contains("sqlite:x.db"), "{err}");
        }
        validate_docs("u", &[Doc::new("_design/x", serde_json::json!({}))]).unwrap();
    }
}
