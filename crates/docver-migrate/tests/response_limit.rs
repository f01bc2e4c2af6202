//! What is read of one server response is bounded: a page larger than the limit is an error
//! naming the limit once that much has been read, not buffered whole.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use docver_migrate::store::{CouchStore, Store, StoreError};

const LIMIT: u64 = 1 << 20;
/// What the server offers for `_all_docs`: far more than the limit.
const OFFERED: u64 = 64 << 20;

/// Answers the database check with `{}` and `_all_docs` with `OFFERED` bytes, counting what
/// it managed to send.
fn serve(listener: TcpListener, sent: Arc<AtomicU64>) {
    for stream in listener.incoming() {
        let Ok(stream) = stream else { return };
        answer(stream, &sent);
    }
}

fn answer(mut stream: TcpStream, sent: &AtomicU64) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut request_line = String::new();
    let _ = reader.read_line(&mut request_line);
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).unwrap_or(0) == 0 || header == "\r\n" {
            break;
        }
    }
    if !request_line.contains("_all_docs") {
        let _ = stream.write_all(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}",
        );
        return;
    }
    let head = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {OFFERED}\r\nConnection: close\r\n\r\n"
    );
    if stream.write_all(head.as_bytes()).is_err() {
        return;
    }
    let chunk = vec![b' '; 64 << 10];
    while sent.load(Ordering::SeqCst) < OFFERED {
        if stream.write_all(&chunk).is_err() {
            return;
        }
        sent.fetch_add(chunk.len() as u64, Ordering::SeqCst);
    }
}

#[test]
fn a_response_over_the_limit_is_an_error_naming_it() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let sent = Arc::new(AtomicU64::new(0));
    let counter = Arc::clone(&sent);
    std::thread::spawn(move || serve(listener, counter));

    let store = CouchStore::open(&format!("http://127.0.0.1:{port}/db"))
        .unwrap()
        .with_response_limit(LIMIT);
    let err = store.all_docs(None, 10).unwrap_err();
    assert!(
        matches!(err, StoreError::TooLarge { limit: LIMIT, .. }),
        "{err:?}"
    );
    let message = err.to_string();
    assert!(message.contains("1048576-byte limit"), "{message}");
    assert!(message.contains("MAX_RESPONSE_BYTES"), "{message}");
    // The client stopped reading at the limit: the server could not send everything.
    std::thread::sleep(std::time::Duration::from_millis(200));
    assert!(
        sent.load(Ordering::SeqCst) < OFFERED,
        "the body was read to its end"
    );
}
