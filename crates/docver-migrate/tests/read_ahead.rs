//! The transactional migration's read-ahead (servers read the next page while the current one
//! is written) keeps the engine's guarantees: a document edited after its page was read ahead
//! is a conflict, re-read and retried (the edit survives); fail-fast stops the reader; a run cut
//! short resumes from its checkpoint and finishes.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use docver::{DocError, DocumentSet, Family, Loss, Migrated};
use docver_migrate::store::{ChangesPage, Doc, Store, StoreError, WriteOutcome, open};
use docver_migrate::strategy::engine::Membership;
use docver_migrate::strategy::transactional::{self, Options};
use docver_testkit::PouchServer;
use serde_json::{Value, json};

const DOCS: usize = 1050;

/// Two versions; migrating sets `version`. A document with `"bad": true` fails.
struct Tiny;

impl Family for Tiny {
    fn schema_name(&self) -> &str {
        "tiny"
    }
    fn versions(&self) -> &[u32] {
        &[1, 2]
    }
    fn part_schemas(&self, _version: u32) -> Vec<String> {
        Vec::new()
    }
    fn version_of(&self, doc: &Value) -> Result<u32, DocError> {
        Ok(doc["version"].as_u64().unwrap_or(1) as u32)
    }
    fn migrate(&self, mut docs: DocumentSet, target: u32) -> Result<Migrated, DocError> {
        if docs.main["bad"] == json!(true) {
            return Err(DocError::UnknownVersion {
                id: docs.id.clone(),
                schema: "tiny".to_owned(),
                found: 99,
                known: vec![1, 2],
            });
        }
        docs.main["version"] = json!(target);
        Ok(Migrated {
            version: target,
            docs,
            loss: Loss::Lossless,
        })
    }
}

/// Forwards to the server store; can edit a document behind the migration's back right after
/// reading its page, or fail the `n`th bulk write (a crash).
struct Wrapped {
    inner: Box<dyn Store>,
    pages: AtomicUsize,
    writes: AtomicUsize,
    edit_on_page: Option<usize>,
    fail_write: Option<usize>,
}

impl Wrapped {
    fn new(inner: Box<dyn Store>) -> Self {
        Wrapped {
            inner,
            pages: AtomicUsize::new(0),
            writes: AtomicUsize::new(0),
            edit_on_page: None,
            fail_write: None,
        }
    }
}

impl Store for Wrapped {
    fn url(&self) -> String {
        self.inner.url()
    }
    fn get(&self, id: &str) -> Result<Option<Doc>, StoreError> {
        self.inner.get(id)
    }
    fn all_docs(&self, start_after: Option<&str>, limit: usize) -> Result<Vec<Doc>, StoreError> {
        let page = self.inner.all_docs(start_after, limit)?;
        let n = self.pages.fetch_add(1, Ordering::SeqCst) + 1;
        if Some(n) == self.edit_on_page
            && let Some(doc) = page.last()
        {
            let mut body = doc.body.clone();
            body["title"] = json!("edited meanwhile");
            let written = self.inner.bulk_write(&[doc.updated(body)])?;
            assert!(matches!(written[0], WriteOutcome::Written { .. }));
        }
        Ok(page)
    }
    fn bulk_write(&self, docs: &[Doc]) -> Result<Vec<WriteOutcome>, StoreError> {
        let n = self.writes.fetch_add(1, Ordering::SeqCst) + 1;
        if Some(n) == self.fail_write {
            return Err(StoreError::Protocol {
                url: self.url(),
                id: None,
                detail: "simulated crash".to_owned(),
            });
        }
        self.inner.bulk_write(docs)
    }
    fn changes(
        &self,
        since: &str,
        limit: usize,
        wait: Option<Duration>,
    ) -> Result<ChangesPage, StoreError> {
        self.inner.changes(since, limit, wait)
    }
    fn get_local(&self, id: &str) -> Result<Option<Value>, StoreError> {
        self.inner.get_local(id)
    }
    fn put_local(&self, id: &str, value: &Value) -> Result<(), StoreError> {
        self.inner.put_local(id, value)
    }
    fn put_design(&self, id: &str, design: &Value) -> Result<(), StoreError> {
        self.inner.put_design(id, design)
    }
    fn prefers_read_ahead(&self) -> bool {
        self.inner.prefers_read_ahead()
    }
}

fn seeded(server: &PouchServer, db: &str, bad: Option<usize>) -> Box<dyn Store> {
    let store = open(&format!("{}/{db}", server.base_url())).unwrap();
    assert!(store.prefers_read_ahead(), "a server reads ahead");
    let docs: Vec<Doc> = (0..DOCS)
        .map(|i| {
            let mut body = json!({"title": format!("task {i}")});
            if Some(i) == bad {
                body["bad"] = json!(true);
            }
            Doc::new(format!("doc{i:05}"), body)
        })
        .collect();
    store.bulk_write(&docs).unwrap();
    store
}

fn options(batch: usize) -> Options {
    Options {
        batch_size: batch,
        membership: Membership {
            untagged_as_base: true,
            ..Membership::default()
        },
        ..Options::new(2)
    }
}

fn at_target(store: &dyn Store) -> usize {
    store
        .all_docs(None, 10 * DOCS)
        .unwrap()
        .iter()
        .filter(|d| d.body["version"] == json!(2))
        .count()
}

#[test]
fn read_ahead_keeps_conflict_safety_fail_fast_and_resumability() {
    let server = PouchServer::start().unwrap_or_else(|e| panic!("pouchdb-server must start: {e}"));

    // An edit right after page 3 was read (ahead, while page 2 was being written).
    let store = Wrapped {
        edit_on_page: Some(3),
        ..Wrapped::new(seeded(&server, "conflict", None))
    };
    let report = transactional::run(&store, &Tiny, &options(100)).unwrap();
    assert_eq!(
        (report.migrated, report.retried, report.failed.len()),
        (DOCS, 1, 0),
        "{report:?}"
    );
    let edited = store.get("doc00299").unwrap().unwrap().body;
    assert_eq!(
        edited["title"],
        json!("edited meanwhile"),
        "the edit survives"
    );
    assert_eq!(edited["version"], json!(2));

    // Fail-fast stops after the bad document's page (page 1) with the reader still ahead: no
    // hang, the bad document untouched, the rest of its page migrated, nothing past it.
    let store = seeded(&server, "failfast", Some(50));
    let report = transactional::run(
        store.as_ref(),
        &Tiny,
        &Options {
            fail_fast: true,
            ..options(100)
        },
    )
    .unwrap();
    assert_eq!(report.failed.len(), 1, "{report:?}");
    assert_eq!(report.failed[0].id, "doc00050");
    assert_eq!(
        store.get("doc00050").unwrap().unwrap().body,
        json!({"title": "task 50", "bad": true})
    );
    assert_eq!(at_target(store.as_ref()), 99);
    assert_eq!(
        report.stopped_after.as_deref(),
        Some("doc00099"),
        "{report:?}"
    );

    // A store error on the 6th page's write ends the run; the next run resumes after the last
    // checkpoint (every 200 documents: after page 4), finds page 5 already migrated, and
    // finishes, then re-checks the 400 below its checkpoint (where documents may have been
    // added since); a third run changes nothing.
    let store = Wrapped {
        fail_write: Some(6),
        ..Wrapped::new(seeded(&server, "resume", None))
    };
    let cut = Options {
        checkpoint_every: 200,
        ..options(100)
    };
    assert!(transactional::run(&store, &Tiny, &cut).is_err());
    assert_eq!(at_target(&store), 500);
    let resumed = transactional::run(&store, &Tiny, &cut).unwrap();
    assert!(resumed.resumed);
    assert_eq!(resumed.migrated, DOCS - 500);
    assert_eq!(resumed.already_at_target, 100 + 400, "{resumed:?}");
    assert_eq!(resumed.below_checkpoint, 0, "{resumed:?}");
    assert_eq!(at_target(&store), DOCS);
    let again = transactional::run(&store, &Tiny, &cut).unwrap();
    assert_eq!((again.migrated, again.already_at_target), (0, DOCS));
}
