//! One poisoned document (a lone surrogate such as `"\ud83d"` in its JSON text, or nesting
//! deeper than the parser's 128 levels) fails alone: `migrate`, `stats` and `worker` report it
//! by id and exit 1, and every other document is migrated — on a CouchDB-compatible server and
//! on SQLite (which can hold the deep one). Numbers a `serde_json::Value` cannot write as read
//! are migrated as written, and one no `f64` holds (`1E400`) fails its document alone.

mod common;

use common::{text, todo};

use docver_migrate::store::{Doc, Store, open};
use docver_testkit::PouchServer;
use serde_json::{Value, json};

const DOCS: usize = 20;

fn seed(store: &dyn Store) {
    let docs: Vec<Doc> = (0..DOCS)
        .map(|i| {
            Doc::new(
                format!("todo{i:03}"),
                json!({"title": format!("task {i}"), "status": i % 2 == 0}),
            )
        })
        .collect();
    store.bulk_write(&docs).unwrap();
}

/// `{"title": "deep", "nest": [[[…]]]}` nested `depth` arrays deep.
fn deeply_nested(depth: usize) -> Value {
    let mut nest = json!([]);
    for _ in 0..depth {
        nest = json!([nest]);
    }
    json!({"title": "deep", "nest": nest})
}

/// `migrate`, `stats` and `worker` on `url`, where `poisoned` are the unreadable documents.
fn assert_each_fails_alone(url: &str, poisoned: &[&str]) {
    let migrate = todo(&[
        "migrate",
        "--store",
        url,
        "--to",
        "4",
        "--untagged-as-base",
        "--batch",
        "7",
    ]);
    let stderr = String::from_utf8_lossy(&migrate.stderr);
    assert_eq!(migrate.status.code(), Some(1), "{}", text(&migrate));
    for id in poisoned {
        assert!(
            stderr.contains(&format!("failed: {id}:")),
            "{}",
            text(&migrate)
        );
    }
    let store = open(url).unwrap();
    let docs = store.all_docs_page(None, 1000).unwrap();
    let migrated = docs
        .docs
        .iter()
        .filter(|d| d.id.starts_with("todo0") && d.body["version"] == json!(4))
        .count();
    assert_eq!(migrated, DOCS, "every other document migrated");

    let stats = todo(&["stats", "--store", url, "--untagged-as-base"]);
    assert_eq!(stats.status.code(), Some(1), "{}", text(&stats));
    assert!(
        String::from_utf8_lossy(&stats.stdout).contains(&format!("version 4: {DOCS}")),
        "{}",
        text(&stats)
    );
    for id in poisoned {
        let stderr = String::from_utf8_lossy(&stats.stderr);
        assert!(
            stderr.contains(&format!("failed: {id}:")),
            "{}",
            text(&stats)
        );
    }
}

#[test]
fn a_poisoned_document_fails_alone_on_couchdb() {
    let server = PouchServer::start().unwrap_or_else(|e| panic!("pouchdb-server must start: {e}"));
    let url = server.database_url("poisoned").unwrap();
    let store = open(&url).unwrap();
    seed(store.as_ref());
    server
        .put_raw_document("poisoned", "todo005x", r#"{"title": "\ud83d"}"#)
        .unwrap();
    store
        .bulk_write(&[Doc::new("todo010x", deeply_nested(200))])
        .unwrap();
    assert_each_fails_alone(&url, &["todo005x", "todo010x"]);

    // The worker follows the changes feed past both (they are not per-version documents, so
    // it has nothing to do with them) and reports a per-version one it cannot read.
    server
        .put_raw_document(
            "poisoned",
            "todo-item@1:abc",
            r#"{"schema": "todo-item", "version": 1, "title": "\udc00"}"#,
        )
        .unwrap();
    let worker = todo(&[
        "worker",
        "--store",
        &url,
        "--live",
        "1,4",
        "--idle-ms",
        "300",
    ]);
    assert_eq!(worker.status.code(), Some(1), "{}", text(&worker));
    assert!(
        String::from_utf8_lossy(&worker.stderr).contains("failed: todo-item@1:abc:"),
        "{}",
        text(&worker)
    );
}

#[test]
fn a_too_deep_document_fails_alone_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("poisoned.db").display());
    let store = open(&url).unwrap();
    seed(store.as_ref());
    store
        .bulk_write(&[Doc::new("todo010x", deeply_nested(200))])
        .unwrap();
    assert_each_fails_alone(&url, &["todo010x"]);
}

/// Unknown fields at every depth holding numbers a `serde_json::Value` writes differently, keys
/// sorted as the SQLite store writes a body.
const NUMBERS: &str = r#"{"big":123456789012345678901234567890,"e":1e2,"f":1.50,"i":-0,"list":[1E2,{"deep":-123456789012345678901234567890}],"one":1.0,"z":-0.0}"#;

/// Stores `body` as JSON text exactly as given, as another program writing the file would.
fn insert_raw(path: &std::path::Path, id: &str, body: &str) {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.execute(
        "INSERT INTO docs (id, rev, seq, deleted, body)
         VALUES (?1, '1-raw', (SELECT COALESCE(MAX(seq), 0) + 1 FROM docs), 0, ?2)",
        [id, body],
    )
    .unwrap();
}

fn stored_body(path: &std::path::Path, id: &str) -> String {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.query_row("SELECT body FROM docs WHERE id = ?1", [id], |row| {
        row.get(0)
    })
    .unwrap()
}

#[test]
fn numbers_are_migrated_as_written_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("numbers.db");
    let url = format!("sqlite:{}", path.display());
    seed(open(&url).unwrap().as_ref());
    insert_raw(
        &path,
        "numbers",
        &format!(r#"{{"extra":{NUMBERS},"ratio":1e2,"status":true,"title":"numbers"}}"#),
    );
    insert_raw(
        &path,
        "todo010x",
        r#"{"huge":1E400,"status":true,"title":"huge"}"#,
    );
    let migrate = todo(&["migrate", "--store", &url, "--to", "4", "--batch", "7"]);
    assert_eq!(migrate.status.code(), Some(1), "{}", text(&migrate));
    let stderr = String::from_utf8_lossy(&migrate.stderr);
    assert!(
        stderr.contains("failed: todo010x:") && stderr.contains("number out of range"),
        "{}",
        text(&migrate)
    );
    let body = stored_body(&path, "numbers");
    let migrated: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(migrated["version"], json!(4), "{body}");
    assert!(body.contains(&format!(r#""extra":{NUMBERS}"#)), "{body}");
    assert!(body.contains(r#""ratio":1e2"#), "{body}");
    // The document no f64 holds is left as it was, not rounded to infinity or null.
    assert_eq!(
        stored_body(&path, "todo010x"),
        r#"{"huge":1E400,"status":true,"title":"huge"}"#
    );
}
