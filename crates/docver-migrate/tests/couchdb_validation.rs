//! The generated CouchDB design document, loaded into a real CouchDB-compatible server
//! (pouchdb-server enforces `validate_doc_update`): documents of every live todo version are
//! accepted, invalid ones rejected with a message naming the version and the field.

use std::collections::BTreeMap;
use std::path::PathBuf;

use docver_codegen::couchdb::{ValidationOptions, declared_version, design_document};
use docver_migrate::store::{Doc, WriteOutcome, open};
use docver_testkit::PouchServer;
use serde_json::{Value, json};

fn todo_schemas() -> BTreeMap<u32, Value> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/todo/schemas");
    (1..=4)
        .map(|n| {
            let text = std::fs::read_to_string(dir.join(format!("v{n}.json"))).unwrap();
            let schema: Value = serde_json::from_str(&text).unwrap();
            assert_eq!(declared_version(&schema, "version"), Some(n));
            (n, schema)
        })
        .collect()
}

#[test]
fn the_server_accepts_every_live_version_and_rejects_the_rest_with_the_message() {
    let server = PouchServer::start().unwrap_or_else(|e| panic!("pouchdb-server must start: {e}"));
    let store = open(&server.database_url("validated").unwrap()).unwrap();
    let options = ValidationOptions {
        base_version: Some(1),
        ..ValidationOptions::default()
    };
    let design = design_document("todo-item", &todo_schemas(), &options).unwrap();
    let mut body = design.to_json();
    body.as_object_mut().unwrap().remove("_id");
    store.put_design(&design.id, &body).unwrap();

    let valid = [
        (
            "v1",
            json!({"schema": "todo-item", "version": 1, "title": "milk", "status": true}),
        ),
        (
            "v2",
            json!({"schema": "todo-item", "version": 2, "title": "milk", "status": false, "important": true}),
        ),
        (
            "v3",
            json!({"schema": "todo-item", "version": 3, "title": "milk", "status": "blocked"}),
        ),
        (
            "v4",
            json!({"schema": "todo-item", "version": 4, "title": "milk"}),
        ),
        (
            "untagged-v1",
            json!({"schema": "todo-item", "title": "old", "status": true}),
        ),
        ("other", json!({"schema": "shopping-list", "items": []})),
    ];
    let docs: Vec<Doc> = valid
        .iter()
        .map(|(id, body)| Doc::new(*id, body.clone()))
        .collect();
    for outcome in store.bulk_write(&docs).unwrap() {
        assert!(
            matches!(outcome, WriteOutcome::Written { .. }),
            "{outcome:?}"
        );
    }

    let invalid = [
        (
            "bad-status",
            json!({"schema": "todo-item", "version": 3, "title": "x", "status": true}),
            "todo-item version 3: /status",
        ),
        (
            "missing-title",
            json!({"schema": "todo-item", "version": 2, "status": true}),
            "todo-item version 2: /title: is required but missing",
        ),
        (
            "unknown-version",
            json!({"schema": "todo-item", "version": 9, "title": "x"}),
            "version 9 is not a live version",
        ),
        (
            "wrong-id",
            json!({"schema": "todo-item", "version": 2, "title": "x", "status": true}),
            "names version 3",
        ),
    ];
    for (id, body, expected) in invalid {
        let id = if id == "wrong-id" {
            "todo-item@3:abc"
        } else {
            id
        };
        let outcome = store.bulk_write(&[Doc::new(id, body)]).unwrap().remove(0);
        match outcome {
            WriteOutcome::Rejected { reason, .. } => {
                assert!(reason.contains(expected), "{id}: {reason}")
            }
            other => panic!("{id} should be rejected: {other:?}"),
        }
        assert!(store.get(id).unwrap().is_none(), "{id} must not be stored");
    }
}
