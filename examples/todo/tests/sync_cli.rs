//! `todo sync` and `todo conflicts` as an operator runs them: a conflict `sync` resolved is
//! counted in its summary and listed by `conflicts`; a document left waiting for its companion
//! is listed and the run exits 1 until it completes.

mod common;

use common::{text, todo};

use docver_migrate::store::{Doc, Store, open};
use serde_json::json;

fn retitle(store: &dyn Store, id: &str, title: &str) {
    let doc = store.get(id).unwrap().unwrap();
    let mut body = doc.body.clone();
    body["title"] = json!(title);
    store.bulk_write(&[doc.updated(body)]).unwrap();
}

#[test]
fn sync_counts_and_conflicts_lists_what_it_resolved() {
    let dir = tempfile::tempdir().unwrap();
    let urls: Vec<String> = [1, 4]
        .iter()
        .map(|v| format!("sqlite:{}", dir.path().join(format!("v{v}.db")).display()))
        .collect();
    let stores: Vec<Box<dyn Store>> = urls.iter().map(|u| open(u).unwrap()).collect();
    let v1 = json!({"schema": "todo-item", "version": 1, "title": "milk", "status": false});
    stores[0].bulk_write(&[Doc::new("u1", v1)]).unwrap();
    let dbs = [format!("1={}", urls[0]), format!("4={}", urls[1])];
    let sync = || todo(&["sync", "--db", &dbs[0], "--db", &dbs[1]]);
    let first = sync();
    assert_eq!(first.status.code(), Some(0), "{}", text(&first));

    retitle(stores[0].as_ref(), "u1", "oat milk");
    retitle(stores[1].as_ref(), "u1", "soy milk");
    let second = sync();
    assert_eq!(second.status.code(), Some(0), "{}", text(&second));
    assert!(
        String::from_utf8_lossy(&second.stdout).contains("1 conflicts resolved"),
        "{}",
        text(&second)
    );
    let listed = todo(&["conflicts", "--store", &urls[1]]);
    let stdout = String::from_utf8_lossy(&listed.stdout);
    assert_eq!(listed.status.code(), Some(0), "{}", text(&listed));
    assert!(
        stdout.contains("u1 /main/title")
            && stdout.contains("kept \"soy milk\", lost \"oat milk\""),
        "{}",
        text(&listed)
    );

    // A v4 todo whose status document has not arrived: listed and exit 1, on every run.
    let v4 = json!({"schema": "todo-item", "version": 4, "title": "call", "important": false});
    stores[1].bulk_write(&[Doc::new("u2", v4)]).unwrap();
    for _ in 0..2 {
        let waiting = sync();
        assert_eq!(waiting.status.code(), Some(1), "{}", text(&waiting));
        assert!(
            String::from_utf8_lossy(&waiting.stderr).contains("waiting: u2:"),
            "{}",
            text(&waiting)
        );
    }
}
