//! No silent skip: every document a command leaves alone is counted and named, checkpoints are
//! keyed by what selects documents, the family's `base` is honoured, `stats` never writes, a
//! lossy downgrade needs `--allow-lossy`, versions are checked against the family, and
//! `--fail-fast` writes what it read before the failure. On SQLite, and where the server
//! behaves differently (checkpoints, base) on the CouchDB-compatible test server too.

mod common;

use common::{json_of, sqlite_url, stdout, text, todo};

use docver_migrate::store::{Doc, Store, open};
use docver_migrate::strategy::transactional;
use docver_testkit::PouchServer;
use serde_json::{Value, json};
use todo::TodoFamily;

/// Untagged v1 todos (written before versioning), half ana's and half bob's.
fn seed_owners(store: &dyn Store, n: usize) {
    let docs: Vec<Doc> = (0..n)
        .map(|i| {
            let owner = if i % 2 == 0 { "ana" } else { "bob" };
            Doc::new(
                format!("todo{i:03}"),
                json!({"title": format!("task {i}"), "status": false, "owner": owner}),
            )
        })
        .collect();
    store.bulk_write(&docs).unwrap();
}

/// The version of each main todo document (`todo…` ids), by owner.
fn versions_of(store: &dyn Store, owner: &str) -> Vec<Value> {
    store
        .all_docs(None, 1000)
        .unwrap()
        .into_iter()
        .filter(|d| d.id.starts_with("todo0") && d.body["owner"] == json!(owner))
        .map(|d| d.body.get("version").cloned().unwrap_or(Value::Null))
        .collect()
}

fn checkpoints_are_keyed_by_the_selection(url: &str) {
    let store = open(url).unwrap();
    seed_owners(store.as_ref(), 10);
    // Ana's run was interrupted past every id; bob's run must neither resume from it nor
    // overwrite it.
    let mut ana = transactional::Options::new(4);
    ana.only = Some(("owner".to_owned(), json!("ana")));
    let ana_checkpoint = transactional::checkpoint_id(&TodoFamily, &ana);
    let interrupted = json!({"after": "todo999"});
    store.put_local(&ana_checkpoint, &interrupted).unwrap();

    let bob = todo(&[
        "migrate",
        "--store",
        url,
        "--to",
        "4",
        "--only",
        "owner=bob",
    ]);
    assert_eq!(bob.status.code(), Some(0), "{}", text(&bob));
    assert!(!stdout(&bob).contains("resumed"), "{}", text(&bob));
    assert!(
        stdout(&bob).starts_with("5 documents examined, migrated 5"),
        "{}",
        text(&bob)
    );
    assert_eq!(versions_of(store.as_ref(), "bob"), vec![json!(4); 5]);
    assert_eq!(versions_of(store.as_ref(), "ana"), vec![Value::Null; 5]);
    assert_eq!(
        store.get_local(&ana_checkpoint).unwrap(),
        Some(interrupted),
        "bob's run left ana's checkpoint alone"
    );
    let plain = transactional::checkpoint_id(&TodoFamily, &transactional::Options::new(4));
    assert_ne!(ana_checkpoint, plain);
}

#[test]
fn checkpoints_are_keyed_by_the_selection_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    checkpoints_are_keyed_by_the_selection(&sqlite_url(dir.path(), "only.db"));
}

#[test]
fn checkpoints_are_keyed_by_the_selection_on_couchdb() {
    let server = PouchServer::start().unwrap_or_else(|e| panic!("pouchdb-server must start: {e}"));
    checkpoints_are_keyed_by_the_selection(&server.database_url("only").unwrap());
}

/// Untagged todos are read as the family's base without `--untagged-as-base`; another
/// family's documents and unselected ones are counted and named, in text and JSON.
fn the_base_is_honoured_and_skips_are_named(url: &str) {
    let store = open(url).unwrap();
    seed_owners(store.as_ref(), 6);
    store
        .bulk_write(&[Doc::new(
            "contact-1",
            json!({"schema": "contact", "version": 1, "name": "Ana"}),
        )])
        .unwrap();

    let stats = todo(&["stats", "--store", url]);
    assert_eq!(stats.status.code(), Some(0), "{}", text(&stats));
    assert!(
        stdout(&stats).starts_with("version 1: 6\n"),
        "{}",
        text(&stats)
    );
    assert!(
        stdout(&stats).contains("skipped 1 (another family's documents): contact-1"),
        "{}",
        text(&stats)
    );

    let ana = todo(&[
        "migrate",
        "--store",
        url,
        "--to",
        "4",
        "--only",
        "owner=ana",
        "--format",
        "json",
    ]);
    assert_eq!(ana.status.code(), Some(0), "{}", text(&ana));
    let report = json_of(&ana);
    assert_eq!(report["examined"], json!(3), "{report}");
    assert_eq!(report["migrated"], json!(3), "{report}");
    assert_eq!(
        report["skipped"],
        json!([
            {"reason": "other-family", "why": "another family's documents", "count": 1,
             "ids": ["contact-1"]},
            {"reason": "not-selected", "why": "not selected by --only", "count": 3,
             "ids": ["todo001", "todo003", "todo005"]},
        ]),
        "{report}"
    );
    assert_eq!(report["exit_code"], json!(0));

    let all = todo(&["migrate", "--store", url, "--to", "4"]);
    assert_eq!(all.status.code(), Some(0), "{}", text(&all));
    assert_eq!(versions_of(store.as_ref(), "bob"), vec![json!(4); 3]);
    let flagged = todo(&["stats", "--store", url, "--untagged-as-base"]);
    assert_eq!(flagged.status.code(), Some(0), "{}", text(&flagged));
    assert!(
        String::from_utf8_lossy(&flagged.stderr).contains("no longer needed"),
        "{}",
        text(&flagged)
    );
}

#[test]
fn the_base_is_honoured_and_skips_are_named_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    the_base_is_honoured_and_skips_are_named(&sqlite_url(dir.path(), "base.db"));
}

#[test]
fn the_base_is_honoured_and_skips_are_named_on_couchdb() {
    let server = PouchServer::start().unwrap_or_else(|e| panic!("pouchdb-server must start: {e}"));
    the_base_is_honoured_and_skips_are_named(&server.database_url("base").unwrap());
}

#[test]
fn stats_leaves_the_file_byte_identical() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("stats.db");
    let url = format!("sqlite:{}", path.display());
    {
        let store = open(&url).unwrap();
        seed_owners(store.as_ref(), 4);
    }
    let before = std::fs::read(&path).unwrap();
    let stats = todo(&["stats", "--store", &url]);
    assert_eq!(stats.status.code(), Some(0), "{}", text(&stats));
    assert!(stdout(&stats).contains("version 1: 4"), "{}", text(&stats));
    assert!(
        std::fs::read(&path).unwrap() == before,
        "stats changed the file"
    );

    // A file that is not a store (an empty one, say) is an error, and stays as it was.
    let empty = dir.path().join("empty.db");
    std::fs::write(&empty, b"").unwrap();
    let url = format!("sqlite:{}", empty.display());
    let stats = todo(&["stats", "--store", &url]);
    assert_eq!(stats.status.code(), Some(2), "{}", text(&stats));
    assert!(
        String::from_utf8_lossy(&stats.stderr).contains("not a docver store"),
        "{}",
        text(&stats)
    );
    assert_eq!(
        std::fs::read(&empty).unwrap(),
        b"",
        "stats wrote to the file"
    );
}

/// `todo-item` v3 documents with the given progress states.
fn seed_v3(store: &dyn Store, states: &[(&str, &str)]) {
    let docs: Vec<Doc> = states
        .iter()
        .map(|(id, status)| {
            Doc::new(
                *id,
                json!({"schema": "todo-item", "version": 3, "title": id, "status": status,
                       "important": false}),
            )
        })
        .collect();
    store.bulk_write(&docs).unwrap();
}

#[test]
fn a_lossy_downgrade_needs_allow_lossy_and_the_dry_run_names_the_loss_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    a_lossy_downgrade_needs_allow_lossy(&sqlite_url(dir.path(), "lossy.db"));
}

#[test]
fn a_lossy_downgrade_needs_allow_lossy_and_the_dry_run_names_the_loss_on_couchdb() {
    let server = PouchServer::start().unwrap_or_else(|e| panic!("pouchdb-server must start: {e}"));
    a_lossy_downgrade_needs_allow_lossy(&server.database_url("lossy").unwrap());
}

fn a_lossy_downgrade_needs_allow_lossy(url: &str) {
    let url = url.to_owned();
    let store = open(&url).unwrap();
    seed_v3(
        store.as_ref(),
        &[("t-blocked", "blocked"), ("t-done", "completed")],
    );

    let dry = todo(&["migrate", "--store", &url, "--to", "1", "--dry-run"]);
    assert_eq!(dry.status.code(), Some(1), "{}", text(&dry));
    let out = stdout(&dry);
    assert!(out.contains("would migrate 1,"), "{}", text(&dry));
    assert!(
        out.contains("loses data: t-blocked: /status"),
        "{}",
        text(&dry)
    );
    assert!(
        !out.contains("loses data: t-done"),
        "completed → true → completed loses nothing"
    );
    assert!(out.contains("skipped 1 (would lose data"), "{}", text(&dry));

    let refused = todo(&["migrate", "--store", &url, "--to", "1"]);
    assert_eq!(refused.status.code(), Some(1), "{}", text(&refused));
    let version = |id: &str| store.get(id).unwrap().unwrap().body["version"].clone();
    assert_eq!(version("t-blocked"), json!(3), "left alone");
    assert_eq!(version("t-done"), json!(1));

    let allowed = todo(&["migrate", "--store", &url, "--to", "1", "--allow-lossy"]);
    assert_eq!(allowed.status.code(), Some(0), "{}", text(&allowed));
    let blocked = store.get("t-blocked").unwrap().unwrap().body;
    assert_eq!(
        (blocked["version"].clone(), blocked["status"].clone()),
        (json!(1), json!(false))
    );
}

#[test]
fn versions_are_checked_against_the_family_and_a_live_version_is_not_purged() {
    let dir = tempfile::tempdir().unwrap();
    let url = sqlite_url(dir.path(), "versions.db");
    let store = open(&url).unwrap();
    store
        .bulk_write(&[Doc::new(
            "todo-item@3:u1",
            json!({"schema": "todo-item", "version": 3, "title": "x", "status": "open",
                   "important": false}),
        )])
        .unwrap();
    let cases: [(&[&str], &str); 5] = [
        (
            &[
                "purge",
                "--store",
                &url,
                "--live",
                "2,3,4",
                "--version",
                "3",
            ],
            "version 3 is live",
        ),
        (
            &["purge", "--store", &url, "--live", "2,4", "--version", "7"],
            "--version: 7 is not",
        ),
        (
            &["worker", "--store", &url, "--live", "2,9", "--idle-ms", "1"],
            "--live: 9 is not",
        ),
        (
            &["filter", "--client-version", "7"],
            "--client-version: 7 is not",
        ),
        (
            &["supported-versions", "--store", &url, "--live", "0,4"],
            "--live: 0 is not",
        ),
    ];
    for (args, message) in cases {
        let output = todo(args);
        assert_eq!(output.status.code(), Some(2), "{}", text(&output));
        assert!(
            String::from_utf8_lossy(&output.stderr).contains(message),
            "`todo {}`: {}",
            args.join(" "),
            text(&output)
        );
    }
    assert!(
        store.get("todo-item@3:u1").unwrap().is_some(),
        "nothing purged"
    );
}

#[test]
fn the_worker_names_documents_stored_only_at_versions_that_are_not_live() {
    let dir = tempfile::tempdir().unwrap();
    let url = sqlite_url(dir.path(), "worker.db");
    let store = open(&url).unwrap();
    store
        .bulk_write(&[
            Doc::new(
                "todo-item@1:old",
                json!({"schema": "todo-item", "version": 1, "title": "old", "status": true}),
            ),
            Doc::new(
                "todo-item@2:new",
                json!({"schema": "todo-item", "version": 2, "title": "new", "status": true,
                       "important": false}),
            ),
        ])
        .unwrap();
    let worker = todo(&[
        "worker",
        "--store",
        &url,
        "--live",
        "2,3,4",
        "--idle-ms",
        "200",
        "--format",
        "json",
    ]);
    assert_eq!(worker.status.code(), Some(1), "{}", text(&worker));
    let report = json_of(&worker);
    assert_eq!(
        report["skipped"][0]["reason"],
        json!("not-live"),
        "{report}"
    );
    assert_eq!(
        report["skipped"][0]["ids"],
        json!(["todo-item@1:old"]),
        "{report}"
    );
    assert!(
        store.get("todo-item@4:new").unwrap().is_some(),
        "the live one was propagated"
    );
}

#[test]
fn fail_fast_finishes_the_failing_batch_and_stops_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    fail_fast_finishes_the_failing_batch_and_stops(&sqlite_url(dir.path(), "fail-fast.db"));
}

/// The server reads the next batch ahead while one is written: what it read ahead is dropped.
#[test]
fn fail_fast_finishes_the_failing_batch_and_stops_on_couchdb() {
    let server = PouchServer::start().unwrap_or_else(|e| panic!("pouchdb-server must start: {e}"));
    fail_fast_finishes_the_failing_batch_and_stops(&server.database_url("failfast").unwrap());
}

fn fail_fast_finishes_the_failing_batch_and_stops(url: &str) {
    let url = url.to_owned();
    let store = open(&url).unwrap();
    let docs: Vec<Doc> = ["todo-a", "todo-b", "todo-c", "todo-d", "todo-e"]
        .iter()
        .map(|id| {
            // `todo-c`'s title is a number: it cannot be read as a v1 todo.
            let title = if *id == "todo-c" { json!(3) } else { json!(id) };
            Doc::new(*id, json!({"title": title, "status": false}))
        })
        .collect();
    store.bulk_write(&docs).unwrap();

    // Batches: [a, b], [c, d], [e].
    let run = todo(&[
        "migrate",
        "--store",
        &url,
        "--to",
        "4",
        "--fail-fast",
        "--batch",
        "2",
        "--format",
        "json",
    ]);
    assert_eq!(run.status.code(), Some(1), "{}", text(&run));
    let report = json_of(&run);
    assert_eq!(report["stopped_after"], json!("todo-d"), "{report}");
    assert_eq!(report["examined"], json!(4), "{report}");
    assert_eq!(report["migrated"], json!(3), "{report}");
    assert_eq!(report["failed"][0]["id"], json!("todo-c"), "{report}");
    let version = |id: &str| store.get(id).unwrap().unwrap().body.get("version").cloned();
    assert_eq!(version("todo-a"), Some(json!(4)));
    assert_eq!(version("todo-b"), Some(json!(4)));
    assert_eq!(version("todo-c"), None, "the failing one untouched");
    assert_eq!(
        version("todo-d"),
        Some(json!(4)),
        "the rest of its batch: migrated"
    );
    assert!(
        store.get("todo-status:todo-d").unwrap().is_some(),
        "with its companion"
    );
    assert_eq!(version("todo-e"), None, "the next batch: not read");
}

/// `{"nest": [[[…]]]}` nested deeper than the JSON parser reads.
fn too_deep() -> Value {
    let mut nest = json!([]);
    for _ in 0..200 {
        nest = json!([nest]);
    }
    json!({"schema": "todo-status", "version": 1, "nest": nest})
}

#[test]
fn an_unreadable_companion_fails_alone() {
    let dir = tempfile::tempdir().unwrap();
    let url = sqlite_url(dir.path(), "companion.db");
    let store = open(&url).unwrap();
    let v4 = |id: &str| {
        Doc::new(
            id,
            json!({"schema": "todo-item", "version": 4, "title": id, "important": false}),
        )
    };
    let status =
        |todo: &str| json!({"schema": "todo-status", "version": 1, "todo": todo, "status": "open"});
    store
        .bulk_write(&[
            v4("t1"),
            Doc::new("todo-status:t1", too_deep()),
            v4("t2"),
            Doc::new("todo-status:t2", status("t2")),
        ])
        .unwrap();
    let run = todo(&["migrate", "--store", &url, "--to", "3"]);
    assert_eq!(run.status.code(), Some(1), "{}", text(&run));
    assert!(
        String::from_utf8_lossy(&run.stderr)
            .contains("failed: t1: its companion document `todo-status:t1` cannot be read"),
        "{}",
        text(&run)
    );
    assert_eq!(store.get("t2").unwrap().unwrap().body["version"], json!(3));
    assert_eq!(store.get("t1").unwrap().unwrap().body["version"], json!(4));
}

#[test]
fn purge_counts_the_unreadable_documents_it_leaves() {
    let dir = tempfile::tempdir().unwrap();
    let url = sqlite_url(dir.path(), "purge.db");
    let store = open(&url).unwrap();
    let v1 =
        |title: &str| json!({"schema": "todo-item", "version": 1, "title": title, "status": true});
    let mut deep = v1("deep");
    deep["nest"] = too_deep()["nest"].clone();
    store
        .bulk_write(&[
            Doc::new("todo-item@1:a", v1("a")),
            Doc::new("todo-item@1:b", deep),
            Doc::new("todo-item@1:c", v1("c")),
        ])
        .unwrap();
    let purge = todo(&[
        "purge",
        "--store",
        &url,
        "--live",
        "2,3,4",
        "--version",
        "1",
    ]);
    assert_eq!(purge.status.code(), Some(1), "{}", text(&purge));
    assert!(
        stdout(&purge).starts_with("2 documents of version 1 deleted"),
        "{}",
        text(&purge)
    );
    assert!(
        String::from_utf8_lossy(&purge.stderr).contains("failed: todo-item@1:b: cannot be read"),
        "{}",
        text(&purge)
    );
    assert!(store.get("todo-item@1:a").unwrap().is_none());
}

/// Issue 13: `purge --version 1` must not delete a document stored only at version 1 (its last
/// copy): it is first written at the live versions, then its v1 copy goes. One that cannot be
/// carried (its v1 form has no readable version tag) is kept, named, and the run exits 1.
fn purge_never_deletes_a_last_copy(url: &str) {
    let store = open(url).unwrap();
    store
        .bulk_write(&[
            Doc::new(
                "todo-item@1:only",
                json!({"schema": "todo-item", "version": 1, "title": "only v1", "status": true}),
            ),
            Doc::new(
                "todo-item@1:broken",
                json!({"schema": "todo-item", "version": "one", "title": "broken"}),
            ),
        ])
        .unwrap();
    let purge = todo(&[
        "purge",
        "--store",
        url,
        "--live",
        "3,4",
        "--version",
        "1",
        "--format",
        "json",
    ]);
    assert_eq!(purge.status.code(), Some(1), "{}", text(&purge));
    let summary = json_of(&purge);
    assert_eq!(summary["carried"], json!(1), "{summary}");
    assert_eq!(summary["deleted"], json!(1), "{summary}");
    assert_eq!(
        summary["failed"][0]["id"],
        json!("todo-item@1:broken"),
        "{summary}"
    );
    assert!(store.get("todo-item@1:only").unwrap().is_none(), "purged");
    let v4 = store
        .get("todo-item@4:only")
        .unwrap()
        .expect("carried to v4");
    assert_eq!(v4.body["title"], json!("only v1"));
    let status = store.get("todo-status@4:only").unwrap().unwrap();
    assert_eq!(status.body["status"], json!("completed"));
    assert_eq!(
        store.get("todo-item@3:only").unwrap().unwrap().body["status"],
        json!("completed")
    );
    assert!(
        store.get("todo-item@1:broken").unwrap().is_some(),
        "the last copy of what could not be carried is kept"
    );
}

#[test]
fn purge_never_deletes_a_last_copy_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    purge_never_deletes_a_last_copy(&sqlite_url(dir.path(), "last-copy.db"));
}

#[test]
fn purge_never_deletes_a_last_copy_on_couchdb() {
    let server = PouchServer::start().unwrap_or_else(|e| panic!("pouchdb-server must start: {e}"));
    purge_never_deletes_a_last_copy(&server.database_url("last-copy").unwrap());
}
