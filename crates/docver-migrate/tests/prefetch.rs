//! `Store::prefetch` on the CouchDB-compatible test server: what a read-ahead answers is what
//! a plain read says (documents, missing and deleted ones, conflicting revisions), each answer
//! is used once, and a write through the store forgets what was read ahead of it.

use docver_migrate::store::{Doc, open};
use docver_testkit::PouchServer;
use serde_json::json;

#[test]
fn read_ahead_answers_like_a_plain_read_once() {
    let server = PouchServer::start().unwrap();
    let url = server.database_url("ahead").unwrap();
    let store = open(&url).unwrap();
    let plain = open(&url).unwrap();
    store
        .bulk_write(&[
            Doc::new("a", json!({"x": 1})),
            Doc::new("gone", json!({"x": 1})),
        ])
        .unwrap();
    let gone = store.get("gone").unwrap().unwrap();
    store.bulk_write(&[gone.deletion()]).unwrap();
    // A second leaf revision of `a`, as replication from an offline client leaves it.
    let loser = json!({"_id": "a", "_rev": "1-0123456789abcdef0123456789abcdef", "x": 2});
    server
        .put_raw_document("ahead", "a?new_edits=false", &loser.to_string())
        .unwrap();

    let ids = ["a", "gone", "never", "a"].map(str::to_owned);
    store.prefetch(&ids).unwrap();
    for id in ["a", "gone", "never"] {
        assert_eq!(store.get(id).unwrap(), plain.get(id).unwrap(), "{id}");
        assert_eq!(
            store.conflicting_revisions(id).unwrap(),
            plain.conflicting_revisions(id).unwrap(),
            "{id}"
        );
    }
    assert_eq!(store.conflicting_revisions("a").unwrap().len(), 1);

    // Used once: a later read asks the server and sees another writer's edit.
    store.prefetch(&ids).unwrap();
    let current = plain.get("a").unwrap().unwrap();
    plain
        .bulk_write(&[current.updated(json!({"x": 3}))])
        .unwrap();
    let _ahead = store.get("a").unwrap();
    assert_eq!(store.get("a").unwrap().unwrap().body, json!({"x": 3}));

    // A write through the store forgets what was read ahead of the document.
    store.prefetch(&ids).unwrap();
    let current = store.get("a").unwrap().unwrap();
    store.prefetch(&ids).unwrap();
    store
        .bulk_write(&[current.updated(json!({"x": 4}))])
        .unwrap();
    assert_eq!(store.get("a").unwrap().unwrap().body, json!({"x": 4}));
}
