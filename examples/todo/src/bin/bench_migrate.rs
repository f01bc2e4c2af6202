//! Benchmark: the transactional migration of todo documents v1 → v3 against the store's raw
//! write rate for the same documents.
//!
//! ```text
//! cargo run --release -p todo --bin bench_migrate -- [--docs 100000] [--batch-sizes 200,1000]
//!     [--server | --server-url http://127.0.0.1:5984] [--no-sqlite] [--no-prototype]
//! ```
//!
//! For every store and batch size, on fresh databases seeded with the same `--docs` v1
//! documents (seeding is not timed):
//!
//! - **migration**: `transactional::run` to v3 (untagged documents count as v1), through a
//!   store wrapper that times every `Store` call, so the run also says where its time went;
//! - **raw**: the already-migrated v3 bodies (computed beforehand with `engine::plan`, with
//!   the revisions they replace) written with `bulk_write` in chunks of the batch size — no
//!   reading, no migrating;
//! - **prototype** (unless `--no-prototype`): the same batched migration with the two changes
//!   docs/benchmarks-migrate.md proposes for `transactional::run`: the next `all_docs` page is
//!   read on a second connection in a background thread while the current page is written,
//!   and the checkpoint is written every [`CHECKPOINT_EVERY`] documents instead of every page.
//!
//! The ratio migration/raw is the figure of merit (goal ≥ 0.8×).
//!
//! `--server` starts `pouchdb-server --in-memory` from `.tools/pouchdb-server` (run
//! `cargo test -p docver-testkit` once to install it) on a free port and stops it at the end;
//! `--server-url` uses a running CouchDB-compatible server instead (databases named
//! `bench-migrate-*` are created and deleted on it).

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use docver_migrate::store::{self, ChangesPage, Doc, Store, StoreError, WriteOutcome};
use docver_migrate::strategy::engine::{self, Membership};
use docver_migrate::strategy::transactional;
use serde_json::{Value, json};

const TARGET: u32 = 3;
/// Seeding writes this many documents per `bulk_write`.
const SEED_CHUNK: usize = 1000;
/// The prototype writes its checkpoint after at least this many documents.
const CHECKPOINT_EVERY: usize = 5000;

#[derive(Debug, clap::Parser)]
#[command(
    name = "bench_migrate",
    about = "Transactional migration v1 → v3 vs raw bulk_write"
)]
struct Args {
    /// Documents to seed and migrate.
    #[arg(long, default_value_t = 100_000)]
    docs: usize,
    /// Batch sizes to try (migration page size = raw bulk_write chunk size).
    #[arg(long, value_delimiter = ',', default_value = "200,1000")]
    batch_sizes: Vec<usize>,
    /// Also benchmark a CouchDB-compatible server (pouchdb-server, started here).
    #[arg(long)]
    server: bool,
    /// Use this running server (`http://host:port`) instead of starting one; implies --server.
    #[arg(long)]
    server_url: Option<String>,
    /// Skip SQLite.
    #[arg(long)]
    no_sqlite: bool,
    /// Skip the pipelined prototype.
    #[arg(long)]
    no_prototype: bool,
    /// Directory for the SQLite files (default: a fresh directory under the system temp dir).
    #[arg(long)]
    dir: Option<PathBuf>,
}

fn main() {
    let args = <Args as clap::Parser>::parse();
    if let Err(e) = run(&args) {
        eprintln!("error: {e}");
        std::process::exit(2);
    }
}

/// One measured pass.
#[derive(Debug, Clone)]
struct Measured {
    store: &'static str,
    batch: usize,
    kind: &'static str,
    docs: usize,
    elapsed: Duration,
    profile: Option<Profile>,
}

impl Measured {
    fn rate(&self) -> f64 {
        self.docs as f64 / self.elapsed.as_secs_f64()
    }
}

fn run(args: &Args) -> Result<(), String> {
    if args.docs == 0 || args.batch_sizes.contains(&0) {
        return Err("--docs and every batch size must be positive".to_owned());
    }
    let seed = seed_docs(args.docs);
    let mut results = Vec::new();
    if !args.no_sqlite {
        let (dir, owned) = match &args.dir {
            Some(dir) => (dir.clone(), false),
            None => (
                std::env::temp_dir().join(format!("bench-migrate-{}", std::process::id())),
                true,
            ),
        };
        std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let outcome = bench_store(args, &seed, "sqlite", &mut results, |name| {
            let path = dir.join(format!("{name}.db"));
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
            }
            Ok(format!("sqlite:{}", path.display()))
        });
        if owned {
            let _ = std::fs::remove_dir_all(&dir);
        }
        outcome?;
    }
    if args.server || args.server_url.is_some() {
        let mut started = None;
        let base = match &args.server_url {
            Some(url) => url.trim_end_matches('/').to_owned(),
            None => {
                let server = PouchServer::start()?;
                let base = server.base_url.clone();
                started = Some(server);
                base
            }
        };
        let outcome = bench_store(args, &seed, "pouchdb-server", &mut results, |name| {
            let db = format!("bench-migrate-{name}");
            // Leftovers of an earlier run (a running server): start from an empty database.
            http_request(&base, "DELETE", &format!("/{db}"))?;
            Ok(format!("{base}/{db}"))
        });
        drop(started);
        outcome?;
    }
    print_summary(args, &results);
    Ok(())
}

/// Deterministic uuid-like ids (random order, like real todo ids) and v1 bodies: nine in ten
/// untagged (written before versioning), one in ten tagged `todo-item` v1.
fn seed_docs(n: usize) -> Vec<Doc> {
    let mut state: u64 = 0x005e_ed0f_70d0;
    let mut next = || {
        // splitmix64
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    };
    (0..n)
        .map(|i| {
            let (a, b) = (next(), next());
            let id = format!(
                "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
                a >> 32,
                (a >> 16) & 0xffff,
                a & 0xfff,
                (b >> 48) | 0x8000,
                b & 0xffff_ffff_ffff
            );
            let title = format!("Todo number {i}: water the plants");
            let status = i % 3 == 0;
            let body = if i % 10 == 0 {
                json!({"schema": "todo-item", "version": 1, "title": title, "status": status})
            } else {
                json!({"title": title, "status": status})
            };
            Doc::new(id, body)
        })
        .collect()
}

fn store_err(e: StoreError) -> String {
    e.to_string()
}

/// Opens a fresh store named `name` and seeds it (not timed).
fn fresh_seeded(
    seed: &[Doc],
    url_for: &mut impl FnMut(&str) -> Result<String, String>,
    name: &str,
) -> Result<(String, Box<dyn Store>), String> {
    let url = url_for(name)?;
    let store = store::open(&url).map_err(store_err)?;
    for chunk in seed.chunks(SEED_CHUNK) {
        for outcome in store.bulk_write(chunk).map_err(store_err)? {
            if !matches!(outcome, WriteOutcome::Written { .. }) {
                return Err(format!("seeding {url}: {outcome:?}"));
            }
        }
    }
    Ok((url, store))
}

fn membership() -> Membership {
    Membership {
        untagged_as_base: true,
        ..Membership::default()
    }
}

fn bench_store(
    args: &Args,
    seed: &[Doc],
    label: &'static str,
    results: &mut Vec<Measured>,
    mut url_for: impl FnMut(&str) -> Result<String, String>,
) -> Result<(), String> {
    let family = todo::TodoFamily;
    for &batch in &args.batch_sizes {
        // Raw: the v3 bodies, planned beforehand, written in chunks of `batch`.
        let (_, store) = fresh_seeded(seed, &mut url_for, &format!("raw-{batch}"))?;
        let mut planned = Vec::with_capacity(seed.len());
        let mut after: Option<String> = None;
        loop {
            let page = store
                .all_docs(after.as_deref(), SEED_CHUNK)
                .map_err(store_err)?;
            let Some(last) = page.last() else { break };
            after = Some(last.id.clone());
            for doc in &page {
                let plan = engine::plan(store.as_ref(), &family, doc, TARGET)
                    .map_err(store_err)?
                    .map_err(|e| format!("{}: {e}", doc.id))?;
                if !plan.parts.is_empty() || !plan.obsolete.is_empty() {
                    return Err(format!("{}: v1 → v3 unexpectedly has companions", doc.id));
                }
                planned.extend(plan.main);
            }
        }
        let started = Instant::now();
        for chunk in planned.chunks(batch) {
            for outcome in store.bulk_write(chunk).map_err(store_err)? {
                if !matches!(outcome, WriteOutcome::Written { .. }) {
                    return Err(format!("raw write: {outcome:?}"));
                }
            }
        }
        let raw = Measured {
            store: label,
            batch,
            kind: "raw bulk_write",
            docs: planned.len(),
            elapsed: started.elapsed(),
            profile: None,
        };
        report_line(&raw);
        results.push(raw);
        drop(store);

        // Migration: transactional::run through the timing wrapper.
        let store = Timed::new(fresh_seeded(seed, &mut url_for, &format!("mig-{batch}"))?.1);
        let options = transactional::Options {
            batch_size: batch,
            membership: membership(),
            ..transactional::Options::new(TARGET)
        };
        let started = Instant::now();
        let report = transactional::run(&store, &family, &options).map_err(store_err)?;
        let elapsed = started.elapsed();
        if report.migrated != seed.len() || !report.failed.is_empty() || report.retried != 0 {
            return Err(format!(
                "unexpected migration report: migrated {} of {}, {} failed, {} retried",
                report.migrated,
                seed.len(),
                report.failed.len(),
                report.retried
            ));
        }
        verify_v3(store.inner.as_ref(), seed.len())?;
        let migration = Measured {
            store: label,
            batch,
            kind: "migration (transactional::run)",
            docs: report.migrated,
            elapsed,
            profile: Some(store.profile()),
        };
        report_line(&migration);
        results.push(migration);
        drop(store);

        if !args.no_prototype {
            let (url, store) = fresh_seeded(seed, &mut url_for, &format!("proto-{batch}"))?;
            let store = Timed::new(store);
            let started = Instant::now();
            let (migrated, reader) = pipelined_migration(&url, &store, &family, batch)?;
            let elapsed = started.elapsed();
            let mut profile = store.profile();
            for (method, stat) in reader.0 {
                profile.0.insert(
                    if method == "all_docs" {
                        "all_docs [reader thread, overlapped]"
                    } else {
                        method
                    },
                    stat,
                );
            }
            if migrated != seed.len() {
                return Err(format!("prototype migrated {migrated} of {}", seed.len()));
            }
            verify_v3(store.inner.as_ref(), seed.len())?;
            let proto = Measured {
                store: label,
                batch,
                kind: "prototype: pipelined reads, checkpoint every 5000",
                docs: migrated,
                elapsed,
                profile: Some(profile),
            };
            report_line(&proto);
            results.push(proto);
        }
    }
    Ok(())
}

/// Every document is a tagged v3 `todo-item` afterwards.
fn verify_v3(store: &dyn Store, expected: usize) -> Result<(), String> {
    let mut after: Option<String> = None;
    let mut seen = 0;
    loop {
        let page = store
            .all_docs(after.as_deref(), SEED_CHUNK)
            .map_err(store_err)?;
        let Some(last) = page.last() else { break };
        after = Some(last.id.clone());
        for doc in &page {
            if doc.body.get("version") != Some(&json!(TARGET))
                || !doc.body.get("status").is_some_and(Value::is_string)
            {
                return Err(format!("{} not migrated: {}", doc.id, doc.body));
            }
            seen += 1;
        }
    }
    if seen != expected {
        return Err(format!(
            "{seen} documents after migration, expected {expected}"
        ));
    }
    Ok(())
}

/// The proposed `transactional::run`: a reader thread with its own connection pages through
/// `all_docs` one page ahead (a bounded channel), the main thread plans each page (v1 → v3
/// reads no companions) and writes it in one `bulk_write` per phase (companions, main
/// documents, obsolete companions), and the checkpoint is written after every
/// [`CHECKPOINT_EVERY`] documents and at the end. Conflicts are not retried here (there are
/// none in the benchmark; the real change keeps `transactional`'s retry path). Returns the
/// number migrated and the reader's profile.
fn pipelined_migration(
    url: &str,
    store: &dyn Store,
    family: &dyn docver::Family,
    batch: usize,
) -> Result<(usize, Profile), String> {
    let membership = membership();
    let checkpoint = format!("docver-migrate-proto-{}-v{TARGET}", family.schema_name());
    let reader = Timed::new(store::open(url).map_err(store_err)?);
    std::thread::scope(|scope| {
        let (pages, received) = std::sync::mpsc::sync_channel::<Vec<Doc>>(1);
        let reading = scope.spawn(move || -> Result<Profile, String> {
            let mut after: Option<String> = None;
            loop {
                let page = reader
                    .all_docs(after.as_deref(), batch)
                    .map_err(store_err)?;
                let Some(last) = page.last() else { break };
                after = Some(last.id.clone());
                if pages.send(page).is_err() {
                    break; // the writer gave up
                }
            }
            Ok(reader.profile())
        });
        let mut migrated = 0;
        let mut since_checkpoint = 0;
        let written = || -> Result<(), String> {
            for page in received {
                let Some(last) = page.last() else { continue };
                let last_id = last.id.clone();
                let (mut parts, mut mains, mut obsolete) = (Vec::new(), Vec::new(), Vec::new());
                for doc in page.iter().filter(|doc| membership.contains(family, doc)) {
                    let plan = engine::plan(store, family, doc, TARGET)
                        .map_err(store_err)?
                        .map_err(|e| format!("{}: {e}", doc.id))?;
                    parts.extend(plan.parts);
                    mains.extend(plan.main);
                    obsolete.extend(plan.obsolete);
                }
                for group in [&parts, &mains, &obsolete] {
                    if group.is_empty() {
                        continue;
                    }
                    for outcome in store.bulk_write(group).map_err(store_err)? {
                        if !matches!(outcome, WriteOutcome::Written { .. }) {
                            return Err(format!("prototype write: {outcome:?}"));
                        }
                    }
                }
                migrated += mains.len();
                since_checkpoint += page.len();
                if since_checkpoint >= CHECKPOINT_EVERY {
                    since_checkpoint = 0;
                    store
                        .put_local(&checkpoint, &json!({ "after": last_id }))
                        .map_err(store_err)?;
                }
            }
            store
                .put_local(&checkpoint, &json!({ "after": null, "finished": true }))
                .map_err(store_err)
        };
        let outcome = written();
        let reader_profile = reading
            .join()
            .map_err(|_| "the reader thread panicked".to_owned())??;
        outcome.map(|()| (migrated, reader_profile))
    })
}

fn report_line(m: &Measured) {
    eprintln!(
        "[{} batch {}] {}: {} docs in {:.2} s = {:.0} docs/s",
        m.store,
        m.batch,
        m.kind,
        m.docs,
        m.elapsed.as_secs_f64(),
        m.rate()
    );
}

fn print_summary(args: &Args, results: &[Measured]) {
    println!(
        "\n## bench_migrate: {} todo documents v1 → v{TARGET}\n",
        args.docs
    );
    println!(
        "| store | batch | raw bulk_write docs/s | migration docs/s | ratio | prototype docs/s | prototype ratio |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|");
    let find = |store: &str, batch: usize, prefix: &str| {
        results
            .iter()
            .find(|m| m.store == store && m.batch == batch && m.kind.starts_with(prefix))
    };
    let mut keys: Vec<(&str, usize)> = results.iter().map(|m| (m.store, m.batch)).collect();
    keys.dedup();
    for (store, batch) in keys {
        let raw = find(store, batch, "raw").map(Measured::rate);
        let mig = find(store, batch, "migration").map(Measured::rate);
        let proto = find(store, batch, "prototype").map(Measured::rate);
        let fmt = |v: Option<f64>| v.map_or_else(|| "–".to_owned(), |v| format!("{v:.0}"));
        let ratio = |v: Option<f64>| match (v, raw) {
            (Some(v), Some(r)) => format!("{:.2}×", v / r),
            _ => "–".to_owned(),
        };
        println!(
            "| {store} | {batch} | {} | {} | {} | {} | {} |",
            fmt(raw),
            fmt(mig),
            ratio(mig),
            fmt(proto),
            ratio(proto)
        );
    }
    println!("\n### Where the time goes (Store calls, timed by a wrapper)\n");
    println!("| store | batch | run | wall s | method | calls | docs | s in calls | % of wall |");
    println!("|---|---:|---|---:|---|---:|---:|---:|---:|");
    for m in results {
        let Some(profile) = &m.profile else { continue };
        let wall = m.elapsed.as_secs_f64();
        let mut in_store = 0.0;
        for (method, stat) in &profile.0 {
            let secs = stat.time.as_secs_f64();
            if !method.contains("overlapped") {
                in_store += secs;
            }
            println!(
                "| {} | {} | {} | {wall:.2} | {method} | {} | {} | {secs:.2} | {:.1}% |",
                m.store,
                m.batch,
                m.kind,
                stat.calls,
                stat.docs,
                100.0 * secs / wall
            );
        }
        println!(
            "| {} | {} | {} | {wall:.2} | (outside the store: planning, JSON, bookkeeping) | | | {:.2} | {:.1}% |",
            m.store,
            m.batch,
            m.kind,
            wall - in_store,
            100.0 * (wall - in_store) / wall
        );
    }
}

// ---------------------------------------------------------------------------------------------
// A Store wrapper that counts and times every call.

#[derive(Debug, Clone, Copy, Default)]
struct Stat {
    calls: usize,
    docs: usize,
    time: Duration,
}

#[derive(Debug, Clone, Default)]
struct Profile(BTreeMap<&'static str, Stat>);

struct Timed {
    inner: Box<dyn Store>,
    stats: Mutex<Profile>,
}

impl std::fmt::Debug for Timed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Timed")
            .field("url", &self.inner.url())
            .finish()
    }
}

impl Timed {
    fn new(inner: Box<dyn Store>) -> Self {
        Timed {
            inner,
            stats: Mutex::new(Profile::default()),
        }
    }

    fn timed<T>(&self, method: &'static str, docs: usize, f: impl FnOnce() -> T) -> T {
        let started = Instant::now();
        let out = f();
        let time = started.elapsed();
        let mut stats = self.stats.lock().unwrap_or_else(|p| p.into_inner());
        let stat = stats.0.entry(method).or_default();
        stat.calls += 1;
        stat.docs += docs;
        stat.time += time;
        out
    }

    fn profile(&self) -> Profile {
        self.stats.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

impl Store for Timed {
    fn url(&self) -> String {
        self.inner.url()
    }

    fn get(&self, id: &str) -> Result<Option<Doc>, StoreError> {
        self.timed("get", 1, || self.inner.get(id))
    }

    fn all_docs(&self, start_after: Option<&str>, limit: usize) -> Result<Vec<Doc>, StoreError> {
        let started = Instant::now();
        let out = self.inner.all_docs(start_after, limit);
        let n = out.as_ref().map_or(0, Vec::len);
        let time = started.elapsed();
        let mut stats = self.stats.lock().unwrap_or_else(|p| p.into_inner());
        let stat = stats.0.entry("all_docs").or_default();
        stat.calls += 1;
        stat.docs += n;
        stat.time += time;
        out
    }

    fn bulk_write(&self, docs: &[Doc]) -> Result<Vec<WriteOutcome>, StoreError> {
        self.timed("bulk_write", docs.len(), || self.inner.bulk_write(docs))
    }

    fn changes(
        &self,
        since: &str,
        limit: usize,
        wait: Option<Duration>,
    ) -> Result<ChangesPage, StoreError> {
        self.timed("changes", 0, || self.inner.changes(since, limit, wait))
    }

    fn get_local(&self, id: &str) -> Result<Option<Value>, StoreError> {
        self.timed("get_local", 0, || self.inner.get_local(id))
    }

    fn put_local(&self, id: &str, value: &Value) -> Result<(), StoreError> {
        self.timed("put_local", 0, || self.inner.put_local(id, value))
    }

    fn put_design(&self, id: &str, design: &Value) -> Result<(), StoreError> {
        self.timed("put_design", 0, || self.inner.put_design(id, design))
    }
}

// ---------------------------------------------------------------------------------------------
// pouchdb-server, started and stopped here (a bin cannot use docver-testkit, a dev-dependency).

#[derive(Debug)]
struct PouchServer {
    child: Child,
    base_url: String,
    workdir: PathBuf,
}

impl PouchServer {
    fn start() -> Result<PouchServer, String> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let bin = root.join(".tools/pouchdb-server/node_modules/.bin/pouchdb-server");
        if !bin.exists() {
            return Err(format!(
                "{} is missing: run `cargo test -p docver-testkit` once to install it, \
                 or pass --server-url",
                bin.display()
            ));
        }
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map_err(|e| format!("cannot find a free port: {e}"))?
            .port();
        let workdir =
            std::env::temp_dir().join(format!("bench-migrate-pouch-{}", std::process::id()));
        std::fs::create_dir_all(&workdir).map_err(|e| format!("{}: {e}", workdir.display()))?;
        let log = |name: &str| {
            std::fs::File::create(workdir.join(name))
                .map_err(|e| format!("cannot create {name}: {e}"))
        };
        let child = Command::new(&bin)
            .args(["--in-memory", "--host", "127.0.0.1", "--port"])
            .arg(port.to_string())
            .current_dir(&workdir)
            .stdin(Stdio::null())
            .stdout(log("stdout.txt")?)
            .stderr(log("stderr.txt")?)
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", bin.display()))?;
        let mut server = PouchServer {
            child,
            base_url: format!("http://127.0.0.1:{port}"),
            workdir,
        };
        let started = Instant::now();
        loop {
            if let Ok(Some(status)) = server.child.try_wait() {
                return Err(format!(
                    "pouchdb-server exited with {status}; see {}",
                    server.workdir.display()
                ));
            }
            if matches!(http_request(&server.base_url, "GET", "/"), Ok(200)) {
                eprintln!("pouchdb-server ready on {}", server.base_url);
                return Ok(server);
            }
            if started.elapsed() > Duration::from_secs(60) {
                return Err("pouchdb-server did not answer within 60 s".to_owned());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for PouchServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.workdir);
    }
}

/// A bodiless HTTP/1.0 request to `base` (`http://host:port`); returns the status code.
fn http_request(base: &str, method: &str, path: &str) -> Result<u16, String> {
    let authority = base
        .strip_prefix("http://")
        .ok_or_else(|| format!("expected an http:// URL, got `{base}`"))?;
    let (auth, host) = match authority.rsplit_once('@') {
        Some((_, host)) => (true, host),
        None => (false, authority),
    };
    if auth {
        return Err("--server-url with credentials is not supported by this benchmark".to_owned());
    }
    let io = |e: std::io::Error| format!("{method} {base}{path}: {e}");
    let mut stream = TcpStream::connect(host).map_err(io)?;
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .map_err(io)?;
    write!(
        stream,
        "{method} {path} HTTP/1.0\r\nHost: {host}\r\nAccept: application/json\r\n\r\n"
    )
    .map_err(io)?;
    let mut reply = String::new();
    stream.read_to_string(&mut reply).map_err(io)?;
    reply
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .ok_or_else(|| format!("{method} {base}{path}: no HTTP status in the reply"))
}
