//! A CouchDB 3 (or pouchdb-server) database over plain HTTP.
//!
//! Sequences are opaque: CouchDB 3 uses strings (`"12-g1AAAA…"`),
//! pouchdb-server uses integers; both are kept as the JSON value's string
//! form and sent back verbatim as `since`.

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

use docver::NumberTexts;
use serde_json::value::RawValue;
use serde_json::{Map, Value, json};

use super::{
    ChangesPage, Conflicted, Doc, DocsPage, FeedEntry, Store, StoreError, Unreadable, WriteOutcome,
    design_id, json_kind, local_name, redact_url, special_body, validate_docs,
};

/// Timeout for ordinary requests.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(120);
/// Extra time a long-poll request gets on top of its server-side timeout
/// before the client gives up on it (see [`CouchStore::changes`]).
const LONGPOLL_GRACE: Duration = Duration::from_millis(250);
/// The most bytes read of one response (an `_all_docs`/`_changes` page with bodies, or one line
/// of a continuous feed), 256 MiB unless [`CouchStore::with_response_limit`] says otherwise: a
/// larger one is a [`StoreError::TooLarge`] once that much has been read, never buffered whole
/// (a smaller `--batch` makes pages smaller).
pub const MAX_RESPONSE_BYTES: u64 = 256 << 20;
/// Keys per `_all_docs?keys=` request of [`Store::prefetch`].
const PREFETCH_KEYS: usize = 2000;
/// Attempts at read-modify-write of `_local` and `_design` documents.
const PUT_ATTEMPTS: usize = 5;
/// Attempts at an atomic read-modify-write of a shared `_local` document
/// ([`Store::update_local`]): as many as there may be workers writing it at once, and more.
const UPDATE_ATTEMPTS: usize = 32;

/// A CouchDB-compatible database.
pub struct CouchStore {
    /// `http://[user:pass@]host:port/[prefix/]db`, no trailing slash.
    db_url: String,
    agent: ureq::Agent,
    /// The revision of each `_local` document as this store last read or wrote it, so that
    /// rewriting a checkpoint is one `PUT` (a stale entry costs a 409 and a re-read).
    local_revs: std::sync::Mutex<HashMap<String, String>>,
    /// See [`MAX_RESPONSE_BYTES`].
    response_limit: u64,
    /// What [`Store::prefetch`] read that no call has used yet.
    read_ahead: std::sync::Mutex<ReadAhead>,
}

/// Documents read ahead by [`Store::prefetch`], each answered once.
#[derive(Debug, Default)]
struct ReadAhead {
    /// `None`: missing or deleted.
    docs: HashMap<String, Option<Doc>>,
    /// The conflicting revisions of each document read.
    conflicts: HashMap<String, Vec<String>>,
}

/// Shows the URL redacted: `{:?}` of a store ends up in logs.
impl std::fmt::Debug for CouchStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CouchStore")
            .field("db_url", &redact_url(&self.db_url))
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone, Copy)]
enum Method {
    Get,
    Put,
    Post,
}

#[derive(Debug)]
struct Reply {
    status: u16,
    json: Value,
}

impl CouchStore {
    /// Connect to the database at `url` (`http://host:port/db`), creating it
    /// if it does not exist.
    pub fn open(url: &str) -> Result<CouchStore, StoreError> {
        let store = CouchStore::connect(url)?;
        store.ensure_db(true)?;
        Ok(store)
    }

    /// Connect to the existing database at `url`: one that does not exist is a
    /// [`StoreError::Missing`] (a mistyped URL), and nothing is written.
    pub fn open_existing(url: &str) -> Result<CouchStore, StoreError> {
        let store = CouchStore::connect(url)?;
        store.ensure_db(false)?;
        Ok(store)
    }

    /// The store for `url`, without a request yet.
    fn connect(url: &str) -> Result<CouchStore, StoreError> {
        let invalid = |reason: &str| StoreError::InvalidUrl {
            url: redact_url(url),
            reason: reason.to_owned(),
        };
        let rest = url
            .strip_prefix("http://")
            .ok_or_else(|| invalid("expected an http:// URL"))?;
        let rest = rest.trim_end_matches('/');
        let Some((authority, path)) = rest.split_once('/') else {
            return Err(invalid(
                "missing database name, e.g. http://localhost:5984/mydb",
            ));
        };
        if authority.is_empty() || authority.ends_with('@') {
            return Err(invalid("missing host"));
        }
        if path.is_empty() || path.contains(['?', '#']) {
            return Err(invalid(
                "expected exactly a database path (no query or fragment)",
            ));
        }
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(REQUEST_TIMEOUT))
            .build()
            .into();
        Ok(CouchStore {
            db_url: format!("http://{rest}"),
            agent,
            local_revs: std::sync::Mutex::new(HashMap::new()),
            response_limit: MAX_RESPONSE_BYTES,
            read_ahead: std::sync::Mutex::new(ReadAhead::default()),
        })
    }

    /// Reads at most `bytes` of any one response (instead of [`MAX_RESPONSE_BYTES`]).
    pub fn with_response_limit(mut self, bytes: u64) -> CouchStore {
        self.response_limit = bytes;
        self
    }

    fn too_large(&self, id: Option<&str>) -> StoreError {
        StoreError::TooLarge {
            url: self.url(),
            id: id.map(str::to_owned),
            limit: self.response_limit,
        }
    }

    /// Checks that the database exists; creates it if not and `create`.
    fn ensure_db(&self, create: bool) -> Result<(), StoreError> {
        let reply = self.send(Method::Get, "", &[], None, None, None)?;
        match reply.status {
            200 => Ok(()),
            404 if !create => Err(StoreError::Missing { url: self.url() }),
            404 => {
                let created = self.send(Method::Put, "", &[], None, None, None)?;
                match created.status {
                    // 412 = created concurrently by someone else.
                    201 | 202 | 412 => Ok(()),
                    _ => Err(self.http_error(None, &created)),
                }
            }
            _ => Err(self.http_error(None, &reply)),
        }
    }

    /// `path` is appended to the database URL (`""` = the database itself).
    fn send(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<&Value>,
        id: Option<&str>,
        timeout: Option<Duration>,
    ) -> Result<Reply, StoreError> {
        let (status, bytes) = self.send_raw(method, path, query, body, id, timeout)?;
        self.reply(status, &bytes, id)
    }

    /// [`send`](Self::send) with any serialisable body, answering the status and the raw body
    /// (for replies parsed straight into typed rows, without a `Value` in between).
    fn send_raw<B: serde::Serialize + ?Sized>(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<&B>,
        id: Option<&str>,
        timeout: Option<Duration>,
    ) -> Result<(u16, Vec<u8>), StoreError> {
        let url = if path.is_empty() {
            self.db_url.clone()
        } else {
            format!("{}/{path}", self.db_url)
        };
        let timeout = Some(timeout.unwrap_or(REQUEST_TIMEOUT));
        let query = query.iter().map(|(k, v)| (*k, v.as_str()));
        let result = match method {
            Method::Get => self
                .agent
                .get(&url)
                .query_pairs(query)
                .config()
                .timeout_global(timeout)
                .build()
                .call(),
            Method::Put | Method::Post => {
                let request = match method {
                    Method::Put => self.agent.put(&url),
                    _ => self.agent.post(&url),
                };
                let request = request
                    .query_pairs(query)
                    .config()
                    .timeout_global(timeout)
                    .build();
                match body {
                    Some(body) => request.send_json(body),
                    None => request.send_empty(),
                }
            }
        };
        let transport = |source: ureq::Error| StoreError::Transport {
            url: self.url(),
            id: id.map(str::to_owned),
            source: Box::new(source),
        };
        let mut response = result.map_err(transport)?;
        let status = response.status().as_u16();
        let bytes = response
            .body_mut()
            .with_config()
            .limit(self.response_limit)
            .read_to_vec()
            .map_err(|e| match e {
                ureq::Error::BodyExceedsLimit(_) => self.too_large(id),
                other => transport(other),
            })?;
        Ok((status, bytes))
    }

    /// A reply body as JSON (`null` when empty).
    fn reply(&self, status: u16, bytes: &[u8], id: Option<&str>) -> Result<Reply, StoreError> {
        let text = String::from_utf8_lossy(bytes);
        let json = if text.trim().is_empty() {
            Value::Null
        } else {
            match serde_json::from_str(&text) {
                Ok(json) => json,
                // Error pages from proxies etc.: keep the text for the message.
                Err(_) if status >= 400 => json!({ "error": "", "reason": truncate(&text, 500) }),
                Err(e) => {
                    return Err(self.protocol(id, format!("HTTP {status} body is not JSON: {e}")));
                }
            }
        };
        Ok(Reply { status, json })
    }

    fn http_error(&self, id: Option<&str>, reply: &Reply) -> StoreError {
        let field = |name: &str| match &reply.json[name] {
            Value::String(s) => s.clone(),
            Value::Null => String::new(),
            other => other.to_string(),
        };
        StoreError::Http {
            url: self.url(),
            id: id.map(str::to_owned),
            status: reply.status,
            error: field("error"),
            reason: field("reason"),
        }
    }

    fn protocol(&self, id: Option<&str>, detail: impl Into<String>) -> StoreError {
        StoreError::Protocol {
            url: self.url(),
            id: id.map(str::to_owned),
            detail: detail.into(),
        }
    }

    fn doc_from_json(&self, json: Value, numbers: NumberTexts) -> Result<Doc, StoreError> {
        let Value::Object(map) = json else {
            return Err(self.protocol(None, format!("document is {}", json_kind(&json))));
        };
        self.doc_from_map(map, numbers)
    }

    /// A document from its JSON object and how its numbers were written (the body's fields
    /// are at the same pointers in both).
    fn doc_from_map(
        &self,
        mut map: Map<String, Value>,
        numbers: NumberTexts,
    ) -> Result<Doc, StoreError> {
        let id = match map.remove("_id") {
            Some(Value::String(id)) => id,
            _ => return Err(self.protocol(None, "document without `_id`")),
        };
        let rev = match map.remove("_rev") {
            Some(Value::String(rev)) => Some(rev),
            _ => None,
        };
        let deleted = matches!(map.remove("_deleted"), Some(Value::Bool(true)));
        // Revision metadata asked for by some reads, never part of the body.
        map.remove("_conflicts");
        map.remove("_revisions");
        Ok(Doc {
            id,
            rev,
            deleted,
            body: Value::Object(map),
            numbers,
        })
    }

    /// The current raw JSON of a document (including `_rev`), if any.
    fn get_raw(&self, path: &str, id: &str) -> Result<Option<Value>, StoreError> {
        let reply = self.send(Method::Get, path, &[], None, Some(id), None)?;
        match reply.status {
            200 => Ok(Some(reply.json)),
            404 => Ok(None),
            _ => Err(self.http_error(Some(id), &reply)),
        }
    }

    /// Create or replace the special document at `path` (`_local/…`, `_design/…`)
    /// with `body`, fetching its current `_rev` and retrying on conflicts.
    /// Skips the write if the stored body already equals `body`. Returns the
    /// document's revision afterwards, if the server said.
    fn put_special(
        &self,
        path: &str,
        id: &str,
        body: &Map<String, Value>,
    ) -> Result<Option<String>, StoreError> {
        let mut last = None;
        for _ in 0..PUT_ATTEMPTS {
            let mut doc = body.clone();
            if let Some(Value::Object(mut current)) = self.get_raw(path, id)? {
                let rev = current.remove("_rev");
                current.remove("_id");
                if &current == body {
                    return Ok(rev.and_then(|rev| rev.as_str().map(str::to_owned)));
                }
                if let Some(rev) = rev {
                    doc.insert("_rev".to_owned(), rev);
                }
            }
            doc.insert("_id".to_owned(), Value::String(id.to_owned()));
            let reply = self.send(
                Method::Put,
                path,
                &[],
                Some(&Value::Object(doc)),
                Some(id),
                None,
            )?;
            match reply.status {
                200..=202 => return Ok(reply.json["rev"].as_str().map(str::to_owned)),
                409 => last = Some(reply),
                _ => return Err(self.http_error(Some(id), &reply)),
            }
        }
        match last {
            Some(reply) => Err(self.http_error(Some(id), &reply)),
            None => Err(self.protocol(Some(id), "no write attempted")),
        }
    }

    fn read_ahead(&self) -> std::sync::MutexGuard<'_, ReadAhead> {
        self.read_ahead
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// One `_all_docs?keys=…&include_docs=true&conflicts=true` request for `ids`.
    fn read_keys(&self, ids: &[String], into: &mut ReadAhead) -> Result<(), StoreError> {
        let query = [
            ("include_docs", "true".to_owned()),
            ("conflicts", "true".to_owned()),
        ];
        let body = json!({ "keys": ids });
        let (status, bytes) =
            self.send_raw(Method::Post, "_all_docs", &query, Some(&body), None, None)?;
        if status != 200 {
            return Err(self.http_error(None, &self.reply(status, &bytes, None)?));
        }
        let reply: KeysReply = serde_json::from_slice(&bytes)
            .map_err(|e| self.protocol(None, format!("_all_docs (keys) response: {e}")))?;
        for row in reply.rows {
            let Some(key) = row.key else { continue };
            let Some(raw) = row.doc.filter(|_| row.error.is_none()) else {
                // Missing (`"error": "not_found"`) or deleted (`"doc": null`).
                into.docs.insert(key, None);
                continue;
            };
            if raw.get() == "null" {
                into.docs.insert(key, None);
                continue;
            }
            // A body this program cannot read is not kept: `get` then reports it by id.
            let Ok(mut map) = serde_json::from_str::<Map<String, Value>>(raw.get()) else {
                continue;
            };
            let conflicts = match map.remove("_conflicts") {
                Some(Value::Array(revs)) => revs
                    .into_iter()
                    .filter_map(|r| r.as_str().map(str::to_owned))
                    .collect(),
                _ => Vec::new(),
            };
            let doc = self.doc_from_map(map, NumberTexts::of(raw.get()))?;
            into.conflicts.insert(key.clone(), conflicts);
            into.docs.insert(key, (!doc.deleted).then_some(doc));
        }
        Ok(())
    }

    /// The conflicting revisions of `id` (`GET …?conflicts=true`).
    fn conflict_revs(&self, path: &str, id: &str) -> Result<Vec<String>, StoreError> {
        let query = [("conflicts", "true".to_owned())];
        let reply = self.send(Method::Get, path, &query, None, Some(id), None)?;
        match reply.status {
            404 => Ok(Vec::new()),
            200 => Ok(reply
                .json
                .get("_conflicts")
                .and_then(Value::as_array)
                .map_or_else(Vec::new, |revs| {
                    revs.iter()
                        .filter_map(|r| r.as_str().map(str::to_owned))
                        .collect()
                })),
            _ => Err(self.http_error(Some(id), &reply)),
        }
    }

    fn local_revs(&self) -> std::sync::MutexGuard<'_, HashMap<String, String>> {
        self.local_revs
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Remembers (or forgets, with `None`) the revision of `_local` document `id`.
    fn remember_local_rev(&self, id: &str, rev: Option<String>) {
        match rev {
            Some(rev) => self.local_revs().insert(id.to_owned(), rev),
            None => self.local_revs().remove(id),
        };
    }

    /// The revisions `rev` of `id` descends from, itself first (`?revs=true`: `_revisions`).
    fn rev_history(&self, id: &str, rev: &str) -> Result<Vec<String>, StoreError> {
        let query = [("rev", rev.to_owned()), ("revs", "true".to_owned())];
        let reply = self.send(Method::Get, &doc_path(id), &query, None, Some(id), None)?;
        match reply.status {
            200 => {}
            404 => return Ok(Vec::new()),
            _ => return Err(self.http_error(Some(id), &reply)),
        }
        let revisions = &reply.json["_revisions"];
        let start = revisions["start"].as_u64().unwrap_or(0);
        let ids = revisions["ids"].as_array().map_or(&[][..], Vec::as_slice);
        Ok(ids
            .iter()
            .zip((1..=start).rev())
            .filter_map(|(hash, generation)| Some(format!("{generation}-{}", hash.as_str()?)))
            .collect())
    }

    /// One `_changes` request; with `wait`, a long-poll bounded by `wait` on
    /// both the server (`timeout`) and the client side.
    fn changes_request(
        &self,
        since: &str,
        limit: usize,
        wait: Option<Duration>,
    ) -> Result<ChangesPage, StoreError> {
        let mut query = vec![
            ("since", since.to_owned()),
            ("limit", limit.max(1).to_string()),
            ("include_docs", "true".to_owned()),
        ];
        let mut timeout = None;
        if let Some(wait) = wait {
            // CouchDB treats timeout=0 as "use the default"; ask for at least 1 ms.
            let millis = wait.as_millis().max(1);
            query.push(("feed", "longpoll".to_owned()));
            query.push(("timeout", millis.to_string()));
            timeout = Some(wait + LONGPOLL_GRACE);
        }
        let (status, bytes) =
            self.send_raw::<Value>(Method::Get, "_changes", &query, None, None, timeout)?;
        if status != 200 {
            return Err(self.http_error(None, &self.reply(status, &bytes, None)?));
        }
        // Rows kept raw, then read one by one: an unreadable document fails alone.
        let reply: ChangesReply = serde_json::from_slice(&bytes)
            .map_err(|e| self.protocol(None, format!("_changes response: {e}")))?;
        drop(bytes);
        let changes = reply
            .results
            .iter()
            .map(|row| self.change_from_raw(row))
            .collect::<Result<Vec<_>, _>>()?;
        let last_seq = match reply.last_seq {
            Some(seq) if !seq.is_null() => seq_string(seq),
            _ => changes
                .last()
                .map_or_else(|| since.to_owned(), |c| c.seq.clone()),
        };
        Ok(ChangesPage { changes, last_seq })
    }

    /// `_changes?feed=continuous`: one change per line as it happens, heartbeats in between;
    /// stops when `on_change` says so or nothing arrived for `idle_timeout` (checked at each
    /// heartbeat, so the server need not honour `timeout`).
    fn follow_continuous(
        &self,
        since: &str,
        on_change: &mut dyn FnMut(&FeedEntry) -> bool,
        idle_timeout: Duration,
    ) -> Result<String, StoreError> {
        use std::io::BufRead;
        let heartbeat = (idle_timeout / 4).clamp(Duration::from_millis(50), Duration::from_secs(5));
        let url = format!("{}/_changes", self.db_url);
        let query = [
            ("feed", "continuous".to_owned()),
            ("since", since.to_owned()),
            ("include_docs", "true".to_owned()),
            ("heartbeat", heartbeat.as_millis().to_string()),
            ("timeout", idle_timeout.as_millis().max(1).to_string()),
        ];
        let transport = |source: ureq::Error| StoreError::Transport {
            url: self.url(),
            id: None,
            source: Box::new(source),
        };
        let response = self
            .agent
            .get(&url)
            .query_pairs(query.iter().map(|(k, v)| (*k, v.as_str())))
            .call()
            .map_err(transport)?;
        if response.status().as_u16() != 200 {
            let status = response.status().as_u16();
            return Err(self.protocol(None, format!("_changes (continuous) answered {status}")));
        }
        let mut reader = std::io::BufReader::new(response.into_body().into_reader());
        let mut seq = since.to_owned();
        let mut last_change = Instant::now();
        let mut buffer = Vec::new();
        loop {
            buffer.clear();
            // One line at most `response_limit` bytes long (plus its newline).
            let mut line_reader = std::io::Read::take(&mut reader, self.response_limit + 1);
            match line_reader.read_until(b'\n', &mut buffer) {
                Ok(0) => break,
                Ok(_) => {}
                // The server closing the feed (its own `timeout`) ends it like idleness.
                Err(_) => break,
            }
            if buffer.len() as u64 > self.response_limit && buffer.last() != Some(&b'\n') {
                return Err(self.too_large(None));
            }
            let line = String::from_utf8_lossy(&buffer);
            let line = line.trim();
            if line.is_empty() {
                if last_change.elapsed() >= idle_timeout {
                    break;
                }
                continue;
            }
            let row: ChangeRow = serde_json::from_str(line)
                .map_err(|e| self.protocol(None, format!("_changes line: {e}")))?;
            if row.id.is_none() {
                // The closing line: `{"last_seq": …}`.
                if let Some(last) = row.last_seq.filter(|last| !last.is_null()) {
                    seq = seq_string(last);
                }
                break;
            }
            let change = self.change_from_row(row)?;
            seq.clone_from(&change.seq);
            last_change = Instant::now();
            if !on_change(&change) {
                break;
            }
            if last_change.elapsed() >= idle_timeout {
                break;
            }
        }
        Ok(seq)
    }

    fn change_from_raw(&self, row: &RawValue) -> Result<FeedEntry, StoreError> {
        let row: ChangeRow = serde_json::from_str(row.get())
            .map_err(|e| self.protocol(None, format!("_changes row: {e}")))?;
        self.change_from_row(row)
    }

    /// A change; a document whose JSON cannot be read leaves it without `doc` (the feed goes
    /// on, and [`Store::get`] reports the document).
    fn change_from_row(&self, row: ChangeRow) -> Result<FeedEntry, StoreError> {
        let id = row
            .id
            .ok_or_else(|| self.protocol(None, "_changes row without `id`"))?;
        let seq = row
            .seq
            .map(seq_string)
            .ok_or_else(|| self.protocol(Some(&id), "_changes row without `seq`"))?;
        let rev = row
            .changes
            .into_iter()
            .next()
            .map(|c| c.rev)
            .ok_or_else(|| self.protocol(Some(&id), "_changes row without `changes[0].rev`"))?;
        let doc = match row.doc {
            None => None,
            Some(raw) => match serde_json::from_str::<Value>(raw.get()) {
                Ok(Value::Null) | Err(_) => None,
                Ok(doc) => Some(self.doc_from_json(doc, NumberTexts::of(raw.get()))?),
            },
        };
        Ok(FeedEntry {
            seq,
            id,
            rev,
            deleted: row.deleted,
            doc,
        })
    }
}

impl Store for CouchStore {
    fn url(&self) -> String {
        redact_url(&self.db_url)
    }

    fn get(&self, id: &str) -> Result<Option<Doc>, StoreError> {
        if let Some(doc) = self.read_ahead().docs.remove(id) {
            return Ok(doc);
        }
        let (status, bytes) =
            self.send_raw::<Value>(Method::Get, &doc_path(id), &[], None, Some(id), None)?;
        if status != 200 {
            let reply = self.reply(status, &bytes, Some(id))?;
            return match status {
                404 => Ok(None),
                _ => Err(self.http_error(Some(id), &reply)),
            };
        }
        match serde_json::from_slice::<Map<String, Value>>(&bytes) {
            Ok(map) => {
                let numbers = NumberTexts::of(&String::from_utf8_lossy(&bytes));
                Ok(Some(self.doc_from_map(map, numbers)?))
            }
            Err(e) => Err(StoreError::Corrupt {
                url: self.url(),
                id: Some(id.to_owned()),
                detail: format!("document is not readable JSON: {e}"),
            }),
        }
    }

    fn doc_count(&self) -> Result<Option<u64>, StoreError> {
        let reply = self.send(Method::Get, "", &[], None, None, None)?;
        match reply.status {
            200 => Ok(reply.json.get("doc_count").and_then(Value::as_u64)),
            _ => Err(self.http_error(None, &reply)),
        }
    }

    fn conflicting_revisions(&self, id: &str) -> Result<Vec<Doc>, StoreError> {
        let path = doc_path(id);
        let known = self.read_ahead().conflicts.remove(id);
        let revs: Vec<String> = match known {
            Some(revs) => revs,
            None => self.conflict_revs(&path, id)?,
        };
        let mut losers = Vec::new();
        for rev in revs.into_iter().rev() {
            let reply = self.send(Method::Get, &path, &[("rev", rev)], None, Some(id), None)?;
            match reply.status {
                200 => losers.push(self.doc_from_json(reply.json, NumberTexts::default())?),
                404 => {}
                _ => return Err(self.http_error(Some(id), &reply)),
            }
        }
        Ok(losers)
    }

    fn common_ancestor(&self, id: &str, a: &str, b: &str) -> Result<Option<Doc>, StoreError> {
        let a_history = self.rev_history(id, a)?;
        let b_history = self.rev_history(id, b)?;
        let Some(common) = a_history.iter().find(|rev| b_history.contains(rev)) else {
            return Ok(None);
        };
        let path = doc_path(id);
        let reply = self.send(
            Method::Get,
            &path,
            &[("rev", common.clone())],
            None,
            Some(id),
            None,
        )?;
        match reply.status {
            200 => {
                let doc = self.doc_from_json(reply.json, NumberTexts::default())?;
                Ok((!doc.deleted).then_some(doc))
            }
            // Compacted away: its body is gone.
            404 => Ok(None),
            _ => Err(self.http_error(Some(id), &reply)),
        }
    }

    fn prefetch(&self, ids: &[String]) -> Result<(), StoreError> {
        let mut fresh = ReadAhead::default();
        for chunk in ids.chunks(PREFETCH_KEYS) {
            self.read_keys(chunk, &mut fresh)?;
        }
        *self.read_ahead() = fresh;
        Ok(())
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
        let limit = limit.max(1);
        let mut page = DocsPage::default();
        // `startkey` is inclusive; `after` is the id to skip if it comes back.
        let mut after = start_after.map(str::to_owned);
        loop {
            // One extra row covers the inclusive start key.
            let want = limit - page.docs.len() - page.unreadable.len() + 1;
            // `conflicts`: each body then lists its losing revisions (`_conflicts`), so that a
            // document with concurrent edits is seen without a request of its own.
            let mut query = vec![
                ("include_docs", "true".to_owned()),
                ("conflicts", "true".to_owned()),
                ("limit", want.to_string()),
            ];
            if let Some(after) = &after {
                query.push(("startkey", Value::String(after.clone()).to_string()));
            }
            let (status, bytes) = self.send_raw(
                Method::Post,
                "_all_docs",
                &query,
                Some(&json!({})),
                None,
                None,
            )?;
            if status != 200 {
                return Err(self.http_error(None, &self.reply(status, &bytes, None)?));
            }
            // Straight into typed rows: `key` and `value` are skipped, and each body is moved
            // into its `Doc`, not copied.
            let reply: AllDocsReply = serde_json::from_slice(&bytes)
                .map_err(|e| self.protocol(None, format!("_all_docs response: {e}")))?;
            drop(bytes);
            let fetched = reply.rows.len();
            for row in reply.rows {
                let Some(id) = row.id else {
                    continue;
                };
                if after.as_deref() == Some(id.as_str()) {
                    continue;
                }
                if id.starts_with("_design/") || id.starts_with("_local/") {
                    after = Some(id);
                    continue;
                }
                after = Some(id.clone());
                // Each body is parsed on its own: one the parser refuses fails alone.
                let Some(raw) = row.doc else { continue };
                match serde_json::from_str::<Map<String, Value>>(raw.get()) {
                    Ok(mut doc) => {
                        if let Some(Value::Array(revs)) = doc.remove("_conflicts") {
                            let revisions = revs.iter().filter_map(Value::as_str);
                            page.conflicted.push(Conflicted {
                                id: id.clone(),
                                revisions: revisions.map(str::to_owned).collect(),
                            });
                        }
                        page.docs
                            .push(self.doc_from_map(doc, NumberTexts::of(raw.get()))?);
                    }
                    Err(e) => page.unreadable.push(Unreadable {
                        id,
                        reason: format!("document is not readable JSON: {e}"),
                    }),
                }
                if page.docs.len() + page.unreadable.len() == limit {
                    return Ok(page);
                }
            }
            if fetched < want {
                return Ok(page);
            }
        }
    }

    fn bulk_write(&self, docs: &[Doc]) -> Result<Vec<WriteOutcome>, StoreError> {
        validate_docs(&self.url(), docs)?;
        {
            // What was read ahead of a document being written is stale from now on.
            let mut read_ahead = self.read_ahead();
            for doc in docs {
                read_ahead.docs.remove(&doc.id);
                read_ahead.conflicts.remove(&doc.id);
            }
        }
        if docs.is_empty() {
            return Ok(Vec::new());
        }
        // Serialised straight from the documents, without copying them into a `Value` first.
        let reply = self.send_raw(
            Method::Post,
            "_bulk_docs",
            &[],
            Some(&BulkDocs(docs)),
            None,
            None,
        )?;
        let reply = self.reply(reply.0, &reply.1, None)?;
        // 417: at least one document was rejected by validate_doc_update; the
        // body still has one entry per document.
        let rows = match (reply.status, &reply.json) {
            (201 | 202 | 417, Value::Array(rows)) => rows,
            _ => return Err(self.http_error(None, &reply)),
        };
        if rows.len() != docs.len() {
            return Err(self.protocol(
                None,
                format!(
                    "_bulk_docs answered {} results for {} documents",
                    rows.len(),
                    docs.len()
                ),
            ));
        }
        // CouchDB answers in request order, but pouchdb-server lists documents
        // rejected by validate_doc_update first: match results by id (in order
        // for repeated ids).
        let mut by_id: HashMap<&str, VecDeque<&Value>> = HashMap::new();
        for row in rows {
            let Some(id) = row.get("id").and_then(Value::as_str) else {
                return Err(self.protocol(None, format!("_bulk_docs result without `id`: {row}")));
            };
            by_id.entry(id).or_default().push_back(row);
        }
        let mut outcomes = Vec::with_capacity(docs.len());
        for doc in docs {
            let Some(row) = by_id.get_mut(doc.id.as_str()).and_then(VecDeque::pop_front) else {
                return Err(self.protocol(
                    Some(&doc.id),
                    "_bulk_docs returned no result for the document",
                ));
            };
            let id = doc.id.clone();
            let text = |name: &str| row.get(name).and_then(Value::as_str).map(str::to_owned);
            let outcome = match (text("error"), text("rev")) {
                (None, Some(rev)) => WriteOutcome::Written { id, rev },
                (Some(error), _) if error == "conflict" => WriteOutcome::Conflict { id },
                (Some(error), _) if error == "forbidden" || error == "unauthorized" => {
                    WriteOutcome::Rejected {
                        id,
                        reason: text("reason").unwrap_or(error),
                    }
                }
                (Some(error), _) => WriteOutcome::Rejected {
                    id,
                    reason: match text("reason") {
                        Some(reason) => format!("{error}: {reason}"),
                        None => error,
                    },
                },
                (None, None) => {
                    return Err(self.protocol(
                        Some(&doc.id),
                        format!("_bulk_docs result without `rev` or `error`: {row}"),
                    ));
                }
            };
            outcomes.push(outcome);
        }
        Ok(outcomes)
    }

    fn changes(
        &self,
        since: &str,
        limit: usize,
        wait: Option<Duration>,
    ) -> Result<ChangesPage, StoreError> {
        let started = Instant::now();
        // Always ask without blocking first: whatever is already there comes
        // back under the ordinary timeout, so a slow transfer can never be
        // cut short by the long-poll deadline below.
        let page = self.changes_request(since, limit, None)?;
        let Some(wait) = wait else {
            return Ok(page);
        };
        let remaining = wait.saturating_sub(started.elapsed());
        if !page.changes.is_empty() || remaining.is_zero() {
            return Ok(page);
        }
        // pouchdb-server ignores `timeout` on longpoll feeds (it sends
        // heartbeat newlines until a change arrives), so the deadline is also
        // enforced client-side; hitting it just means "nothing changed".
        match self.changes_request(&page.last_seq, limit, Some(remaining)) {
            Err(StoreError::Transport { source, .. })
                if matches!(*source, ureq::Error::Timeout(_)) =>
            {
                Ok(ChangesPage {
                    changes: Vec::new(),
                    last_seq: page.last_seq,
                })
            }
            other => other,
        }
    }

    fn prefers_read_ahead(&self) -> bool {
        true
    }

    fn follow_stream(
        &self,
        since: &str,
        on_change: &mut dyn FnMut(&FeedEntry) -> bool,
        idle_timeout: Duration,
    ) -> Option<Result<String, StoreError>> {
        Some(self.follow_continuous(since, on_change, idle_timeout))
    }

    fn get_local(&self, id: &str) -> Result<Option<Value>, StoreError> {
        let name = local_name(id);
        let path = format!("_local/{}", encode_segment(name));
        let full_id = format!("_local/{name}");
        match self.get_raw(&path, id)? {
            Some(Value::Object(mut map)) => {
                map.remove("_id");
                let rev = map.remove("_rev");
                self.remember_local_rev(&full_id, rev.and_then(|r| r.as_str().map(str::to_owned)));
                Ok(Some(Value::Object(map)))
            }
            Some(other) => Err(self.protocol(
                Some(id),
                format!("_local document is {}", json_kind(&other)),
            )),
            None => {
                self.remember_local_rev(&full_id, None);
                Ok(None)
            }
        }
    }

    fn put_local(&self, id: &str, value: &Value) -> Result<(), StoreError> {
        let body = special_body(&self.url(), id, value, "_local document")?;
        let name = local_name(id);
        let path = format!("_local/{}", encode_segment(name));
        let full_id = format!("_local/{name}");
        // A checkpoint rewritten during a run: with the revision of our last read or write of
        // it, one PUT. A 409 (someone else wrote it meanwhile) falls back to read-modify-write.
        let known = self.local_revs().get(&full_id).cloned();
        if let Some(rev) = known {
            let mut doc = body.clone();
            doc.insert("_id".to_owned(), Value::String(full_id.clone()));
            doc.insert("_rev".to_owned(), Value::String(rev));
            let reply = self.send(
                Method::Put,
                &path,
                &[],
                Some(&Value::Object(doc)),
                Some(&full_id),
                None,
            )?;
            match reply.status {
                200..=202 => {
                    let rev = reply.json["rev"].as_str().map(str::to_owned);
                    self.remember_local_rev(&full_id, rev);
                    return Ok(());
                }
                // Gone or rewritten meanwhile: read, then write.
                404 | 409 => {}
                _ => return Err(self.http_error(Some(&full_id), &reply)),
            }
        }
        let rev = self.put_special(&path, &full_id, &body)?;
        self.remember_local_rev(&full_id, rev);
        Ok(())
    }

    fn update_local(
        &self,
        id: &str,
        update: &mut dyn FnMut(Option<&Value>) -> Option<Value>,
    ) -> Result<(), StoreError> {
        let name = local_name(id);
        let path = format!("_local/{}", encode_segment(name));
        let full_id = format!("_local/{name}");
        let mut last = None;
        // Each attempt replaces the revision it read; a 409 means another writer came between.
        for _ in 0..UPDATE_ATTEMPTS {
            let (current, rev) = match self.get_raw(&path, &full_id)? {
                Some(Value::Object(mut map)) => {
                    map.remove("_id");
                    let rev = map.remove("_rev");
                    (Some(Value::Object(map)), rev)
                }
                Some(other) => {
                    return Err(self.protocol(
                        Some(&full_id),
                        format!("_local document is {}", json_kind(&other)),
                    ));
                }
                None => (None, None),
            };
            let Some(value) = update(current.as_ref()) else {
                return Ok(());
            };
            let mut doc = special_body(&self.url(), id, &value, "_local document")?;
            doc.insert("_id".to_owned(), Value::String(full_id.clone()));
            if let Some(rev) = rev {
                doc.insert("_rev".to_owned(), rev);
            }
            let reply = self.send(
                Method::Put,
                &path,
                &[],
                Some(&Value::Object(doc)),
                Some(&full_id),
                None,
            )?;
            match reply.status {
                200..=202 => {
                    let rev = reply.json["rev"].as_str().map(str::to_owned);
                    self.remember_local_rev(&full_id, rev);
                    return Ok(());
                }
                409 => last = Some(reply),
                _ => return Err(self.http_error(Some(&full_id), &reply)),
            }
        }
        match last {
            Some(reply) => Err(self.http_error(Some(&full_id), &reply)),
            None => Err(self.protocol(Some(&full_id), "no write attempted")),
        }
    }

    fn put_design(&self, id: &str, design: &Value) -> Result<(), StoreError> {
        let id = design_id(id);
        let body = special_body(&self.url(), &id, design, "design document")?;
        self.put_special(&doc_path(&id), &id, &body).map(drop)
    }
}

/// The body of a `_bulk_docs` request: `{"docs": [...]}`.
struct BulkDocs<'a>(&'a [Doc]);

impl serde::Serialize for BulkDocs<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(1))?;
        map.serialize_entry("docs", &WireDocs(self.0))?;
        map.end()
    }
}

struct WireDocs<'a>(&'a [Doc]);

impl serde::Serialize for WireDocs<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(WireDoc))
    }
}

/// A document as CouchDB takes it: `_id`, `_rev`, `_deleted`, then the body's fields.
struct WireDoc<'a>(&'a Doc);

impl serde::Serialize for WireDoc<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let doc = self.0;
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("_id", &doc.id)?;
        if let Some(rev) = &doc.rev {
            map.serialize_entry("_rev", rev)?;
        }
        if doc.deleted {
            map.serialize_entry("_deleted", &true)?;
        }
        if let Value::Object(body) = &doc.body {
            for (key, value) in body {
                map.serialize_entry(key, &doc.numbers.keeping_field(key, value))?;
            }
        }
        map.end()
    }
}

/// A `_changes` reply (long-poll or normal feed), each row kept raw.
#[derive(serde::Deserialize)]
struct ChangesReply {
    results: Vec<Box<RawValue>>,
    #[serde(default)]
    last_seq: Option<Value>,
}

/// One `_changes` row, or the closing `{"last_seq": …}` line of a continuous feed (no `id`).
#[derive(serde::Deserialize)]
struct ChangeRow {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    seq: Option<Value>,
    #[serde(default)]
    changes: Vec<ChangeRev>,
    #[serde(default)]
    deleted: bool,
    /// Kept raw: skipping it checks neither escapes nor depth, so the row always parses.
    #[serde(default)]
    doc: Option<Box<RawValue>>,
    #[serde(default)]
    last_seq: Option<Value>,
}

#[derive(serde::Deserialize)]
struct ChangeRev {
    rev: String,
}

/// An `_all_docs?keys=…` reply: a row per key, in order.
#[derive(serde::Deserialize)]
struct KeysReply {
    rows: Vec<KeysRow>,
}

#[derive(serde::Deserialize)]
struct KeysRow {
    #[serde(default)]
    key: Option<String>,
    /// `not_found` for a key that never existed.
    #[serde(default)]
    error: Option<String>,
    #[serde(default)]
    doc: Option<Box<RawValue>>,
}

/// An `_all_docs` reply, parsed only as far as the migration needs it.
#[derive(serde::Deserialize)]
struct AllDocsReply {
    rows: Vec<AllDocsRow>,
}

#[derive(serde::Deserialize)]
struct AllDocsRow {
    #[serde(default)]
    id: Option<String>,
    /// `null` for a deleted document (with `keys`), absent without `include_docs`. Kept raw
    /// (skipping it checks neither escapes nor depth) so that the page parses whatever it holds.
    #[serde(default)]
    doc: Option<Box<RawValue>>,
}

/// The URL path of a document, keeping the `_design/` or `_local/` slash.
fn doc_path(id: &str) -> String {
    for prefix in ["_design/", "_local/"] {
        if let Some(name) = id.strip_prefix(prefix) {
            return format!("{prefix}{}", encode_segment(name));
        }
    }
    encode_segment(id)
}

/// Percent-encode everything but RFC 3986 unreserved characters.
fn encode_segment(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// A sequence as an opaque string: strings verbatim, anything else as JSON.
fn seq_string(seq: Value) -> String {
    match seq {
        Value::String(s) => s,
        other => other.to_string(),
    }
}

fn truncate(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_owned();
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_doc_paths() {
        assert_eq!(doc_path("a b/c"), "a%20b%2Fc");
        assert_eq!(doc_path("_design/x y"), "_design/x%20y");
        assert_eq!(doc_path("_local/cp"), "_local/cp");
        assert_eq!(doc_path("é"), "%C3%A9");
    }

    #[test]
    fn sequences_are_opaque_strings() {
        assert_eq!(seq_string(json!(12)), "12");
        assert_eq!(seq_string(json!("12-g1AAA")), "12-g1AAA");
    }

    #[test]
    fn rejects_urls_without_database() {
        for url in [
            "http://localhost:5984",
            "http://localhost:5984/",
            "http:///db",
        ] {
            let err = CouchStore::open(url).unwrap_err();
            assert!(matches!(err, StoreError::InvalidUrl { .. }), "{url}: {err}");
        }
    }
}
