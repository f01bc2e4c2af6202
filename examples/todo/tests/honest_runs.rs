//! A migration reports only the success it earned: a resumed run finds documents added below
//! its checkpoint, two runs with different targets cannot both succeed, and a mistyped store URL
//! is an error rather than a new empty database.

mod common;

use common::{sqlite_url, text, todo};
use std::process::{Command, Output};
use std::time::{SystemTime, UNIX_EPOCH};

use docver_migrate::store::{Doc, Store, StoreError, open, open_existing};
use docver_testkit::PouchServer;
use serde_json::json;

const DOCS: usize = 12;

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

fn migrate_to(url: &str, target: &str) -> Output {
    todo(&[
        "migrate",
        "--store",
        url,
        "--to",
        target,
        "--untagged-as-base",
        "--batch",
        "5",
    ])
}

/// Main documents (`todo…`, not companions) at `version`.
fn at_version(store: &dyn Store, version: u32) -> usize {
    store
        .all_docs(None, 1000)
        .unwrap()
        .iter()
        .filter(|d| d.id.starts_with("todo0") && d.body["version"] == json!(version))
        .count()
}

#[test]
fn a_resumed_run_finds_documents_added_below_its_checkpoint() {
    let dir = tempfile::tempdir().unwrap();
    let url = sqlite_url(dir.path(), "resume.db");
    let store = open(&url).unwrap();
    seed(store.as_ref());
    let first = migrate_to(&url, "4");
    assert_eq!(first.status.code(), Some(0), "{}", text(&first));

    // As if that run had been interrupted after `todo008`, and a client then synced a v1
    // document whose id sorts below it.
    store
        .bulk_write(&[Doc::new(
            "todo005a",
            json!({"title": "late", "status": false}),
        )])
        .unwrap();
    store
        .put_local("docver-migrate-todo-item-v4", &json!({"after": "todo008"}))
        .unwrap();
    let resumed = migrate_to(&url, "4");
    assert_eq!(resumed.status.code(), Some(0), "{}", text(&resumed));
    let stdout = String::from_utf8_lossy(&resumed.stdout);
    assert!(
        stdout.contains("resumed from a checkpoint"),
        "{}",
        text(&resumed)
    );
    assert!(
        stdout.contains("1 documents below it"),
        "{}",
        text(&resumed)
    );
    assert_eq!(
        at_version(store.as_ref(), 4),
        DOCS + 1,
        "the late document too"
    );
}

fn now_ms() -> u64 {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap();
    u64::try_from(now.as_millis()).unwrap()
}

#[test]
fn a_run_refuses_while_another_target_holds_the_store() {
    let dir = tempfile::tempdir().unwrap();
    let url = sqlite_url(dir.path(), "lease.db");
    let store = open(&url).unwrap();
    seed(store.as_ref());
    let lease = "docver-migrate-todo-item-lease";

    // A live run to version 1: a run to version 4 refuses and writes nothing.
    let other =
        json!({"owner": "other", "target": 1, "renewed_at_ms": now_ms(), "released": false});
    store.put_local(lease, &other).unwrap();
    let refused = migrate_to(&url, "4");
    assert_eq!(refused.status.code(), Some(2), "{}", text(&refused));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.contains("a migration to version 1"),
        "{}",
        text(&refused)
    );
    assert_eq!(at_version(store.as_ref(), 4), 0);

    // A run to the same target may share the store.
    let same = json!({"owner": "other", "target": 4, "renewed_at_ms": now_ms(), "released": false});
    store.put_local(lease, &same).unwrap();
    let shared = migrate_to(&url, "4");
    assert_eq!(shared.status.code(), Some(0), "{}", text(&shared));
    assert_eq!(at_version(store.as_ref(), 4), DOCS);

    // A crashed run's lease expires.
    let stale = json!({"owner": "other", "target": 4, "renewed_at_ms": 1, "released": false});
    store.put_local(lease, &stale).unwrap();
    let back = migrate_to(&url, "1");
    assert_eq!(back.status.code(), Some(0), "{}", text(&back));
    assert_eq!(at_version(store.as_ref(), 1), DOCS);
    let released = store.get_local(lease).unwrap().unwrap();
    assert_eq!(released["released"], json!(true), "{released}");
}

#[test]
fn two_runs_with_opposite_targets_never_both_succeed() {
    let dir = tempfile::tempdir().unwrap();
    let url = sqlite_url(dir.path(), "race.db");
    let store = open(&url).unwrap();
    let docs: Vec<Doc> = (0..400)
        .map(|i| {
            Doc::new(
                format!("todo{i:04}"),
                json!({"title": format!("task {i}"), "status": i % 2 == 0}),
            )
        })
        .collect();
    store.bulk_write(&docs).unwrap();
    let spawn = |target: &str| {
        Command::new(env!("CARGO_BIN_EXE_todo"))
            .args([
                "migrate",
                "--store",
                &url,
                "--to",
                target,
                "--untagged-as-base",
            ])
            .args(["--batch", "2"])
            .output()
    };
    let (up, down) = std::thread::scope(|scope| {
        let up = scope.spawn(|| spawn("4").unwrap());
        let down = scope.spawn(|| spawn("1").unwrap());
        (up.join().unwrap(), down.join().unwrap())
    });
    let succeeded = [&up, &down]
        .iter()
        .filter(|o| o.status.code() == Some(0))
        .count();
    assert!(
        succeeded < 2,
        "both reported success:\n{}\n{}",
        text(&up),
        text(&down)
    );
}

#[test]
fn a_mistyped_store_is_an_error_unless_create() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("typo.db");
    let url = format!("sqlite:{}", path.display());
    for args in [
        &["stats", "--store", &url][..],
        &["migrate", "--store", &url, "--to", "4"],
        &["worker", "--store", &url, "--live", "1,4", "--idle-ms", "1"],
    ] {
        let output = todo(args);
        assert_eq!(output.status.code(), Some(2), "{}", text(&output));
        assert!(
            String::from_utf8_lossy(&output.stderr).contains("does not exist"),
            "{}",
            text(&output)
        );
        assert!(!path.exists(), "`todo {}` created the file", args.join(" "));
    }
    let created = todo(&["migrate", "--store", &url, "--to", "4", "--create"]);
    assert_eq!(created.status.code(), Some(0), "{}", text(&created));
    assert!(path.exists());

    let server = PouchServer::start().unwrap_or_else(|e| panic!("pouchdb-server must start: {e}"));
    let typo = format!("{}/tpyo", server.base_url());
    for args in [
        &["stats", "--store", &typo][..],
        &["migrate", "--store", &typo, "--to", "4"],
    ] {
        let output = todo(args);
        assert_eq!(output.status.code(), Some(2), "{}", text(&output));
        assert!(
            matches!(open_existing(&typo).err(), Some(StoreError::Missing { .. })),
            "`todo {}` created the database",
            args.join(" ")
        );
    }
    let created = todo(&["migrate", "--store", &typo, "--to", "4", "--create"]);
    assert_eq!(created.status.code(), Some(0), "{}", text(&created));
    assert!(open_existing(&typo).is_ok());
}
