//! The seed's first failure story, on a CouchDB-compatible server: after a transactional
//! migration to v4, offline clients replicate in their late v1 edits as conflicting revisions
//! (`_bulk_docs` with `new_edits=false`, as replication writes them). `stats` must not report
//! everything at v4: it counts the losing revisions by version and names the documents (exit 1);
//! `migrate` merges each late edit into the winning revision against their common ancestor and
//! deletes the losing one; where the ancestor was compacted away it reports the document rather
//! than guess. (SQLite keeps one revision per document: there is no such state to reach.)

mod common;

use common::{json_of, text, todo};
use docver_migrate::store::open;
use docver_migrate::strategy::conflicts;
use docver_testkit::PouchServer;
use serde_json::{Value, json};

fn v1(title: &str, done: bool) -> Value {
    json!({"schema": "todo-item", "version": 1, "title": title, "status": done})
}

/// Seeds v1 todos `ids` in `db` and migrates them to v4 with the CLI; answers each todo's v1
/// revision (what the offline clients started from).
fn migrated_to_v4(server: &PouchServer, db: &str, ids: &[&str]) -> (String, Vec<String>) {
    let url = server.database_url(db).unwrap();
    let store = open(&url).unwrap();
    let docs: Vec<_> = ids
        .iter()
        .map(|id| docver_migrate::Doc::new(*id, v1(&format!("{id} as created"), false)))
        .collect();
    store.bulk_write(&docs).unwrap();
    let revs = ids
        .iter()
        .map(|id| store.get(id).unwrap().unwrap().rev.unwrap())
        .collect();
    let migrated = todo(&["migrate", "--store", &url, "--to", "4"]);
    assert_eq!(migrated.status.code(), Some(0), "{}", text(&migrated));
    (url, revs)
}

/// An offline client's edit of revision `parent`, as replication stores it: revision `2-<hash>`
/// (the lowest hash loses against the migration's revision, the highest wins).
fn late_edit(id: &str, parent: &str, hash: char, body: Value) -> Value {
    let hash: String = std::iter::repeat_n(hash, 32).collect();
    let mut doc = body;
    doc["_id"] = json!(id);
    doc["_rev"] = json!(format!("2-{hash}"));
    let parent_hash = parent.split_once('-').unwrap().1;
    doc["_revisions"] = json!({"start": 2, "ids": [hash, parent_hash]});
    doc
}

#[test]
fn stats_counts_late_edits_and_migrate_merges_them() {
    let server = PouchServer::start().unwrap_or_else(|e| panic!("pouchdb-server must start: {e}"));
    let (url, revs) = migrated_to_v4(&server, "story", &["todo1", "todo2", "todo3"]);
    // todo1's late edit loses against the migration's revision; todo2's wins over it.
    server
        .replicate_in(
            "story",
            &[
                late_edit("todo1", &revs[0], '0', v1("todo1 edited offline", true)),
                late_edit("todo2", &revs[1], 'f', v1("todo2 edited offline", true)),
            ],
        )
        .unwrap();
    let store = open(&url).unwrap();
    assert_eq!(conflicts::unresolved(store.as_ref()).unwrap().len(), 2);

    let stats = todo(&["stats", "--store", &url, "--format", "json"]);
    assert_eq!(stats.status.code(), Some(1), "{}", text(&stats));
    let summary = json_of(&stats);
    assert_eq!(summary["versions"], json!({"1": 1, "4": 2}), "{summary}");
    assert_eq!(
        summary["conflicting_versions"],
        json!({"1": 1, "4": 1}),
        "{summary}"
    );
    let named: Vec<&str> = summary["conflicting_revisions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(named, ["todo1", "todo2"], "{summary}");
    let stats_text = todo(&["stats", "--store", &url]);
    assert!(
        common::stdout(&stats_text).contains(&format!(
            "conflicting revisions: todo1: 2-{}",
            "0".repeat(32)
        )),
        "{}",
        text(&stats_text)
    );

    let migrate = todo(&["migrate", "--store", &url, "--to", "4", "--format", "json"]);
    assert_eq!(migrate.status.code(), Some(0), "{}", text(&migrate));
    let report = json_of(&migrate);
    assert_eq!(report["merged_revisions"], json!(2), "{report}");
    assert_eq!(
        report["conflicts"],
        json!(0),
        "no value was changed on both sides"
    );
    // todo2's merge is written at v4 (the newer side's version): nothing is left to migrate.
    assert_eq!(report["already_at_target"], json!(3), "{report}");

    // Both late edits survive next to the migration: the title and the status.
    for (id, title) in [
        ("todo1", "todo1 edited offline"),
        ("todo2", "todo2 edited offline"),
    ] {
        let doc = store.get(id).unwrap().unwrap();
        assert_eq!(doc.body["version"], json!(4), "{doc:?}");
        assert_eq!(doc.body["title"], json!(title), "{doc:?}");
        let status = store.get(&format!("todo-status:{id}")).unwrap().unwrap();
        assert_eq!(status.body["status"], json!("completed"), "{status:?}");
    }
    assert!(conflicts::unresolved(store.as_ref()).unwrap().is_empty());
    let after = json_of(&todo(&["stats", "--store", &url, "--format", "json"]));
    assert_eq!(after["versions"], json!({"4": 3}), "{after}");
    assert_eq!(after["conflicting_revisions"], json!([]), "{after}");
    assert_eq!(after["exit_code"], json!(0), "{after}");
}

/// Both sides changed the title: the winning revision's title stays, the late one is in the
/// conflict log (`todo conflicts` lists it), never silently gone.
#[test]
fn a_value_both_revisions_changed_is_recorded() {
    let server = PouchServer::start().unwrap_or_else(|e| panic!("pouchdb-server must start: {e}"));
    let (url, revs) = migrated_to_v4(&server, "both", &["todo1"]);
    let store = open(&url).unwrap();
    let mut current = store.get("todo1").unwrap().unwrap();
    current.body["title"] = json!("renamed online");
    store
        .bulk_write(&[current.updated(current.body.clone())])
        .unwrap();
    // Generation 2 against the server's generation 3: the server's revision wins.
    server
        .replicate_in(
            "both",
            &[late_edit(
                "todo1",
                &revs[0],
                'f',
                v1("renamed offline", false),
            )],
        )
        .unwrap();
    let migrate = todo(&["migrate", "--store", &url, "--to", "4", "--format", "json"]);
    assert_eq!(migrate.status.code(), Some(0), "{}", text(&migrate));
    assert_eq!(
        json_of(&migrate)["conflicts"],
        json!(1),
        "{}",
        text(&migrate)
    );
    assert_eq!(
        store.get("todo1").unwrap().unwrap().body["title"],
        json!("renamed online")
    );
    let listed = todo(&["conflicts", "--store", &url]);
    assert_eq!(listed.status.code(), Some(0), "{}", text(&listed));
    assert!(
        common::stdout(&listed).contains(
            "todo1 /main/title (at v4): kept \"renamed online\", lost \"renamed offline\""
        ),
        "{}",
        text(&listed)
    );
}

/// Compaction dropped the revision both sides started from: which side changed what cannot be
/// told, so `migrate` names the document and its losing revision and exits 1; it stays listed.
#[test]
fn a_late_edit_without_its_ancestor_is_reported_not_guessed() {
    let server = PouchServer::start().unwrap_or_else(|e| panic!("pouchdb-server must start: {e}"));
    let (url, revs) = migrated_to_v4(&server, "compacted", &["todo1"]);
    server
        .replicate_in(
            "compacted",
            &[late_edit(
                "todo1",
                &revs[0],
                '0',
                v1("edited offline", true),
            )],
        )
        .unwrap();
    server.compact("compacted").unwrap();
    let migrate = todo(&["migrate", "--store", &url, "--to", "4"]);
    assert_eq!(migrate.status.code(), Some(1), "{}", text(&migrate));
    let stderr = common::stderr(&migrate);
    assert!(
        stderr.contains(&format!(
            "failed: todo1: conflicting revisions 2-{}",
            "0".repeat(32)
        )) && stderr.contains("compacted"),
        "{}",
        text(&migrate)
    );
    let store = open(&url).unwrap();
    assert_eq!(conflicts::unresolved(store.as_ref()).unwrap().len(), 1);
}
