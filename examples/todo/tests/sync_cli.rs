//! `todo sync` and `todo conflicts` as an operator runs them: a conflict `sync` resolved is
//! counted in its summary and listed by `conflicts` (also between copies that meet for the first
//! time); a document left waiting for its companion is listed and the run exits 1 until it
//! completes; documents `sync` leaves alone are counted and named.

mod common;

use std::process::Output;

use common::{json_of, sqlite_url, stdout, text, todo};
use docver_migrate::store::{Doc, Store, open};
use docver_migrate::strategy::conflicts;
use docver_testkit::PouchServer;
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

/// The version databases of a `sync`: SQLite files in a temporary directory, or databases on
/// the CouchDB-compatible test server.
struct Databases {
    urls: Vec<(u32, String)>,
    _dir: tempfile::TempDir,
    server: Option<PouchServer>,
}

impl Databases {
    fn sqlite(versions: &[u32]) -> Databases {
        let dir = tempfile::tempdir().unwrap();
        let urls = versions
            .iter()
            .map(|v| (*v, sqlite_url(dir.path(), &format!("v{v}.db"))))
            .collect();
        Databases {
            urls,
            _dir: dir,
            server: None,
        }
    }

    fn server(versions: &[u32], name: &str) -> Databases {
        let server =
            PouchServer::start().unwrap_or_else(|e| panic!("pouchdb-server must start: {e}"));
        let urls = versions
            .iter()
            .map(|v| (*v, server.database_url(&format!("{name}-v{v}")).unwrap()))
            .collect();
        Databases {
            urls,
            _dir: tempfile::tempdir().unwrap(),
            server: Some(server),
        }
    }

    fn store(&self, version: u32) -> Box<dyn Store> {
        open(&self.urls.iter().find(|(v, _)| *v == version).unwrap().1).unwrap()
    }

    fn sync(&self, extra: &[&str]) -> Output {
        let specs: Vec<String> = self.urls.iter().map(|(v, u)| format!("{v}={u}")).collect();
        let mut args = vec!["sync", "--create"];
        for spec in &specs {
            args.extend(["--db", spec.as_str()]);
        }
        args.extend(extra);
        todo(&args)
    }
}

/// Issue 13: a document both versions hold before their first sync (created in each while the
/// databases were apart) has no ancestor to tell whose edit is newer: the copies' differing
/// title is a recorded conflict (the newest version's copy wins), not a silent overwrite, and
/// what only the older copy says (`note`) still reaches every version.
fn the_first_sync_records_copies_that_disagree(databases: Databases) {
    let v1 = json!({"schema": "todo-item", "version": 1, "title": "from v1", "status": false,
                    "note": "only in v1"});
    databases
        .store(1)
        .bulk_write(&[Doc::new("u1", v1)])
        .unwrap();
    let v4 = json!({"schema": "todo-item", "version": 4, "title": "from v4", "important": true});
    let status = json!({"schema": "todo-status", "version": 1, "todo": "u1", "status": "open"});
    databases
        .store(4)
        .bulk_write(&[Doc::new("todo-status:u1", status), Doc::new("u1", v4)])
        .unwrap();
    let first = databases.sync(&["--format", "json"]);
    assert_eq!(first.status.code(), Some(0), "{}", text(&first));
    let log = conflicts::list(databases.store(4).as_ref(), "todo-item").unwrap();
    assert_eq!(
        json_of(&first)["conflicts"],
        json!(1),
        "{}\n{log:?}",
        text(&first)
    );
    for version in [1, 4] {
        let doc = databases.store(version).get("u1").unwrap().unwrap();
        assert_eq!(doc.body["title"], json!("from v4"), "v{version}: {doc:?}");
        assert_eq!(doc.body["note"], json!("only in v1"), "v{version}: {doc:?}");
    }
    let log = conflicts::list(databases.store(4).as_ref(), "todo-item").unwrap();
    assert_eq!(log.len(), 1, "{log:?}");
    assert_eq!(
        (
            log[0].path.as_str(),
            &log[0].kept,
            &log[0].lost,
            log[0].lost_version
        ),
        ("/main/title", &json!("from v4"), &json!("from v1"), 1),
        "{log:?}"
    );
}

#[test]
fn the_first_sync_records_copies_that_disagree_on_sqlite() {
    the_first_sync_records_copies_that_disagree(Databases::sqlite(&[1, 4]));
}

#[test]
fn the_first_sync_records_copies_that_disagree_on_couchdb() {
    the_first_sync_records_copies_that_disagree(Databases::server(&[1, 4], "first"));
}

/// `sync` counts and names the changed documents it leaves alone (another family's), in text
/// and in `--format json`; they are not its business, so the exit code stays 0.
fn sync_names_what_it_skips(databases: Databases) {
    let todo_v1 = json!({"schema": "todo-item", "version": 1, "title": "milk", "status": false});
    let contact = json!({"schema": "contact", "version": 1, "name": "Ana"});
    databases
        .store(1)
        .bulk_write(&[Doc::new("c1", contact), Doc::new("u1", todo_v1)])
        .unwrap();
    let json_run = databases.sync(&["--format", "json"]);
    assert_eq!(json_run.status.code(), Some(0), "{}", text(&json_run));
    let summary = json_of(&json_run);
    assert_eq!(
        summary["skipped"],
        json!([{"reason": "other-family", "why": "another family's documents", "count": 1,
                "ids": ["c1"]}]),
        "{summary}"
    );
    assert!(databases.store(4).get("c1").unwrap().is_none());
    // Text: a fresh contact in the next run.
    let contact = json!({"schema": "contact", "version": 1, "name": "Bo"});
    databases
        .store(1)
        .bulk_write(&[Doc::new("c2", contact)])
        .unwrap();
    let text_run = databases.sync(&[]);
    assert_eq!(text_run.status.code(), Some(0), "{}", text(&text_run));
    assert!(
        stdout(&text_run).contains("skipped 1 (another family's documents): c2"),
        "{}",
        text(&text_run)
    );
}

#[test]
fn sync_names_what_it_skips_on_sqlite() {
    sync_names_what_it_skips(Databases::sqlite(&[1, 4]));
}

#[test]
fn sync_names_what_it_skips_on_couchdb() {
    sync_names_what_it_skips(Databases::server(&[1, 4], "skips"));
}

/// The seed's first failure story, for `sync`: an offline v1 client's late edit replicates into
/// the v1 database as a conflicting revision. `sync` reads it, merges it against what the last
/// sync left (the late title survives next to the v4 app's `important`), carries it to v4 and
/// deletes the losing revision: nothing stays hidden in `_conflicts`.
#[test]
fn sync_merges_a_late_edit_replicated_in_as_a_conflicting_revision() {
    let databases = Databases::server(&[1, 4], "late");
    let v1 = json!({"schema": "todo-item", "version": 1, "title": "bread", "status": false});
    databases
        .store(1)
        .bulk_write(&[Doc::new("u1", v1)])
        .unwrap();
    let first = databases.sync(&[]);
    assert_eq!(first.status.code(), Some(0), "{}", text(&first));
    let v1_store = databases.store(1);
    let synced = v1_store.get("u1").unwrap().unwrap();
    let parent = synced.rev.clone().unwrap();
    // Online, a v1 app marks it done and a v4 app marks it important ...
    let mut done = synced.body.clone();
    done["status"] = json!(true);
    v1_store.bulk_write(&[synced.updated(done)]).unwrap();
    let v4 = databases.store(4);
    let current = v4.get("u1").unwrap().unwrap();
    let mut important = current.body.clone();
    important["important"] = json!(true);
    v4.bulk_write(&[current.updated(important)]).unwrap();
    // ... while an offline v1 client retitled the synced revision: replicated in, it is a
    // sibling of the online edit and loses (the lowest hash of its generation).
    let loser = "0".repeat(32);
    let mut late = synced.body.clone();
    late["title"] = json!("rye bread");
    late["_id"] = json!("u1");
    late["_rev"] = json!(format!("2-{loser}"));
    late["_revisions"] = json!({"start": 2, "ids": [loser, parent.split_once('-').unwrap().1]});
    let server = databases.server.as_ref().unwrap();
    server.replicate_in("late-v1", &[late]).unwrap();
    assert_eq!(conflicts::unresolved(v1_store.as_ref()).unwrap().len(), 1);

    let second = databases.sync(&["--format", "json"]);
    assert_eq!(second.status.code(), Some(0), "{}", text(&second));
    assert!(
        conflicts::unresolved(v1_store.as_ref()).unwrap().is_empty(),
        "{}",
        text(&second)
    );
    for version in [1, 4] {
        let doc = databases.store(version).get("u1").unwrap().unwrap();
        assert_eq!(doc.body["title"], json!("rye bread"), "v{version}: {doc:?}");
    }
    assert_eq!(
        v1_store.get("u1").unwrap().unwrap().body["status"],
        json!(true)
    );
    assert_eq!(
        v4.get("u1").unwrap().unwrap().body["important"],
        json!(true)
    );
    let status = v4.get("todo-status:u1").unwrap().unwrap();
    assert_eq!(status.body["status"], json!("completed"));
}
