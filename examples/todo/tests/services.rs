//! `worker --follow` and `sync --follow` as an operator runs them: spawned `todo` processes that
//! keep up with an app's edits as they come, ride out a server restart (backoff, then resume
//! from the checkpoint), stop cleanly on SIGTERM (exit 0, checkpoint saved), and share one
//! store two at a time (`--partition I/2`) without losing an edit.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use docver_migrate::store::{Doc, Store, WriteOutcome, open};
use docver_migrate::strategy::conflicts;
use docver_testkit::PouchServer;
use serde_json::{Value, json};

/// A spawned `todo` service and the lines it printed so far.
struct Service {
    child: Child,
    lines: Arc<Mutex<Vec<String>>>,
    stderr: Arc<Mutex<Vec<String>>>,
}

impl Service {
    fn spawn(args: &[&str]) -> Service {
        let mut child = Command::new(env!("CARGO_BIN_EXE_todo"))
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let collect = |stream: Box<dyn std::io::Read + Send>| {
            let lines = Arc::new(Mutex::new(Vec::new()));
            let sink = Arc::clone(&lines);
            thread::spawn(move || {
                for line in BufReader::new(stream).lines().map_while(Result::ok) {
                    sink.lock().unwrap().push(line);
                }
            });
            lines
        };
        let lines = collect(Box::new(child.stdout.take().unwrap()));
        let stderr = collect(Box::new(child.stderr.take().unwrap()));
        Service {
            child,
            lines,
            stderr,
        }
    }

    fn output(&self) -> String {
        format!(
            "stdout:\n{}\nstderr:\n{}",
            self.lines.lock().unwrap().join("\n"),
            self.stderr.lock().unwrap().join("\n")
        )
    }

    /// Sends SIGTERM and waits (at most 10 s) for the exit code.
    fn terminate(mut self) -> (Option<i32>, String) {
        let pid = self.child.id().to_string();
        let sent = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
        assert!(sent.success());
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                // The reader threads drain what is left once the pipes close.
                thread::sleep(Duration::from_millis(100));
                return (status.code(), self.output());
            }
            if started.elapsed() > Duration::from_secs(10) {
                let _ = self.child.kill();
                panic!("no exit 10 s after SIGTERM\n{}", self.output());
            }
            thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Waits (at most 15 s) until `done` holds.
fn eventually(what: &str, service: &[&Service], mut done: impl FnMut() -> bool) {
    let started = Instant::now();
    while !done() {
        if started.elapsed() > Duration::from_secs(15) {
            let output: Vec<String> = service.iter().map(|s| s.output()).collect();
            panic!("not within 15 s: {what}\n{}", output.join("\n---\n"));
        }
        thread::sleep(Duration::from_millis(50));
    }
}

fn v1(title: &str) -> Value {
    json!({"schema": "todo-item", "version": 1, "title": title, "status": false})
}

fn seed(store: &dyn Store, n: usize) {
    let docs: Vec<Doc> = (0..n)
        .map(|i| Doc::new(format!("todo-item@1:u{i}"), v1(&format!("todo {i}"))))
        .collect();
    store.bulk_write(&docs).unwrap();
}

/// An app's edit: read, change, write; re-read when a worker wrote in between.
fn edit(store: &dyn Store, id: &str, change: impl Fn(&mut Value)) {
    for _ in 0..50 {
        let doc = store.get(id).unwrap().unwrap();
        let mut body = doc.body.clone();
        change(&mut body);
        match store.bulk_write(&[doc.updated(body)]).unwrap().pop() {
            Some(WriteOutcome::Written { .. }) => return,
            _ => thread::sleep(Duration::from_millis(5)),
        }
    }
    panic!("{id}: could not write the edit");
}

fn field(store: &dyn Store, id: &str, name: &str) -> Option<Value> {
    store.get(id).unwrap().map(|doc| doc.body[name].clone())
}

#[test]
fn worker_follow_keeps_up_with_edits_and_stops_cleanly_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("todos.db").display());
    let store = open(&url).unwrap();
    seed(store.as_ref(), 20);
    let service = Service::spawn(&[
        "worker",
        "--follow",
        "--store",
        &url,
        "--live",
        "1,2",
        "--idle-ms",
        "100",
    ]);
    eventually("every todo has its version 2 copy", &[&service], || {
        (0..20).all(|i| store.get(&format!("todo-item@2:u{i}")).unwrap().is_some())
    });
    // Still following: a later edit arrives by the feed, not by a new run.
    edit(store.as_ref(), "todo-item@1:u7", |b| {
        b["title"] = json!("later")
    });
    eventually("the later edit reaches version 2", &[&service], || {
        field(store.as_ref(), "todo-item@2:u7", "title") == Some(json!("later"))
    });

    let (code, output) = service.terminate();
    assert_eq!(code, Some(0), "{output}");
    assert!(
        output.contains("batch 1: "),
        "one line per batch:\n{output}"
    );
    assert!(output.contains("stopped after "), "{output}");
    let checkpoint = store.get_local("docver-versions-worker-todo-item").unwrap();
    let since: u64 = checkpoint.unwrap()["since"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        since >= 41,
        "the checkpoint is past every change read: {since}"
    );
}

#[test]
fn sync_follow_propagates_edits_as_they_come_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let url = |v: u32| format!("sqlite:{}", dir.path().join(format!("v{v}.db")).display());
    let (v1_store, v2_store) = (open(&url(1)).unwrap(), open(&url(2)).unwrap());
    v1_store.bulk_write(&[Doc::new("u1", v1("milk"))]).unwrap();
    let dbs = [format!("1={}", url(1)), format!("2={}", url(2))];
    let service = Service::spawn(&["sync", "--follow", "--db", &dbs[0], "--db", &dbs[1]]);
    eventually("the todo reaches version 2", &[&service], || {
        v2_store.get("u1").unwrap().is_some()
    });
    edit(v2_store.as_ref(), "u1", |b| b["title"] = json!("oat milk"));
    eventually("the version 2 edit comes down", &[&service], || {
        field(v1_store.as_ref(), "u1", "title") == Some(json!("oat milk"))
    });
    let (code, output) = service.terminate();
    assert_eq!(code, Some(0), "{output}");
    assert!(output.contains("batch 2: "), "{output}");
}

#[test]
fn worker_follow_rides_out_a_server_restart() {
    let data = tempfile::tempdir().unwrap();
    let mut server = PouchServer::start_persistent(data.path()).unwrap();
    let url = server.database_url("todos").unwrap();
    let store = open(&url).unwrap();
    seed(store.as_ref(), 5);
    let service = Service::spawn(&[
        "worker",
        "--follow",
        "--store",
        &url,
        "--live",
        "1,2",
        "--idle-ms",
        "100",
        "--backoff-max-ms",
        "400",
    ]);
    eventually("every todo has its version 2 copy", &[&service], || {
        (0..5).all(|i| store.get(&format!("todo-item@2:u{i}")).unwrap().is_some())
    });
    server.stop();
    eventually("the worker notices the outage", &[&service], || {
        service.output().contains("store unreachable")
    });
    server.restart().unwrap();
    let store = open(&url).unwrap();
    edit(store.as_ref(), "todo-item@1:u3", |b| {
        b["title"] = json!("after the restart")
    });
    eventually(
        "an edit after the restart is propagated",
        &[&service],
        || field(store.as_ref(), "todo-item@2:u3", "title") == Some(json!("after the restart")),
    );
    let (code, output) = service.terminate();
    assert_eq!(code, Some(0), "{output}");
    assert!(!output.contains("(0 store outages)"), "{output}");
    drop(server);
}

/// Two workers on one store (partitions 0/2 and 1/2) while a v1 app and a v2 app edit: every
/// edit reaches every version, nothing conflicts (no document was reconciled by both), and
/// neither worker's pending entries or checkpoint is another's.
#[test]
fn two_partitioned_workers_share_a_store_and_lose_no_edit() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("todos.db").display());
    let store = open(&url).unwrap();
    let n = 40;
    seed(store.as_ref(), n);
    let spawn = |partition: &str| {
        Service::spawn(&[
            "worker",
            "--follow",
            "--store",
            &url,
            "--live",
            "1,2",
            "--idle-ms",
            "100",
            "--partition",
            partition,
        ])
    };
    let workers = [spawn("0/2"), spawn("1/2")];
    let both = [&workers[0], &workers[1]];
    eventually("every todo has its version 2 copy", &both, || {
        (0..n).all(|i| store.get(&format!("todo-item@2:u{i}")).unwrap().is_some())
    });
    // The apps edit while both workers run: the v1 app retitles even todos (twice), the v2 app
    // retitles odd ones and marks them important.
    thread::scope(|scope| {
        let store = store.as_ref();
        scope.spawn(move || {
            for round in 0..2 {
                for i in (0..n).step_by(2) {
                    edit(store, &format!("todo-item@1:u{i}"), |b| {
                        b["title"] = json!(format!("v1 {i} round {round}"));
                    });
                }
            }
        });
        scope.spawn(move || {
            for i in (1..n).step_by(2) {
                edit(store, &format!("todo-item@2:u{i}"), |b| {
                    b["title"] = json!(format!("v2 {i}"));
                    b["important"] = json!(true);
                });
            }
        });
    });
    let expected = |i: usize| match i % 2 {
        0 => json!(format!("v1 {i} round 1")),
        _ => json!(format!("v2 {i}")),
    };
    eventually("both versions of every todo converge", &both, || {
        (0..n).all(|i| {
            let title = |v: u32| field(store.as_ref(), &format!("todo-item@{v}:u{i}"), "title");
            title(1) == Some(expected(i)) && title(2) == Some(expected(i))
        })
    });
    for i in (1..n).step_by(2) {
        let important = field(store.as_ref(), &format!("todo-item@2:u{i}"), "important");
        assert_eq!(important, Some(json!(true)), "u{i}");
    }
    let [first, second] = workers;
    for worker in [first, second] {
        let (code, output) = worker.terminate();
        assert_eq!(code, Some(0), "{output}");
    }
    let recorded = conflicts::list(store.as_ref(), "todo-item").unwrap();
    assert!(recorded.is_empty(), "{recorded:?}");
    for part in ["-part-0-of-2", "-part-1-of-2"] {
        let id = format!("docver-versions-worker-todo-item{part}");
        assert!(store.get_local(&id).unwrap().is_some(), "{id}");
    }
}
