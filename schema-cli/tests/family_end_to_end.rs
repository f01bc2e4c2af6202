//! The "done when", from the `docver` binary alone, on a pouchdb-server: the contact
//! family, defined only by its directory (`examples/todo/schemas/contact`: exported schemas
//! and `family.toml`), is seeded with `docver import`, migrated transactionally, served to a
//! v2 and a v5 client by filtered replication on the server (the design document `docver
//! replication` prints, with `_replicate`'s `filter`), and kept by `docver worker` (per-version
//! documents: an old app's v1 data copied to v2 and v5, then v1 purged) and then by
//! `docver worker --follow`, which carries a later edit as it comes and stops cleanly on SIGTERM.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use docver_testkit::PouchServer;
use serde_json::{Value, json};

fn family_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/todo/schemas/contact")
}

/// Runs `docver args…` from an unrelated working directory, with `stdin` as its input.
fn docver(cwd: &Path, args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_docver"))
        .args(args)
        .current_dir(cwd)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

/// `docver args…` must exit 0; its stdout.
fn ok(cwd: &Path, args: &[&str], stdin: &str) -> String {
    let out = docver(cwd, args, stdin);
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "docver {args:?}:\n{stdout}\n{stderr}"
    );
    stdout
}

fn contact_v1(id: &str, name: &str) -> Value {
    json!({"_id": id, "schema": "contact", "version": 1, "name": name, "email": "a@example.org",
           "address": {"street": "1 Main St", "city": "Lyon"}, "phones": [{"num": "555"}],
           "note": "met at the fair"})
}

fn ndjson(docs: &[Value]) -> String {
    docs.iter().map(|d| format!("{d}\n")).collect()
}

/// Every live document of the database at `url`, by id.
fn documents(url: &str) -> Vec<(String, Value)> {
    let store = docver_migrate::open(url).unwrap();
    let docs = store.all_docs(None, 10_000).unwrap();
    docs.into_iter().map(|d| (d.id, d.body)).collect()
}

/// What a client at `version` must receive: everything but the family's documents tagged
/// with an older version.
fn visible_to(version: u64, docs: &[(String, Value)]) -> BTreeSet<String> {
    docs.iter()
        .filter(|(_, body)| {
            body["schema"] != json!("contact")
                || body["version"].as_u64().is_none_or(|v| v >= version)
        })
        .map(|(id, _)| id.clone())
        .collect()
}

/// Installs the design document `docver replication` prints and replicates `source` into
/// `target` through its filter (what the printed `_replicator` document asks the server to do).
fn replicate(server: &PouchServer, cwd: &Path, source: &str, target: &str, version: u32) {
    let family = family_dir();
    let printed = ok(
        cwd,
        &[
            "replication",
            "--family",
            family.to_str().unwrap(),
            "--client-version",
            &version.to_string(),
            "--source",
            source,
            "--target",
            target,
        ],
        "",
    );
    let printed: Value = serde_json::from_str(&printed).unwrap();
    let mut design = printed["design_document"].clone();
    let id = design
        .as_object_mut()
        .unwrap()
        .remove("_id")
        .unwrap()
        .as_str()
        .unwrap()
        .to_owned();
    docver_migrate::open(source)
        .unwrap()
        .put_design(&id, &design)
        .unwrap();
    let replicator = &printed["replicator_document"];
    assert_eq!(replicator["source"], json!(source));
    assert_eq!(replicator["target"], json!(target));
    let request = json!({
        "source": source,
        "target": target,
        "filter": replicator["filter"],
    });
    let mut reply = ureq::post(&format!("{}/_replicate", server.base_url()))
        .send_json(&request)
        .unwrap();
    let reply: Value = reply.body_mut().read_json().unwrap();
    assert_eq!(reply["ok"], json!(true), "{reply}");
}

#[test]
fn a_family_directory_is_seeded_migrated_served_and_kept_from_docver_alone() {
    let server = PouchServer::start().unwrap();
    let cwd = tempfile::tempdir().unwrap();
    let family = family_dir();
    let family = family.to_str().unwrap();
    let hostile = "Zoë \u{2028}\"</script>'); return false; //";

    // Transactional: seeded at v1, every document rewritten to v5.
    let db = server.database_url("contacts").unwrap();
    let seed: Vec<Value> = (0..5)
        .map(|i| contact_v1(&format!("c{i}"), hostile))
        .collect();
    let imported = ok(
        cwd.path(),
        &["import", "--store", &db, "--format", "json"],
        &ndjson(&seed),
    );
    let imported: Value = serde_json::from_str(&imported).unwrap();
    assert_eq!(imported["written"], json!(5));
    ok(
        cwd.path(),
        &["migrate", "--family", family, "--store", &db, "--to", "5"],
        "",
    );
    let exported = ok(cwd.path(), &["export", "--store", &db], "");
    let lines: Vec<Value> = exported
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 5);
    for line in &lines {
        assert_eq!(line["version"], json!(5), "{line}");
        assert_eq!(line["full_name"], json!(hostile));
        assert_eq!(line["emails"], json!(["a@example.org"]));
        assert!(line["_rev"].as_str().is_some_and(|r| r.starts_with("2-")));
    }

    // Per-version documents: an old app's v1 data, kept at v2 and v5 by the worker.
    let shared = server.database_url("shared").unwrap();
    let mut seed: Vec<Value> = (0..4)
        .map(|i| contact_v1(&format!("contact@1:u{i}"), &format!("person {i}")))
        .collect();
    seed.push(json!({"_id": "settings@1", "schema": "settings", "version": 1, "theme": "dark"}));
    ok(cwd.path(), &["import", "--store", &shared], &ndjson(&seed));
    // v1 is live while its copies are the only ones; then v2 and v5 are, and v1 is purged.
    let first = [
        "worker", "--family", family, "--store", &shared, "--live", "1,2,5",
    ];
    ok(cwd.path(), &first, "");
    let purge = [
        "purge",
        "--family",
        family,
        "--store",
        &shared,
        "--live",
        "2,5",
        "--version",
        "1",
    ];
    ok(cwd.path(), &purge, "");
    let worker = [
        "worker", "--family", family, "--store", &shared, "--live", "2,5",
    ];
    ok(cwd.path(), &worker, "");
    ok(
        cwd.path(),
        &[
            "supported-versions",
            "--family",
            family,
            "--store",
            &shared,
            "--live",
            "2,5",
        ],
        "",
    );
    let on_server = documents(&shared);
    let ids: BTreeSet<&str> = on_server.iter().map(|(id, _)| id.as_str()).collect();
    for i in 0..4 {
        for v in [2, 5] {
            assert!(
                ids.contains(format!("contact@{v}:u{i}").as_str()),
                "{ids:?}"
            );
        }
        assert!(!ids.contains(format!("contact@1:u{i}").as_str()), "{ids:?}");
    }

    // Each client receives exactly what its version must see.
    for version in [2, 5] {
        let client = server.database_url(&format!("client-v{version}")).unwrap();
        replicate(&server, cwd.path(), &shared, &client, version);
        let received: BTreeSet<String> = documents(&client).into_iter().map(|(id, _)| id).collect();
        assert_eq!(
            received,
            visible_to(u64::from(version), &on_server),
            "v{version} client"
        );
    }

    // A v2 app's edit reaches the v5 copy through the worker as a service, and the v5 client.
    let log = cwd.path().join("worker.log");
    let mut follower = Command::new(env!("CARGO_BIN_EXE_docver"))
        .args([
            "worker",
            "--follow",
            "--idle-ms",
            "50",
            "--family",
            family,
            "--store",
            &shared,
            "--live",
            "2,5",
        ])
        .current_dir(cwd.path())
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&log).unwrap())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let store = docver_migrate::open(&shared).unwrap();
    let copy = store.get("contact@2:u1").unwrap().unwrap();
    let mut body = copy.body.clone();
    body["full_name"] = json!("renamed in v2");
    store.bulk_write(&[copy.updated(body)]).unwrap();
    let carried = |store: &dyn docver_migrate::Store| {
        let v5 = store.get("contact@5:u1").unwrap().unwrap();
        v5.body["full_name"] == json!("renamed in v2")
    };
    let started = Instant::now();
    while !carried(store.as_ref()) {
        if started.elapsed() > Duration::from_secs(30) {
            let _ = follower.kill();
            panic!(
                "worker --follow did not carry the edit in 30 s:\n{}",
                std::fs::read_to_string(&log).unwrap_or_default()
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let pid = follower.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let stopped = Instant::now();
    let status = loop {
        if let Some(status) = follower.try_wait().unwrap() {
            break status;
        }
        if stopped.elapsed() > Duration::from_secs(10) {
            let _ = follower.kill();
            panic!("no exit 10 s after SIGTERM");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let logged = std::fs::read_to_string(&log).unwrap();
    assert_eq!(status.code(), Some(0), "worker --follow:\n{logged}");
    assert!(logged.contains("batch"), "one line per batch:\n{logged}");
    let client = server.database_url("client-v5").unwrap();
    replicate(&server, cwd.path(), &shared, &client, 5);
    let received = docver_migrate::open(&client).unwrap();
    let v5 = received.get("contact@5:u1").unwrap().unwrap();
    assert_eq!(v5.body["full_name"], json!("renamed in v2"));
    assert!(received.get("contact@2:u1").unwrap().is_none());
}

#[test]
fn bad_input_is_a_located_error_and_nothing_is_written() {
    let cwd = tempfile::tempdir().unwrap();
    let db = format!("sqlite:{}", cwd.path().join("t.db").display());
    let input = "{\"_id\": \"a\", \"x\": 1}\n{\"x\": 2}\n";
    let out = docver(cwd.path(), &["import", "--store", &db, "--create"], input);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("line 2: no `_id`"), "{stderr}");
    assert!(
        !cwd.path().join("t.db").exists(),
        "nothing is written before every line is read"
    );
    let out = docver(cwd.path(), &["stats", "--store", &db], "");
    assert_eq!(out.status.code(), Some(2), "stats needs --family");
    let family = family_dir();
    let out = docver(
        cwd.path(),
        &[
            "migrate",
            "--family",
            family.to_str().unwrap(),
            "--store",
            &db,
            "--to",
            "9",
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--to: 9 is not a version of `contact`"));
}

#[test]
fn export_to_a_file_continues_after_its_last_complete_line() {
    let cwd = tempfile::tempdir().unwrap();
    let db = format!("sqlite:{}", cwd.path().join("t.db").display());
    let docs: Vec<Value> = (0..3).map(|i| contact_v1(&format!("c{i}"), "x")).collect();
    ok(
        cwd.path(),
        &["import", "--store", &db, "--create"],
        &ndjson(&docs),
    );
    let file = cwd.path().join("out.jsonl");
    ok(
        cwd.path(),
        &["export", "--store", &db, "--output", file.to_str().unwrap()],
        "",
    );
    let whole = std::fs::read_to_string(&file).unwrap();
    // A crash after the first line and part of the second.
    let first_end = whole.find('\n').unwrap() + 1;
    std::fs::write(&file, &whole[..first_end + 10]).unwrap();
    let summary = ok(
        cwd.path(),
        &[
            "export",
            "--store",
            &db,
            "--output",
            file.to_str().unwrap(),
            "--format",
            "json",
        ],
        "",
    );
    let summary: Value = serde_json::from_str(&summary).unwrap();
    assert_eq!(summary["exported"], json!(2));
    assert_eq!(summary["after"], json!("c0"));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), whole);
    // Importing the export again finds everything present.
    let again = ok(
        cwd.path(),
        &["import", "--store", &db, "--format", "json"],
        &whole,
    );
    let again: Value = serde_json::from_str(&again).unwrap();
    assert_eq!(again["already_present"], json!(3));
}
