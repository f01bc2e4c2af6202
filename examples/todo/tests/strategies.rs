//! The seed's strategies end to end with the todo story (v1 → v4, including the split of the
//! status into its own document), on both stores: an SQLite file and a real CouchDB-compatible
//! server (pouchdb-server, installed and started by the test harness). Every document is
//! checked afterwards. Also the seed's three failure stories.

use std::collections::BTreeMap;
use std::time::Duration;

use docver::Family;
use docver_migrate::store::{Doc, Store, open};
use docver_migrate::strategy::engine::Membership;
use docver_migrate::strategy::{
    conflicts, live, per_version_databases, per_version_documents, transactional,
};
use docver_testkit::PouchServer;
use serde_json::{Value, json};
use todo::TodoFamily;

/// A fresh store of each kind, named `name`.
struct Stores {
    _dir: tempfile::TempDir,
    server: PouchServer,
}

impl Stores {
    fn new() -> Stores {
        let server =
            PouchServer::start().unwrap_or_else(|e| panic!("pouchdb-server must start: {e}"));
        Stores {
            _dir: tempfile::tempdir().unwrap(),
            server,
        }
    }

    fn both(&self, name: &str) -> Vec<Box<dyn Store>> {
        let sqlite = format!(
            "sqlite:{}",
            self._dir.path().join(format!("{name}.db")).display()
        );
        let couch = self.server.database_url(name).unwrap();
        vec![open(&sqlite).unwrap(), open(&couch).unwrap()]
    }
}

fn untagged() -> Membership {
    Membership {
        untagged_as_base: true,
        ..Membership::default()
    }
}

fn seed_v1(store: &dyn Store, n: usize) {
    let docs: Vec<Doc> = (0..n)
        .map(|i| {
            Doc::new(
                format!("todo{i:03}"),
                json!({"title": format!("task {i}"), "status": i % 3 == 0, "note": i}),
            )
        })
        .collect();
    store.bulk_write(&docs).unwrap();
}

fn all(store: &dyn Store) -> BTreeMap<String, Value> {
    store
        .all_docs(None, 10_000)
        .unwrap()
        .into_iter()
        .map(|d| (d.id, d.body))
        .collect()
}

/// Every todo is v4, its status document exists with the right progress, and the unknown
/// field `note` survived.
fn assert_todo_v4(store: &dyn Store, n: usize) {
    let docs = all(store);
    for i in 0..n {
        let todo = &docs[&format!("todo{i:03}")];
        assert_eq!(todo["version"], json!(4), "{todo}");
        assert_eq!(todo["title"], json!(format!("task {i}")));
        assert_eq!(todo["note"], json!(i), "unknown field lost: {todo}");
        assert!(todo.get("status").is_none());
        let status = &docs[&format!("todo-status:todo{i:03}")];
        assert_eq!(status["todo"], json!(format!("todo{i:03}")));
        assert_eq!(
            status["status"],
            json!(if i % 3 == 0 { "completed" } else { "open" })
        );
    }
}

#[test]
fn transactional_migrates_every_document_idempotently_on_both_stores() {
    let stores = Stores::new();
    for store in stores.both("transactional") {
        let store = store.as_ref();
        seed_v1(store, 30);
        let options = transactional::Options {
            batch_size: 7,
            membership: untagged(),
            ..transactional::Options::new(4)
        };
        let dry = transactional::run(
            store,
            &TodoFamily,
            &transactional::Options {
                dry_run: true,
                ..options.clone()
            },
        )
        .unwrap();
        assert_eq!((dry.examined, dry.migrated), (30, 30));
        assert!(dry.sample.is_some());
        assert_eq!(all(store).len(), 30, "a dry run writes nothing");
        let report = transactional::run(store, &TodoFamily, &options).unwrap();
        assert_eq!(
            (report.migrated, report.failed.len()),
            (30, 0),
            "{report:?}"
        );
        assert_todo_v4(store, 30);
        let again = transactional::run(store, &TodoFamily, &options).unwrap();
        assert_eq!(
            (again.migrated, again.already_at_target),
            (0, 30),
            "a re-run changes nothing"
        );
        // And back down for a legacy deployment: the status documents fold back in.
        let down = transactional::run(
            store,
            &TodoFamily,
            &transactional::Options {
                target: 1,
                ..options.clone()
            },
        )
        .unwrap();
        assert_eq!(down.migrated, 30);
        let docs = all(store);
        assert_eq!(docs.len(), 30, "obsolete status documents are deleted");
        assert_eq!(
            docs["todo003"],
            json!({"schema": "todo-item", "version": 1, "title": "task 3", "status": true, "note": 3})
        );
    }
}

#[test]
fn a_failing_document_is_reported_and_left_untouched() {
    let stores = Stores::new();
    for store in stores.both("failing") {
        let store = store.as_ref();
        seed_v1(store, 5);
        let bad = json!({"schema": "todo-item", "version": 3, "title": "x", "status": "maybe"});
        store
            .bulk_write(&[Doc::new("todo-bad", bad.clone())])
            .unwrap();
        let report = transactional::run(
            store,
            &TodoFamily,
            &transactional::Options {
                membership: untagged(),
                ..transactional::Options::new(4)
            },
        )
        .unwrap();
        assert_eq!(report.migrated, 5);
        assert_eq!(report.failed.len(), 1);
        assert_eq!(report.failed[0].id, "todo-bad");
        assert!(
            report.failed[0].error.contains("/status"),
            "{}",
            report.failed[0].error
        );
        assert_eq!(store.get("todo-bad").unwrap().unwrap().body, bad);
        let stop = transactional::run(
            store,
            &TodoFamily,
            &transactional::Options {
                fail_fast: true,
                membership: untagged(),
                ..transactional::Options::new(1)
            },
        )
        .unwrap();
        assert_eq!(stop.failed.len(), 1);
    }
}

#[test]
fn client_side_migrates_only_the_clients_documents() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&format!("sqlite:{}", dir.path().join("phone.db").display())).unwrap();
    let docs = vec![
        Doc::new(
            "a1",
            json!({"title": "ana's", "status": false, "owner": "ana"}),
        ),
        Doc::new(
            "b1",
            json!({"title": "ben's", "status": true, "owner": "ben"}),
        ),
    ];
    store.bulk_write(&docs).unwrap();
    let options = transactional::Options {
        membership: untagged(),
        only: Some(("owner".into(), json!("ana"))),
        ..transactional::Options::new(2)
    };
    let report = transactional::run(store.as_ref(), &TodoFamily, &options).unwrap();
    assert_eq!(report.migrated, 1);
    assert_eq!(store.get("a1").unwrap().unwrap().body["version"], json!(2));
    assert!(
        store
            .get("b1")
            .unwrap()
            .unwrap()
            .body
            .get("version")
            .is_none()
    );
}

#[test]
fn live_migration_reads_any_version_and_counts_what_remains() {
    let stores = Stores::new();
    for store in stores.both("live") {
        let store = store.as_ref();
        seed_v1(store, 4);
        let counts = live::stats(store, &TodoFamily, &untagged()).unwrap();
        assert_eq!(counts, BTreeMap::from([(Some(1), 4)]));
        let read = live::read(store, &TodoFamily, "todo001", 4)
            .unwrap()
            .unwrap()
            .unwrap();
        assert_eq!(read.view.main["version"], json!(4));
        let mut edited = read.view.clone();
        edited.main["title"] = json!("edited");
        live::write_current(store, &TodoFamily, &read, &edited)
            .unwrap()
            .unwrap();
        let counts = live::stats(store, &TodoFamily, &untagged()).unwrap();
        assert_eq!(counts, BTreeMap::from([(Some(1), 3), (Some(4), 1)]));
        assert_eq!(
            store.get("todo-status:todo001").unwrap().unwrap().body["status"],
            json!("open")
        );
    }
}

#[test]
fn per_version_databases_sync_both_ways_without_echo() {
    let stores = Stores::new();
    let sqlite: Vec<Box<dyn Store>> = (1..=4)
        .map(|v| stores.both(&format!("todos_v{v}")).remove(0))
        .collect();
    let couch: Vec<Box<dyn Store>> = (1..=4)
        .map(|v| stores.both(&format!("todos_v{v}")).remove(1))
        .collect();
    for dbs in [sqlite, couch] {
        let databases = per_version_databases::Databases {
            family: &TodoFamily,
            membership: untagged(),
            by_version: dbs
                .iter()
                .enumerate()
                .map(|(i, s)| (i as u32 + 1, s.as_ref()))
                .collect(),
        };
        dbs[0]
            .bulk_write(&[Doc::new("u1", json!({"title": "milk", "status": true}))])
            .unwrap();
        let first = databases
            .sync_until_quiet(10, Duration::from_millis(10))
            .unwrap();
        assert!(first.failed.is_empty(), "{first:?}");
        assert_eq!(
            dbs[1].get("u1").unwrap().unwrap().body["important"],
            json!(false)
        );
        assert_eq!(
            dbs[2].get("u1").unwrap().unwrap().body["status"],
            json!("completed")
        );
        assert_eq!(
            dbs[3].get("todo-status:u1").unwrap().unwrap().body["status"],
            json!("completed")
        );
        // A v3 app blocks it; v1 and v2 see "not done", v4 the blocked status, v3 keeps it.
        let v3 = dbs[2].get("u1").unwrap().unwrap();
        let mut body = v3.body.clone();
        body["status"] = json!("blocked");
        dbs[2].bulk_write(&[v3.updated(body)]).unwrap();
        let second = databases
            .sync_until_quiet(10, Duration::from_millis(10))
            .unwrap();
        assert!(second.failed.is_empty(), "{second:?}");
        assert_eq!(
            dbs[0].get("u1").unwrap().unwrap().body["status"],
            json!(false),
            "{:?}",
            dbs[0].get("u1").unwrap()
        );
        assert_eq!(
            dbs[3].get("todo-status:u1").unwrap().unwrap().body["status"],
            json!("blocked")
        );
        assert_eq!(
            dbs[2].get("u1").unwrap().unwrap().body["status"],
            json!("blocked"),
            "no echo overwrote the v3 edit"
        );
        let quiet = databases.sync_once().unwrap();
        assert_eq!(quiet.written, 0, "nothing loops");
    }
}

/// Each kind of store's four version databases, named `<name>_v<N>`.
fn four_databases(stores: &Stores, name: &str) -> [Vec<Box<dyn Store>>; 2] {
    let mut sqlite = Vec::new();
    let mut couch = Vec::new();
    for v in 1..=4 {
        let mut both = stores.both(&format!("{name}_v{v}"));
        couch.push(both.remove(1));
        sqlite.push(both.remove(0));
    }
    [sqlite, couch]
}

fn databases(dbs: &[Box<dyn Store>]) -> per_version_databases::Databases<'_> {
    per_version_databases::Databases {
        family: &TodoFamily,
        membership: untagged(),
        by_version: dbs
            .iter()
            .enumerate()
            .map(|(i, s)| (i as u32 + 1, s.as_ref()))
            .collect(),
    }
}

/// An app's edit of the stored `id`.
fn edit(store: &dyn Store, id: &str, change: impl FnOnce(&mut Value)) {
    let doc = store.get(id).unwrap().unwrap();
    let mut body = doc.body.clone();
    change(&mut body);
    store.bulk_write(&[doc.updated(body)]).unwrap();
}

fn sync(databases: &per_version_databases::Databases<'_>) -> per_version_databases::Report {
    databases
        .sync_until_quiet(10, Duration::from_millis(10))
        .unwrap()
}

/// Issue 13: a v1 app sets title A and `status` while a v4 app sets title B and `important`.
/// Merged against their common ancestor, both edits survive; the title, changed in both, keeps
/// the newest version's edit and the conflict is recorded.
#[test]
fn sync_merges_concurrent_edits_against_their_common_ancestor() {
    let stores = Stores::new();
    for dbs in four_databases(&stores, "ancestor") {
        let databases = databases(&dbs);
        dbs[0]
            .bulk_write(&[Doc::new("u1", json!({"title": "milk", "status": false}))])
            .unwrap();
        assert!(sync(&databases).failed.is_empty());
        edit(dbs[0].as_ref(), "u1", |b| {
            b["title"] = json!("A");
            b["status"] = json!(true);
        });
        edit(dbs[3].as_ref(), "u1", |b| {
            b["title"] = json!("B");
            b["important"] = json!(true);
        });
        let report = sync(&databases);
        assert!(
            report.failed.is_empty() && report.waiting.is_empty(),
            "{report:?}"
        );
        let body = |v: usize| dbs[v - 1].get("u1").unwrap().unwrap().body;
        for v in 1..=4 {
            assert_eq!(body(v)["title"], json!("B"), "v{v}: {}", body(v));
        }
        for v in 2..=4 {
            assert_eq!(body(v)["important"], json!(true), "v{v} lost the v4 edit");
        }
        assert_eq!(body(1)["status"], json!(true), "v1 lost its own edit");
        assert_eq!(body(3)["status"], json!("completed"));
        assert_eq!(
            dbs[3].get("todo-status:u1").unwrap().unwrap().body["status"],
            json!("completed")
        );
        assert_eq!(report.conflicts.len(), 1, "{:?}", report.conflicts);
        let conflict = &report.conflicts[0];
        assert_eq!(
            (
                conflict.path.as_str(),
                &conflict.kept,
                &conflict.lost,
                conflict.lost_version
            ),
            ("/main/title", &json!("B"), &json!("A"), 1)
        );
        assert_eq!(
            conflicts::list(dbs[3].as_ref(), "todo-item").unwrap(),
            report.conflicts,
            "the operator can list it"
        );
    }
}

/// Issue 13: a companion-only edit syncs, and a split document whose companion arrives late is
/// waited for and listed on every pass until it completes.
#[test]
fn sync_follows_companion_edits_and_waits_for_late_parts() {
    let stores = Stores::new();
    for dbs in four_databases(&stores, "parts") {
        let databases = databases(&dbs);
        dbs[3]
            .bulk_write(&[Doc::new(
                "u2",
                json!({"schema": "todo-item", "version": 4, "title": "call", "important": false}),
            )])
            .unwrap();
        for pass in 0..2 {
            let report = databases.sync_once().unwrap();
            assert_eq!(report.waiting.len(), 1, "pass {pass}: {report:?}");
            assert!(dbs[2].get("u2").unwrap().is_none());
        }
        dbs[3]
            .bulk_write(&[Doc::new(
                "todo-status:u2",
                json!({"schema": "todo-status", "version": 1, "todo": "u2", "status": "started"}),
            )])
            .unwrap();
        let report = sync(&databases);
        assert!(
            report.waiting.is_empty() && report.failed.is_empty(),
            "{report:?}"
        );
        assert_eq!(
            dbs[2].get("u2").unwrap().unwrap().body["status"],
            json!("started")
        );
        edit(dbs[3].as_ref(), "todo-status:u2", |b| {
            b["status"] = json!("completed")
        });
        let report = sync(&databases);
        assert!(report.written > 0, "{report:?}");
        assert_eq!(
            dbs[2].get("u2").unwrap().unwrap().body["status"],
            json!("completed")
        );
        assert_eq!(
            dbs[0].get("u2").unwrap().unwrap().body["status"],
            json!(true)
        );
    }
}

/// Issue 13: a v2 retitle and a concurrent `important = true` on `@4` both survive; a delete
/// reaches every version and companion, and neither a stale copy nor a late edit brings the
/// todo back (the late edit is a recorded conflict).
#[test]
fn worker_merges_concurrent_edits_and_propagates_deletes() {
    let stores = Stores::new();
    for store in stores.both("worker-merge") {
        let store = store.as_ref();
        let v2 = json!({"schema": "todo-item", "version": 2, "title": "milk", "status": false, "important": false});
        store
            .bulk_write(&[Doc::new("todo-item@2:u1", v2.clone())])
            .unwrap();
        assert!(
            worker(store, &[1, 2, 3, 4])
                .run()
                .unwrap()
                .failed
                .is_empty()
        );
        edit(store, "todo-item@2:u1", |b| b["title"] = json!("oat milk"));
        edit(store, "todo-item@4:u1", |b| b["important"] = json!(true));
        let report = worker(store, &[1, 2, 3, 4]).run().unwrap();
        assert!(report.conflicts.is_empty(), "{report:?}");
        let docs = all(store);
        for v in 1..=4 {
            assert_eq!(
                docs[&format!("todo-item@{v}:u1")]["title"],
                json!("oat milk")
            );
        }
        for v in 2..=4 {
            assert_eq!(docs[&format!("todo-item@{v}:u1")]["important"], json!(true));
        }

        let doomed = store.get("todo-item@3:u1").unwrap().unwrap();
        store.bulk_write(&[doomed.deletion()]).unwrap();
        let report = worker(store, &[1, 2, 3, 4]).run().unwrap();
        assert_eq!(report.deleted, 4, "3 copies and the v4 status: {report:?}");
        assert!(
            all(store).keys().all(|id| !id.ends_with(":u1")),
            "{:?}",
            all(store)
        );

        let stale = docs["todo-item@1:u1"].clone();
        store
            .bulk_write(&[Doc::new("todo-item@1:u1", stale)])
            .unwrap();
        let report = worker(store, &[1, 2, 3, 4]).run().unwrap();
        assert!(
            report.conflicts.is_empty(),
            "a stale copy is no edit: {report:?}"
        );
        let mut late = docs["todo-item@2:u1"].clone();
        late["title"] = json!("late");
        store
            .bulk_write(&[Doc::new("todo-item@2:u1", late)])
            .unwrap();
        let report = worker(store, &[1, 2, 3, 4]).run().unwrap();
        assert_eq!(report.conflicts.len(), 1, "{report:?}");
        assert_eq!(report.conflicts[0].lost["main"]["title"], json!("late"));
        assert!(
            all(store).keys().all(|id| !id.ends_with(":u1")),
            "resurrected"
        );
    }
}

fn worker<'a>(store: &'a dyn Store, live: &[u32]) -> per_version_documents::Worker<'a> {
    per_version_documents::Worker::new(
        store,
        &TodoFamily,
        per_version_documents::Options {
            live: live.to_vec(),
            idle_timeout: Duration::from_millis(300),
        },
    )
}

#[test]
fn per_version_documents_keep_every_live_version_deterministically() {
    let stores = Stores::new();
    for store in stores.both("versions") {
        let store = store.as_ref();
        store
            .bulk_write(&[Doc::new(
                "todo-item@1:u1",
                json!({"schema": "todo-item", "version": 1, "title": "milk", "status": true}),
            )])
            .unwrap();
        let report = worker(store, &[1, 2, 3, 4]).run().unwrap();
        assert!(report.failed.is_empty(), "{report:?}");
        let docs = all(store);
        assert_eq!(docs["todo-item@3:u1"]["status"], json!("completed"));
        assert_eq!(docs["todo-item@4:u1"]["title"], json!("milk"));
        assert_eq!(
            docs["todo-status@4:u1"]["todo"],
            json!("u1"),
            "references use the raw uuid"
        );
        // Idempotent, no loops: a second worker run (or a second worker) writes nothing.
        let again = worker(store, &[1, 2, 3, 4]).run().unwrap();
        assert_eq!(again.written, 0);
        let mut fresh = worker(store, &[1, 2, 3, 4]);
        fresh.options.idle_timeout = Duration::from_millis(100);
        let mut r = per_version_documents::Report::default();
        fresh.transform(1, "u1", &mut r).unwrap();
        assert_eq!(r.written, 0, "the same inputs give byte-identical outputs");
        // Retire v1, add it back.
        let w = worker(store, &[2, 3, 4]);
        assert_eq!(w.purge(1).unwrap(), 1);
        assert!(!all(store).contains_key("todo-item@1:u1"));
        let back = worker(store, &[1, 2, 3, 4]).backfill(1).unwrap();
        assert_eq!(back.written, 1);
        assert_eq!(all(store)["todo-item@1:u1"]["status"], json!(true));
    }
}

/// Failure story: the parts of a split document arrive out of order.
#[test]
fn split_parts_arriving_in_any_order_still_yield_the_right_output() {
    let stores = Stores::new();
    for store in stores.both("out-of-order") {
        let store = store.as_ref();
        // The v4 todo arrives first, its status document later.
        store
            .bulk_write(&[Doc::new(
                "todo-item@4:u2",
                json!({"schema": "todo-item", "version": 4, "title": "call", "important": true}),
            )])
            .unwrap();
        let first = worker(store, &[3, 4]).run().unwrap();
        assert_eq!(first.waiting.len(), 1, "v3 waits for the status: {first:?}");
        assert!(!all(store).contains_key("todo-item@3:u2"));
        store
            .bulk_write(&[Doc::new(
                "todo-status@4:u2",
                json!({"schema": "todo-status", "version": 1, "todo": "u2", "status": "started"}),
            )])
            .unwrap();
        let second = worker(store, &[3, 4]).run().unwrap();
        assert!(
            second.waiting.is_empty() && second.failed.is_empty(),
            "{second:?}"
        );
        assert_eq!(all(store)["todo-item@3:u2"]["status"], json!("started"));
    }
}

/// Failure story: an offline client syncs an old-version todo after a transactional migration
/// finished. The one-shot migration misses it; the `_changes` worker does not.
#[test]
fn an_offline_clients_late_document_is_missed_by_the_one_shot_but_not_by_the_worker() {
    let stores = Stores::new();
    for store in stores.both("late") {
        let store = store.as_ref();
        seed_v1(store, 3);
        transactional::run(
            store,
            &TodoFamily,
            &transactional::Options {
                membership: untagged(),
                ..transactional::Options::new(4)
            },
        )
        .unwrap();
        // The offline phone comes back with a v1 todo.
        store
            .bulk_write(&[Doc::new(
                "late",
                json!({"title": "from the train", "status": false}),
            )])
            .unwrap();
        let counts = live::stats(store, &TodoFamily, &untagged()).unwrap();
        assert_eq!(
            counts.get(&Some(1)),
            Some(&1),
            "the one-shot migration missed it"
        );
        // With per-version documents the worker picks it up whenever it arrives.
        store
            .bulk_write(&[Doc::new("todo-item@1:late2", json!({"schema": "todo-item", "version": 1, "title": "from the train", "status": false}))])
            .unwrap();
        worker(store, &[1, 4]).run().unwrap();
        assert_eq!(all(store)["todo-item@4:late2"]["version"], json!(4));
    }
}

/// Failure story: two devices of one user both run the client-side migration, then sync. The
/// migration is deterministic, so both produce the same revision: no forked document. (On a
/// server that computes revisions differently, the second push is a 409 conflict that the
/// transactional engine re-reads and finds already migrated.)
#[test]
fn two_devices_migrating_the_same_document_do_not_fork_it() {
    let dir = tempfile::tempdir().unwrap();
    let phone = open(&format!("sqlite:{}", dir.path().join("phone.db").display())).unwrap();
    let tablet = open(&format!(
        "sqlite:{}",
        dir.path().join("tablet.db").display()
    ))
    .unwrap();
    for device in [&phone, &tablet] {
        device
            .bulk_write(&[Doc::new("t1", json!({"title": "milk", "status": true}))])
            .unwrap();
        transactional::run(
            device.as_ref(),
            &TodoFamily,
            &transactional::Options {
                membership: untagged(),
                ..transactional::Options::new(4)
            },
        )
        .unwrap();
    }
    let (a, b) = (
        phone.get("t1").unwrap().unwrap(),
        tablet.get("t1").unwrap().unwrap(),
    );
    assert_eq!(
        a.rev, b.rev,
        "identical migrations give identical revisions"
    );
    assert_eq!(a.body, b.body);
    // The server already has the phone's result; the tablet's push conflicts and is detected.
    let stores = Stores::new();
    let server = stores.both("devices").remove(1);
    server
        .bulk_write(&[Doc::new("t1", json!({"title": "milk", "status": true}))])
        .unwrap();
    transactional::run(
        server.as_ref(),
        &TodoFamily,
        &transactional::Options {
            membership: untagged(),
            ..transactional::Options::new(4)
        },
    )
    .unwrap();
    let stale = Doc {
        rev: None,
        ..b.clone()
    };
    let outcome = server.bulk_write(&[stale]).unwrap();
    assert!(
        matches!(outcome[0], docver_migrate::WriteOutcome::Conflict { .. }),
        "{outcome:?}"
    );
    assert_eq!(
        server.get("t1").unwrap().unwrap().body,
        a.body,
        "one document, not a fork"
    );
}

#[test]
fn the_replication_filter_and_supported_versions_document() {
    let selector = per_version_documents::replication_selector(&TodoFamily, "schema", "version", 2);
    assert_eq!(
        selector,
        json!({"$nor": [{"schema": "todo-item", "version": {"$lt": 2}}]})
    );
    let doc = per_version_documents::supported_versions(&TodoFamily, &[4, 2, 3]);
    assert_eq!(doc.id, "docver-supported-versions:todo-item");
    assert_eq!(doc.body["oldest"], json!(2));
    assert_eq!(TodoFamily.latest(), 4);
}

/// A store that lets another writer edit `todo002` just before the migration writes it.
struct Meddler {
    inner: Box<dyn Store>,
    fired: std::sync::atomic::AtomicBool,
}

impl Store for Meddler {
    fn url(&self) -> String {
        self.inner.url()
    }
    fn get(&self, id: &str) -> Result<Option<Doc>, docver_migrate::StoreError> {
        self.inner.get(id)
    }
    fn all_docs(
        &self,
        start_after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<Doc>, docver_migrate::StoreError> {
        self.inner.all_docs(start_after, limit)
    }
    fn bulk_write(
        &self,
        docs: &[Doc],
    ) -> Result<Vec<docver_migrate::WriteOutcome>, docver_migrate::StoreError> {
        use std::sync::atomic::Ordering;
        if docs.iter().any(|d| d.id == "todo002") && !self.fired.swap(true, Ordering::SeqCst) {
            let current = self.inner.get("todo002")?.unwrap();
            let mut body = current.body.clone();
            body["title"] = json!("edited meanwhile");
            self.inner.bulk_write(&[current.updated(body)])?;
        }
        self.inner.bulk_write(docs)
    }
    fn changes(
        &self,
        since: &str,
        limit: usize,
        wait: Option<Duration>,
    ) -> Result<docver_migrate::ChangesPage, docver_migrate::StoreError> {
        self.inner.changes(since, limit, wait)
    }
    fn get_local(&self, id: &str) -> Result<Option<Value>, docver_migrate::StoreError> {
        self.inner.get_local(id)
    }
    fn put_local(&self, id: &str, value: &Value) -> Result<(), docver_migrate::StoreError> {
        self.inner.put_local(id, value)
    }
    fn put_design(&self, id: &str, design: &Value) -> Result<(), docver_migrate::StoreError> {
        self.inner.put_design(id, design)
    }
}

#[test]
fn a_conflicting_write_is_re_read_and_retried_none_lost() {
    let stores = Stores::new();
    for inner in stores.both("conflicts") {
        seed_v1(inner.as_ref(), 5);
        let store = Meddler {
            inner,
            fired: Default::default(),
        };
        let report = transactional::run(
            &store,
            &TodoFamily,
            &transactional::Options {
                membership: untagged(),
                ..transactional::Options::new(4)
            },
        )
        .unwrap();
        assert_eq!(
            (report.migrated, report.retried, report.failed.len()),
            (5, 1, 0),
            "{report:?}"
        );
        let edited = store.get("todo002").unwrap().unwrap().body;
        assert_eq!(
            edited["title"],
            json!("edited meanwhile"),
            "the concurrent edit is not lost"
        );
        assert_eq!(edited["version"], json!(4));
    }
}

#[test]
fn plan_reads_the_familys_declared_changes() {
    use docver_migrate::strategy::plan;
    let steps = plan::breaking_steps(&TodoFamily, &[1, 2], true, true).unwrap();
    assert!(
        steps.is_empty(),
        "adding `important` needs no migration: {steps:?}"
    );
    let steps = plan::breaking_steps(&TodoFamily, &[1, 2, 3, 4], true, true).unwrap();
    let summary: Vec<_> = steps.iter().map(|s| (s.from, s.to, s.direction)).collect();
    assert_eq!(
        summary,
        vec![(2, 3, "backward"), (2, 3, "forward"), (3, 4, "forward")]
    );
    let recommendation = plan::recommend(&plan::Facts {
        offline_clients: true,
        compatible: steps.is_empty(),
        ..plan::Facts::default()
    });
    assert_eq!(
        recommendation.strategy,
        Some(plan::Strategy::PerVersionDocuments)
    );
}

/// Issue 13 (the seed's first failure story): an offline client's late edit replicates in as a
/// conflicting revision (`_conflicts`). The worker reads it, merges it against the remembered
/// copy (its title survives next to the winning revision's `important`), deletes the losing
/// revision and carries the result to every version.
#[test]
fn the_worker_merges_conflicting_revisions_and_resolves_them() {
    let stores = Stores::new();
    let store = stores.both("revisions").remove(1);
    let store = store.as_ref();
    store
        .bulk_write(&[Doc::new(
            "todo-item@1:u3",
            json!({"schema": "todo-item", "version": 1, "title": "bread", "status": false}),
        )])
        .unwrap();
    assert!(worker(store, &[1, 4]).run().unwrap().failed.is_empty());
    let first = store.get("todo-item@4:u3").unwrap().unwrap();
    let first_rev = first.rev.clone().unwrap();
    edit(store, "todo-item@4:u3", |b| b["important"] = json!(true));
    // The offline client's edit of the first revision, as replication stores it.
    let loser = "0".repeat(32);
    let mut late = first.body.clone();
    late["title"] = json!("rye bread");
    late["_rev"] = json!(format!("2-{loser}"));
    late["_revisions"] = json!({"start": 2, "ids": [loser, first_rev.split_once('-').unwrap().1]});
    stores
        .server
        .put_raw_document(
            "revisions",
            "todo-item@4:u3?new_edits=false",
            &late.to_string(),
        )
        .unwrap();
    assert_eq!(
        conflicts::unresolved(store).unwrap(),
        vec![conflicts::Unresolved {
            id: "todo-item@4:u3".into(),
            revisions: vec![format!("2-{loser}")],
        }],
        "the operator sees it (`todo conflicts`)"
    );
    let report = worker(store, &[1, 4]).run().unwrap();
    assert!(report.failed.is_empty(), "{report:?}");
    assert!(
        report.deleted >= 1,
        "the losing revision is deleted: {report:?}"
    );
    assert!(conflicts::unresolved(store).unwrap().is_empty(), "resolved");
    let docs = all(store);
    assert_eq!(
        docs["todo-item@4:u3"]["title"],
        json!("rye bread"),
        "{docs:?}"
    );
    assert_eq!(docs["todo-item@4:u3"]["important"], json!(true));
    assert_eq!(docs["todo-item@1:u3"]["title"], json!("rye bread"));
}

/// More changed documents than the worker reconciles at once: every one is reconciled (in
/// batches, as the feed goes) and counted once.
#[test]
fn the_worker_reconciles_a_long_feed_in_batches() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&format!("sqlite:{}", dir.path().join("long.db").display())).unwrap();
    let docs: Vec<Doc> = (0..1200)
        .map(|i| {
            Doc::new(
                format!("todo-item@1:u{i:04}"),
                json!({"schema": "todo-item", "version": 1, "title": format!("t{i}"), "status": false}),
            )
        })
        .collect();
    store.bulk_write(&docs).unwrap();
    let report = worker(store.as_ref(), &[1, 4]).run().unwrap();
    assert!(
        report.failed.is_empty() && report.waiting.is_empty(),
        "{report:?}"
    );
    assert_eq!(report.written, 2400, "each todo's v4 form and status");
    let stored = all(store.as_ref());
    assert_eq!(
        stored
            .keys()
            .filter(|id| id.starts_with("todo-item@4:"))
            .count(),
        1200
    );
    assert_eq!(worker(store.as_ref(), &[1, 4]).run().unwrap().written, 0);
}
