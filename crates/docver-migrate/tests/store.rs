//! One contract, run against a SQLite file and a real pouchdb-server database.

use std::collections::{BTreeMap, BTreeSet};
use std::thread;
use std::time::{Duration, Instant};

use docver_migrate::store::{SqliteStore, sqlite::next_rev};
use docver_migrate::{Doc, Store, StoreError, WriteOutcome, follow, open};
use docver_testkit::PouchServer;
use serde_json::{Value, json};

fn written_rev(outcome: &WriteOutcome) -> String {
    match outcome {
        WriteOutcome::Written { rev, .. } => rev.clone(),
        other => panic!("expected Written, got {other:?}"),
    }
}

fn write_one(store: &dyn Store, doc: Doc) -> String {
    let outcomes = store.bulk_write(std::slice::from_ref(&doc)).unwrap();
    assert_eq!(outcomes.len(), 1);
    assert_eq!(outcomes[0].id(), doc.id);
    written_rev(&outcomes[0])
}

fn generation(rev: &str) -> u64 {
    rev.split_once('-').unwrap().0.parse().unwrap()
}

/// All changes since `since`, paging with `limit`; returns (id → change, last_seq).
fn drain_changes(
    store: &dyn Store,
    since: &str,
    limit: usize,
) -> (Vec<docver_migrate::FeedEntry>, String) {
    let mut all = Vec::new();
    let mut seq = since.to_owned();
    loop {
        let page = store.changes(&seq, limit, None).unwrap();
        assert!(page.changes.len() <= limit);
        if page.changes.is_empty() {
            return (all, page.last_seq);
        }
        seq = page.last_seq;
        all.extend(page.changes);
    }
}

/// The behaviour every store must have. `store` must be empty.
fn contract(store: Box<dyn Store>) {
    let store = &*store;
    let url = store.url();

    // --- create / read / update -------------------------------------------
    assert_eq!(store.get("a").unwrap(), None);
    let r1 = write_one(store, Doc::new("a", json!({"title": "first", "n": 1})));
    assert_eq!(generation(&r1), 1, "{r1}");
    let a = store.get("a").unwrap().expect("a exists");
    assert_eq!(a.id, "a");
    assert_eq!(a.rev.as_deref(), Some(r1.as_str()));
    assert!(!a.deleted);
    assert_eq!(a.body, json!({"title": "first", "n": 1}));

    let r2 = write_one(store, a.updated(json!({"title": "second", "n": 2})));
    assert_eq!(generation(&r2), 2, "{r2}");
    assert_eq!(
        store.get("a").unwrap().unwrap().body,
        json!({"title": "second", "n": 2})
    );

    // --- conflicts: stale rev, create over existing; the rest of the batch is written
    let outcomes = store
        .bulk_write(&[
            a.updated(json!({"title": "stale"})), // a at r1: stale
            Doc::new("b", json!({"kind": "b"})),
            Doc::new("a", json!({"title": "recreate"})), // a exists: conflict
        ])
        .unwrap();
    assert_eq!(outcomes.len(), 3);
    assert_eq!(outcomes[0], WriteOutcome::Conflict { id: "a".into() });
    let rb = written_rev(&outcomes[1]);
    assert_eq!(outcomes[2], WriteOutcome::Conflict { id: "a".into() });
    let a = store.get("a").unwrap().unwrap();
    assert_eq!(a.rev.as_deref(), Some(r2.as_str()), "nothing lost");
    assert_eq!(a.body, json!({"title": "second", "n": 2}));
    assert_eq!(store.get("b").unwrap().unwrap().rev, Some(rb));

    // Update with a rev for a document that does not exist: conflict.
    let ghost = Doc {
        rev: Some("1-00000000000000000000000000000000".into()),
        ..Doc::new("ghost", json!({}))
    };
    assert_eq!(
        store.bulk_write(&[ghost]).unwrap(),
        vec![WriteOutcome::Conflict { id: "ghost".into() }]
    );
    assert_eq!(store.get("ghost").unwrap(), None);

    // --- delete ----------------------------------------------------------
    write_one(store, Doc::new("c", json!({"kind": "c"})));
    let c = store.get("c").unwrap().unwrap();
    let rc_deleted = write_one(store, c.deletion());
    assert_eq!(generation(&rc_deleted), 2);
    assert_eq!(
        store.get("c").unwrap(),
        None,
        "deleted docs read as missing"
    );

    // Malformed documents fail the whole call before anything is written.
    let err = store
        .bulk_write(&[
            Doc::new("fine", json!({})),
            Doc::new("bad", json!({"_rev": "1-x"})),
        ])
        .unwrap_err();
    assert!(matches!(err, StoreError::InvalidDoc { .. }), "{err}");
    assert!(err.to_string().contains("bad"), "{err}");
    assert!(err.to_string().contains(&url), "{err}");
    assert_eq!(store.get("fine").unwrap(), None);

    // --- changes: each doc once, at its latest revision --------------------
    let (changes, seq_after_abc) = drain_changes(store, "0", 100);
    let by_id: BTreeMap<_, _> = changes.iter().map(|c| (c.id.clone(), c)).collect();
    assert_eq!(changes.len(), by_id.len(), "each doc once: {changes:?}");
    assert_eq!(
        by_id.keys().cloned().collect::<Vec<_>>(),
        ["a", "b", "c"],
        "{changes:?}"
    );
    assert_eq!(by_id["a"].rev, r2);
    assert!(!by_id["a"].deleted);
    let a_doc = by_id["a"].doc.as_ref().expect("include_docs");
    assert_eq!(a_doc.body, json!({"title": "second", "n": 2}));
    assert_eq!(a_doc.rev.as_deref(), Some(r2.as_str()));
    assert!(by_id["c"].deleted);
    assert_eq!(by_id["c"].rev, rc_deleted);
    assert!(by_id["c"].doc.as_ref().unwrap().deleted);
    // Paging one at a time sees the same.
    let (paged, _) = drain_changes(store, "0", 1);
    assert_eq!(paged, changes);

    // Only what changed after a seq.
    let rd = write_one(store, Doc::new("d", json!({"kind": "d"})));
    let page = store.changes(&seq_after_abc, 100, None).unwrap();
    assert_eq!(page.changes.len(), 1, "{page:?}");
    assert_eq!(page.changes[0].id, "d");
    assert_eq!(page.changes[0].rev, rd);
    let seq_after_d = page.last_seq.clone();
    let empty = store.changes(&seq_after_d, 100, None).unwrap();
    assert!(empty.changes.is_empty(), "{empty:?}");

    // --- longpoll ------------------------------------------------------------
    // Nothing happens: returns empty after roughly `wait`.
    let started = Instant::now();
    let idle = store
        .changes(&seq_after_d, 100, Some(Duration::from_millis(400)))
        .unwrap();
    let waited = started.elapsed();
    assert!(idle.changes.is_empty(), "{idle:?}");
    assert!(
        waited >= Duration::from_millis(300),
        "returned after {waited:?}"
    );
    assert!(
        waited < Duration::from_secs(10),
        "returned after {waited:?}"
    );

    // A write from another thread (its own connection) wakes it up.
    let writer_url = url.clone();
    let writer = thread::spawn(move || {
        thread::sleep(Duration::from_millis(300));
        let other = open(&writer_url).unwrap();
        write_one(&*other, Doc::new("e", json!({"kind": "e"})))
    });
    let started = Instant::now();
    let page = store
        .changes(&idle.last_seq, 100, Some(Duration::from_secs(20)))
        .unwrap();
    let waited = started.elapsed();
    let re = writer.join().unwrap();
    assert!(waited < Duration::from_secs(10), "woke after {waited:?}");
    assert_eq!(page.changes.len(), 1, "{page:?}");
    assert_eq!(page.changes[0].id, "e");
    assert_eq!(page.changes[0].rev, re);
    let seq_after_e = page.last_seq.clone();

    // --- _local checkpoints ------------------------------------------------
    assert_eq!(store.get_local("checkpoint").unwrap(), None);
    store
        .put_local("checkpoint", &json!({"seq": seq_after_e, "n": 1}))
        .unwrap();
    assert_eq!(
        store.get_local("checkpoint").unwrap(),
        Some(json!({"seq": seq_after_e, "n": 1}))
    );
    store
        .put_local("_local/checkpoint", &json!({"seq": "later", "n": 2}))
        .unwrap();
    assert_eq!(
        store.get_local("checkpoint").unwrap(),
        Some(json!({"seq": "later", "n": 2})),
        "update (prefix optional)"
    );
    assert!(store.put_local("checkpoint", &json!([1])).is_err());
    let after_local = store.changes(&seq_after_e, 100, None).unwrap();
    assert!(
        after_local.changes.is_empty(),
        "_local docs are not in changes: {after_local:?}"
    );

    // --- design documents ----------------------------------------------------
    let design = json!({"language": "javascript", "views": {}});
    store.put_design("_design/migrate", &design).unwrap();
    store.put_design("migrate", &design).unwrap(); // unchanged, idempotent
    store
        .put_design(
            "migrate",
            &json!({"language": "javascript", "views": {}, "v": 2}),
        )
        .unwrap();
    let stored = store.get("_design/migrate").unwrap().expect("design doc");
    assert_eq!(stored.body["v"], 2);
    assert_eq!(generation(stored.rev.as_deref().unwrap()), 2);

    // --- all_docs: ordered by id, paged, no _design/_local/deleted ------------
    let mut expected: Vec<String> = vec!["a".into(), "b".into(), "d".into(), "e".into()];
    let batch: Vec<Doc> = (0..23)
        .map(|i| Doc::new(format!("p{i:02}"), json!({"i": i})))
        .collect();
    for outcome in store.bulk_write(&batch).unwrap() {
        written_rev(&outcome);
    }
    expected.extend(batch.iter().map(|d| d.id.clone()));
    // An id that sorts after "_design/" in both ASCII and CouchDB collation.
    write_one(store, Doc::new("zz", json!({})));
    expected.push("zz".into());
    expected.sort();

    let everything = store.all_docs(None, 1000).unwrap();
    let ids: Vec<String> = everything.iter().map(|d| d.id.clone()).collect();
    assert_eq!(ids, expected);
    assert_eq!(everything[0].body, json!({"title": "second", "n": 2}));
    assert!(everything.iter().all(|d| d.rev.is_some() && !d.deleted));

    for page_size in [1, 4, 7] {
        let mut seen = Vec::new();
        let mut after: Option<String> = None;
        loop {
            let page = store.all_docs(after.as_deref(), page_size).unwrap();
            assert!(page.len() <= page_size);
            if page.is_empty() {
                break;
            }
            after = Some(page.last().unwrap().id.clone());
            seen.extend(page.into_iter().map(|d| d.id));
        }
        assert_eq!(seen, expected, "page size {page_size}");
    }
    let tail = store.all_docs(Some("p20"), 10).unwrap();
    let tail: Vec<_> = tail.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(tail, ["p21", "p22", "zz"]);

    // --- follow ----------------------------------------------------------------
    let mut followed = Vec::new();
    let last = follow(
        store,
        "0",
        |change| {
            followed.push(change.id.clone());
            true
        },
        Duration::from_millis(300),
    )
    .unwrap();
    let followed_set: BTreeSet<_> = followed.iter().cloned().collect();
    assert_eq!(followed.len(), followed_set.len(), "{followed:?}");
    assert!(followed_set.contains("_design/migrate"), "{followed:?}");
    assert!(followed_set.contains("c"), "tombstones are changes");
    assert_eq!(followed_set.len(), expected.len() + 2); // + c + design doc
    assert!(
        store.changes(&last, 10, None).unwrap().changes.is_empty(),
        "follow returns a seq past everything"
    );

    // Stopping early returns the seq of the last handled change.
    let mut handled = Vec::new();
    let stop_seq = follow(
        store,
        "0",
        |change| {
            handled.push(change.seq.clone());
            handled.len() < 3
        },
        Duration::from_secs(5),
    )
    .unwrap();
    assert_eq!(handled.len(), 3);
    assert_eq!(stop_seq, handled[2]);
    let resumed = store.changes(&stop_seq, 1, None).unwrap();
    assert_eq!(resumed.changes[0].id, followed[3], "resume after the stop");

    // Following while another thread writes.
    let writer_url = url.clone();
    let writer = thread::spawn(move || {
        let other = open(&writer_url).unwrap();
        for i in 0..3 {
            thread::sleep(Duration::from_millis(100));
            write_one(&*other, Doc::new(format!("live{i}"), json!({"i": i})));
        }
    });
    let mut live = Vec::new();
    follow(
        store,
        &last,
        |change| {
            live.push(change.id.clone());
            live.len() < 3
        },
        Duration::from_secs(20),
    )
    .unwrap();
    writer.join().unwrap();
    assert_eq!(live, ["live0", "live1", "live2"]);
}

#[test]
fn sqlite_store_meets_the_contract() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("store.db").display());
    let store = open(&url).unwrap();
    assert_eq!(store.url(), url);
    contract(store);
}

#[test]
fn pouchdb_server_store_meets_the_contract() {
    let server = PouchServer::start().unwrap_or_else(|e| panic!("{e}"));
    // `open` creates the database.
    let url = format!("{}/contract", server.base_url());
    let store = open(&url).unwrap_or_else(|e| panic!("{e}\n{}", server.output()));
    assert_eq!(store.url(), url);
    contract(store);
}

#[test]
fn pouchdb_server_validate_doc_update_rejects() {
    let server = PouchServer::start().unwrap_or_else(|e| panic!("{e}"));
    let url = server.database_url("validated").unwrap();
    let store = open(&url).unwrap();
    store
        .put_design(
            "guard",
            &json!({
                "validate_doc_update":
                    "function (newDoc) { if (!newDoc._deleted && !newDoc.type) { throw({forbidden: 'type is required'}); } }"
            }),
        )
        .unwrap();
    let outcomes = store
        .bulk_write(&[
            Doc::new("ok", json!({"type": "note"})),
            Doc::new("untyped", json!({})),
        ])
        .unwrap();
    written_rev(&outcomes[0]);
    assert_eq!(
        outcomes[1],
        WriteOutcome::Rejected {
            id: "untyped".into(),
            reason: "type is required".into()
        }
    );
    assert_eq!(store.get("untyped").unwrap(), None);
}

#[test]
fn sqlite_revisions_are_deterministic() {
    let dir = tempfile::tempdir().unwrap();
    let one = SqliteStore::open(dir.path().join("one.db")).unwrap();
    let two = SqliteStore::open(dir.path().join("two.db")).unwrap();
    // Same body (in a different key order) + same previous rev → same rev.
    let r1 = write_one(&one, Doc::new("x", json!({"a": 1, "b": [1, 2]})));
    let r1b = write_one(&two, Doc::new("x", json!({"b": [1, 2], "a": 1})));
    assert_eq!(r1, r1b);
    assert_eq!(r1, next_rev(None, false, &json!({"a": 1, "b": [1, 2]})));
    let update = |rev: &str, body: Value| Doc {
        rev: Some(rev.to_owned()),
        ..Doc::new("x", body)
    };
    let r2 = write_one(&one, update(&r1, json!({"a": 2})));
    let r2b = write_one(&two, update(&r1b, json!({"a": 2})));
    assert_eq!(r2, r2b);
    assert!(r2.starts_with("2-"));
    // Different content → different rev.
    let other = write_one(&one, update(&r2, json!({"a": 3})));
    let differs = write_one(&two, update(&r2b, json!({"a": 4})));
    assert_ne!(other, differs);
    // Two workers racing the same write: one wins, the other conflicts, and
    // the stored rev equals what the loser would have written.
    let path = dir.path().join("race.db");
    let w1 = SqliteStore::open(&path).unwrap();
    let w2 = SqliteStore::open(&path).unwrap();
    let base = write_one(&w1, Doc::new("r", json!({"v": 1})));
    let a = w1
        .bulk_write(&[update_id("r", &base, json!({"v": 2}))])
        .unwrap();
    let b = w2
        .bulk_write(&[update_id("r", &base, json!({"v": 2}))])
        .unwrap();
    assert_eq!(b, vec![WriteOutcome::Conflict { id: "r".into() }]);
    assert_eq!(
        written_rev(&a[0]),
        next_rev(Some(&base), false, &json!({"v": 2}))
    );
}

fn update_id(id: &str, rev: &str, body: Value) -> Doc {
    Doc {
        rev: Some(rev.to_owned()),
        ..Doc::new(id, body)
    }
}

#[test]
fn open_dispatches_on_url() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("new.db");
    assert!(!path.exists());
    let store = open(&format!("sqlite:{}", path.display())).unwrap();
    assert!(path.exists(), "sqlite file created");
    assert!(store.url().starts_with("sqlite:"));
    // sqlite:// with an absolute path.
    let abs = open(&format!("sqlite://{}", dir.path().join("abs.db").display())).unwrap();
    assert!(abs.url().ends_with("abs.db"));

    for url in [
        "ftp://example.com/db",
        "postgres://localhost/db",
        "store.db",
        "https://localhost:6984/db",
    ] {
        let err = open(url).err().unwrap_or_else(|| panic!("{url} opened"));
        let message = err.to_string();
        assert!(
            matches!(err, StoreError::UnsupportedUrl { .. }),
            "{url}: {message}"
        );
        assert!(message.contains(url), "{message}");
        assert!(message.contains("sqlite:"), "{message}");
    }
    assert!(
        open("store.db")
            .err()
            .unwrap()
            .to_string()
            .contains("did you mean `sqlite:store.db`")
    );
    assert!(matches!(
        open("sqlite:").err().unwrap(),
        StoreError::InvalidUrl { .. }
    ));
    assert!(matches!(
        open("http://127.0.0.1:5984").err().unwrap(),
        StoreError::InvalidUrl { .. }
    ));

    // Nothing listening: a transport error naming the URL.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}/db");
    let err = open(&url).err().unwrap();
    assert!(matches!(err, StoreError::Transport { .. }), "{err}");
    assert!(err.to_string().contains(&url), "{err}");
}

#[test]
fn open_creates_couch_database() {
    let server = PouchServer::start().unwrap_or_else(|e| panic!("{e}"));
    let url = format!("{}/fresh-db", server.base_url());
    let store = open(&url).unwrap();
    assert!(store.all_docs(None, 10).unwrap().is_empty());
    // Opening an existing database is fine too.
    let again = open(&url).unwrap();
    write_one(&*again, Doc::new("x", json!({})));
    assert_eq!(store.all_docs(None, 10).unwrap().len(), 1);

    // pouchdb-server accepts any database name (CouchDB would answer 400
    // illegal_database_name for this one), so there is nothing to assert here
    // beyond it opening.
    assert!(open(&format!("{}/Not_Valid", server.base_url())).is_ok());
}

/// Serve one canned HTTP response per connection, `count` times.
fn canned_server(status: &'static str, body: &'static str, count: usize) -> u16 {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    thread::spawn(move || {
        for stream in listener.incoming().take(count) {
            let Ok(mut stream) = stream else { return };
            let mut buf = [0u8; 8192];
            let _ = stream.read(&mut buf);
            let response = format!(
                "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = stream.write_all(response.as_bytes());
        }
    });
    port
}

#[test]
fn http_errors_carry_status_couch_error_and_reason_without_secrets() {
    let port = canned_server(
        "401 Unauthorized",
        r#"{"error":"unauthorized","reason":"Name or password is incorrect."}"#,
        1,
    );
    let err = open(&format!("http://admin:hunter2@127.0.0.1:{port}/db"))
        .err()
        .expect("401 accepted");
    let message = err.to_string();
    assert!(
        matches!(&err, StoreError::Http { status: 401, error, .. } if error == "unauthorized"),
        "{message}"
    );
    assert_eq!(
        message,
        format!(
            "`http://admin:***@127.0.0.1:{port}/db` answered HTTP 401: unauthorized: Name or password is incorrect."
        )
    );
    assert!(!format!("{err:?}").contains("hunter2"));
}
