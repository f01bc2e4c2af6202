use std::time::{Duration, Instant};

use docver_testkit::PouchServer;
use serde_json::{Value, json};

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .into()
}

fn read_json(resp: &mut ureq::http::Response<ureq::Body>) -> Value {
    let text = resp.body_mut().read_to_string().expect("read body");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

#[test]
fn start_create_db_put_and_get_a_doc() {
    let started = Instant::now();
    let server = PouchServer::start().unwrap_or_else(|e| panic!("{e}"));
    eprintln!("pouchdb-server ready after {:?}", started.elapsed());
    assert!(server.base_url().starts_with("http://127.0.0.1:"));

    let agent = agent();
    let mut resp = agent.get(format!("{}/", server.base_url())).call().unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    let welcome = read_json(&mut resp);
    assert_eq!(welcome["version"], "4.2.0", "{welcome}");

    let db = server
        .database_url("testkit")
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(db, format!("{}/testkit", server.base_url()));
    // Creating it again is fine.
    assert_eq!(server.database_url("testkit").unwrap(), db);

    let mut resp = agent
        .put(format!("{db}/doc-1"))
        .send_json(json!({"title": "hello", "n": 1}))
        .unwrap();
    let put = read_json(&mut resp);
    assert_eq!(resp.status().as_u16(), 201, "{put}");
    let rev = put["rev"].as_str().expect("rev").to_owned();
    assert!(rev.starts_with("1-"), "{rev}");

    let mut resp = agent.get(format!("{db}/doc-1")).call().unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    let doc = read_json(&mut resp);
    assert_eq!(doc["_id"], "doc-1");
    assert_eq!(doc["_rev"], rev.as_str());
    assert_eq!(doc["title"], "hello");
    assert_eq!(doc["n"], 1);
}

#[test]
fn servers_are_independent_and_stop_on_drop() {
    let a = PouchServer::start().unwrap_or_else(|e| panic!("{e}"));
    let b = PouchServer::start().unwrap_or_else(|e| panic!("{e}"));
    assert_ne!(a.base_url(), b.base_url());
    let db_a = a.database_url("only-a").unwrap();
    let agent = agent();
    let resp = agent
        .get(format!("{}/only-a", b.base_url()))
        .call()
        .unwrap();
    assert_eq!(resp.status().as_u16(), 404);

    drop(a);
    let probe: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(2)))
        .build()
        .into();
    assert!(
        probe.get(&db_a).call().is_err(),
        "server still answering after drop"
    );
}
