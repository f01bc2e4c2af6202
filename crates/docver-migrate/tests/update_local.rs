//! `Store::update_local` is atomic against other writers: two handles on one store (as two
//! worker processes have) incrementing one `_local` counter at once lose no increment, on
//! SQLite and on the CouchDB-compatible test server.

use std::thread;

use docver_migrate::store::open;
use docver_testkit::PouchServer;
use serde_json::json;

const PER_WRITER: u64 = 25;

fn increment_from_two_handles(url: &str) {
    let handles = [open(url).unwrap(), open(url).unwrap()];
    thread::scope(|scope| {
        for store in &handles {
            scope.spawn(move || {
                for _ in 0..PER_WRITER {
                    store
                        .update_local("counter", &mut |current| {
                            let n = current.and_then(|c| c["n"].as_u64()).unwrap_or(0);
                            Some(json!({ "n": n + 1 }))
                        })
                        .unwrap();
                }
            });
        }
    });
    let counter = handles[0].get_local("counter").unwrap().unwrap();
    assert_eq!(counter["n"], json!(2 * PER_WRITER), "{url}");
    // `None` leaves the document as it is.
    handles[1].update_local("counter", &mut |_| None).unwrap();
    assert_eq!(handles[0].get_local("counter").unwrap().unwrap(), counter);
}

#[test]
fn concurrent_updates_lose_nothing_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    increment_from_two_handles(&format!("sqlite:{}", dir.path().join("s.db").display()));
}

#[test]
fn concurrent_updates_lose_nothing_on_the_server() {
    let server = PouchServer::start().unwrap();
    increment_from_two_handles(&server.database_url("counters").unwrap());
}
