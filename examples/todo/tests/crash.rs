//! Reliability: the transactional migration killed (SIGKILL) at points spread over its run and
//! restarted
//! ends with every document at the target version, none lost, none duplicated, no unknown
//! field dropped: 20 kill points on SQLite, 5 on the server.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use docver_migrate::store::{Doc, Store, open};
use docver_testkit::PouchServer;
use serde_json::json;

const DOCS: usize = 600;

fn seed(store: &dyn Store) {
    for chunk in (0..DOCS).collect::<Vec<_>>().chunks(200) {
        let docs: Vec<Doc> = chunk
            .iter()
            .map(|i| {
                Doc::new(
                    format!("todo{i:04}"),
                    json!({"title": format!("task {i}"), "status": i % 2 == 0, "keep": {"n": i}}),
                )
            })
            .collect();
        store.bulk_write(&docs).unwrap();
    }
}

fn migrate(url: &str) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_todo"));
    command
        .args([
            "migrate",
            "--store",
            url,
            "--to",
            "4",
            "--untagged-as-base",
            "--batch",
            "5",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    command
}

/// Documents already at the target version.
fn migrated(store: &dyn Store) -> usize {
    store
        .all_docs(None, 100_000)
        .map(|docs| {
            docs.iter()
                .filter(|d| d.body.get("version") == Some(&json!(4)))
                .count()
        })
        .unwrap_or(0)
}

/// Runs the migration `kills` times, killing it (SIGKILL) once it has migrated a growing share
/// of the documents (so every kill lands mid-run, wherever the batch boundaries fall), then lets
/// a last run finish and checks every document.
fn kill_and_resume(url: &str, kills: usize) {
    let store = open(url).unwrap();
    seed_docs_once(store.as_ref());
    let mut interrupted = 0;
    for i in 0..kills {
        let target = (i + 1) * DOCS / (kills + 2);
        let mut child = migrate(url).spawn().unwrap();
        let started = Instant::now();
        loop {
            if child.try_wait().unwrap().is_some() {
                break;
            }
            if migrated(store.as_ref()) >= target || started.elapsed() > Duration::from_secs(60) {
                if child.try_wait().unwrap().is_none() {
                    interrupted += 1;
                }
                break;
            }
            std::thread::sleep(Duration::from_millis(2));
        }
        let _ = child.kill(); // SIGKILL on Unix
        let _ = child.wait();
        // Whatever the kill interrupted, the store reads.
        assert!(store.all_docs(None, 10_000).is_ok());
    }
    assert!(
        interrupted * 2 >= kills,
        "only {interrupted} of {kills} kills landed during a run"
    );
    let status = migrate(url).status().unwrap();
    assert!(status.success(), "the final run failed: {status}");
    verify(store.as_ref());
}

fn seed_docs_once(store: &dyn Store) {
    if store.all_docs(None, 1).unwrap().is_empty() {
        seed(store);
    }
}

fn verify(store: &dyn Store) {
    let docs = store.all_docs(None, 100_000).unwrap();
    assert_eq!(
        docs.len(),
        2 * DOCS,
        "every todo plus its status document, nothing more"
    );
    for i in 0..DOCS {
        let todo = docs
            .iter()
            .find(|d| d.id == format!("todo{i:04}"))
            .expect("todo lost");
        assert_eq!(todo.body["version"], json!(4), "{}: {}", todo.id, todo.body);
        assert_eq!(todo.body["title"], json!(format!("task {i}")));
        assert_eq!(todo.body["keep"], json!({"n": i}), "unknown field dropped");
        let status = docs
            .iter()
            .find(|d| d.id == format!("todo-status:todo{i:04}"))
            .expect("status lost");
        assert_eq!(
            status.body["status"],
            json!(if i % 2 == 0 { "completed" } else { "open" })
        );
    }
}

#[test]
fn sigkill_at_20_points_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("crash.db").display());
    kill_and_resume(&url, 20);
}

#[test]
fn sigkill_at_5_points_on_the_server() {
    let server = PouchServer::start().unwrap_or_else(|e| panic!("pouchdb-server must start: {e}"));
    let url = server.database_url("crash").unwrap();
    kill_and_resume(&url, 5);
}
