//! Benchmark: the transactional migration of todo documents v1 → v3 against the store's raw
//! write rate for the same documents.
//!
//! ```text
//! cargo run --release -p todo --bin bench_migrate -- [--docs 100000] [--batch-sizes 1000]
//!     [--rounds 3] [--server | --server-url http://127.0.0.1:5984] [--no-sqlite]
//!     [--sequential] [--checkpoint-every N]
//! ```
//!
//! For every store and batch size, `--rounds` times, on fresh databases seeded with the same
//! `--docs` v1 documents (seeding is not timed; every database is deleted after its pass):
//!
//! - **raw**: the already-migrated v3 bodies (computed beforehand with `engine::plan`, each
//!   with the revision it replaces, i.e. exactly the documents the migration writes) written
//!   with `Store::bulk_write` in chunks of the batch size — on the server one `_bulk_docs`
//!   request per chunk, no reading, no migrating;
//! - **migration**: `transactional::run` to v3 (untagged documents count as v1) with the
//!   engine's default options except the batch size, through a store wrapper that times every
//!   `Store` call, so the run also says where its time went; checked afterwards (every
//!   document at v3, none failed, none retried);
//! - **sequential** (with `--sequential`): the same with `read_ahead: false`.
//!
//! The order of the passes alternates between rounds (raw first, then migration first, …) so
//! that neither side always runs on a warmer or fuller server. The figure of merit is the ratio
//! of the best migration rate to the best raw rate (goal ≥ 0.8×); every round's own ratio is
//! printed as well.
//!
//! With `--strategies`, the multi-version strategies instead (see [`bench_strategies`]): `sync`
//! over four per-version databases and `worker` over per-version documents, on `--docs` v1
//! todos, each against raw writes of exactly the documents it wrote, with the store calls per
//! document.
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

#[derive(Debug, clap::Parser)]
#[command(
    name = "bench_migrate",
    about = "Transactional migration v1 → v3 vs raw bulk_write"
)]
struct Args {
    /// Documents to seed and migrate.
    #[arg(long, default_value_t = 100_000)]
    docs: usize,
    /// Batch sizes to try (migration page size = raw bulk_write chunk size); default: the
    /// engine's default batch size.
    #[arg(long, value_delimiter = ',')]
    batch_sizes: Vec<usize>,
    /// Measured rounds per store and batch size (best-of; the pass order alternates).
    #[arg(long, default_value_t = 3)]
    rounds: usize,
    /// Also measure the migration without read-ahead (`read_ahead: false`).
    #[arg(long)]
    sequential: bool,
    /// Also measure raw writes on two connections at once (two threads taking the chunks in
    /// turn): how far the server's write rate goes when it is never idle between requests.
    #[arg(long)]
    raw_two_connections: bool,
    /// The migration's checkpoint interval in documents (default: the engine's).
    #[arg(long)]
    checkpoint_every: Option<usize>,
    /// Also benchmark a CouchDB-compatible server (pouchdb-server, started here).
    #[arg(long)]
    server: bool,
    /// Use this running server (`http://host:port`) instead of starting one; implies --server.
    #[arg(long)]
    server_url: Option<String>,
    /// Skip SQLite.
    #[arg(long)]
    no_sqlite: bool,
    /// Directory for the SQLite files (default: a fresh directory under the system temp dir).
    #[arg(long)]
    dir: Option<PathBuf>,
    /// Benchmark `sync` (four per-version databases) and `worker` (per-version documents)
    /// instead of the transactional migration.
    #[arg(long)]
    strategies: bool,
    /// With --strategies: also run each pass without the read-ahead (`Store::prefetch` not
    /// passed on to the store), for the before/after figure.
    #[arg(long)]
    without_prefetch: bool,
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
    round: usize,
    kind: Kind,
    docs: usize,
    elapsed: Duration,
    profile: Option<Profile>,
    /// CPU seconds during the pass: this process (all threads), and the server's main
    /// (JavaScript) thread when the benchmark started the server itself.
    cpu: Cpu,
}

#[derive(Debug, Clone, Copy, Default)]
struct Cpu {
    client: f64,
    server_main: Option<f64>,
}

/// CPU seconds (user + system) of a process or thread from `/proc/.../stat` (Linux only).
fn proc_cpu(path: &str) -> Option<f64> {
    let stat = std::fs::read_to_string(path).ok()?;
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    // USER_HZ is 100 on every Linux this runs on.
    Some(ticks / 100.0)
}

/// Measures the CPU used by `f`, here and (with `server_pid`) on the server's main thread.
fn with_cpu<T>(server_pid: Option<u32>, f: impl FnOnce() -> T) -> (T, Cpu) {
    let server_path = server_pid.map(|pid| format!("/proc/{pid}/task/{pid}/stat"));
    let server = || server_path.as_deref().and_then(proc_cpu);
    let (client0, server0) = (proc_cpu("/proc/self/stat"), server());
    let out = f();
    let (client1, server1) = (proc_cpu("/proc/self/stat"), server());
    let cpu = Cpu {
        client: client1.zip(client0).map_or(0.0, |(b, a)| b - a),
        server_main: server1.zip(server0).map(|(b, a)| b - a),
    };
    (out, cpu)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Raw,
    Migration,
    Sequential,
    RawTwoConnections,
}

impl Kind {
    fn label(self) -> &'static str {
        match self {
            Kind::Raw => "raw bulk_write",
            Kind::Migration => "migration (transactional::run)",
            Kind::Sequential => "migration, read_ahead: false",
            Kind::RawTwoConnections => "raw bulk_write, two connections",
        }
    }
}

impl Measured {
    fn rate(&self) -> f64 {
        self.docs as f64 / self.elapsed.as_secs_f64()
    }
}

/// Where the fresh databases live.
enum Backend {
    Sqlite(PathBuf),
    /// The base URL, and the server's process id if this benchmark started it.
    Server(String, Option<u32>),
}

impl Backend {
    /// The URL of an empty database `name` (leftovers removed).
    fn fresh(&self, name: &str) -> Result<String, String> {
        self.remove(name)?;
        Ok(match self {
            Backend::Sqlite(dir) => format!("sqlite:{}", dir.join(format!("{name}.db")).display()),
            Backend::Server(base, _) => format!("{base}/bench-migrate-{name}"),
        })
    }

    fn remove(&self, name: &str) -> Result<(), String> {
        match self {
            Backend::Sqlite(dir) => {
                let path = dir.join(format!("{name}.db"));
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
                }
            }
            Backend::Server(base, _) => {
                http_request(base, "DELETE", &format!("/bench-migrate-{name}"))?;
            }
        }
        Ok(())
    }
}

fn run(args: &Args) -> Result<(), String> {
    let mut args_batches = args.batch_sizes.clone();
    if args_batches.is_empty() {
        args_batches.push(transactional::Options::new(TARGET).batch_size);
    }
    if args.docs == 0 || args_batches.contains(&0) || args.rounds == 0 {
        return Err("--docs, --rounds and every batch size must be positive".to_owned());
    }
    let seed = match args.strategies {
        true => Vec::new(),
        false => seed_docs(args.docs),
    };
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
        let backend = Backend::Sqlite(dir.clone());
        let outcome = match args.strategies {
            true => bench_strategies(args, "sqlite", &backend),
            false => bench_store(args, &args_batches, &seed, "sqlite", &mut results, &backend),
        };
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
        let backend = Backend::Server(base, started.as_ref().map(|s| s.child.id()));
        let outcome = if args.strategies {
            bench_strategies(args, "pouchdb-server", &backend)
        } else {
            bench_store(
                args,
                &args_batches,
                &seed,
                "pouchdb-server",
                &mut results,
                &backend,
            )
        };
        drop(started);
        outcome?;
    }
    if !args.strategies {
        print_summary(args, &results);
    }
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
fn fresh_seeded(seed: &[Doc], backend: &Backend, name: &str) -> Result<Box<dyn Store>, String> {
    let url = backend.fresh(name)?;
    let store = store::open(&url).map_err(store_err)?;
    for chunk in seed.chunks(SEED_CHUNK) {
        for outcome in store.bulk_write(chunk).map_err(store_err)? {
            if !matches!(outcome, WriteOutcome::Written { .. }) {
                return Err(format!("seeding {url}: {outcome:?}"));
            }
        }
    }
    Ok(store)
}

fn membership() -> Membership {
    Membership {
        untagged_as_base: true,
        ..Membership::default()
    }
}

fn bench_store(
    args: &Args,
    batches: &[usize],
    seed: &[Doc],
    label: &'static str,
    results: &mut Vec<Measured>,
    backend: &Backend,
) -> Result<(), String> {
    for &batch in batches {
        for round in 1..=args.rounds {
            let mut kinds = vec![Kind::Raw, Kind::Migration];
            if args.sequential {
                kinds.push(Kind::Sequential);
            }
            if args.raw_two_connections {
                kinds.insert(1, Kind::RawTwoConnections);
            }
            // Alternate the order, so that neither side always runs first on the server.
            if round % 2 == 0 {
                kinds.reverse();
            }
            for kind in kinds {
                let name = format!(
                    "{}-{batch}-{round}",
                    if kind == Kind::Raw { "raw" } else { "mig" }
                );
                let store = fresh_seeded(seed, backend, &name)?;
                let pid = match backend {
                    Backend::Server(_, pid) => *pid,
                    Backend::Sqlite(_) => None,
                };
                let measured = match kind {
                    Kind::Raw => raw_pass(store.as_ref(), batch, pid, 1)?,
                    Kind::RawTwoConnections => raw_pass(store.as_ref(), batch, pid, 2)?,
                    Kind::Migration | Kind::Sequential => migration_pass(
                        args,
                        store,
                        batch,
                        kind == Kind::Migration,
                        seed.len(),
                        pid,
                    )?,
                };
                backend.remove(&name)?;
                let measured = Measured {
                    store: label,
                    batch,
                    round,
                    kind,
                    ..measured
                };
                report_line(&measured);
                results.push(measured);
            }
        }
    }
    Ok(())
}

/// Raw: the v3 bodies, planned beforehand, written in chunks of `batch` by `writers` threads
/// (each chunk is one `bulk_write`; on the server each thread has its own pooled connection).
fn raw_pass(
    store: &dyn Store,
    batch: usize,
    pid: Option<u32>,
    writers: usize,
) -> Result<Measured, String> {
    let family = todo::TodoFamily;
    let mut planned = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let page = store
            .all_docs(after.as_deref(), SEED_CHUNK)
            .map_err(store_err)?;
        let Some(last) = page.last() else { break };
        after = Some(last.id.clone());
        for doc in &page {
            let plan = engine::plan(store, &family, doc, TARGET)
                .map_err(store_err)?
                .map_err(|e| format!("{}: {e}", doc.id))?;
            if !plan.parts.is_empty() || !plan.obsolete.is_empty() {
                return Err(format!("{}: v1 → v3 unexpectedly has companions", doc.id));
            }
            planned.extend(plan.main);
        }
    }
    let started = Instant::now();
    let chunks = Mutex::new(planned.chunks(batch));
    let write_chunks = || -> Result<(), String> {
        loop {
            let next = chunks.lock().unwrap_or_else(|p| p.into_inner()).next();
            let Some(chunk) = next else { return Ok(()) };
            for outcome in store.bulk_write(chunk).map_err(store_err)? {
                if !matches!(outcome, WriteOutcome::Written { .. }) {
                    return Err(format!("raw write: {outcome:?}"));
                }
            }
        }
    };
    let (written, cpu) = with_cpu(pid, || {
        std::thread::scope(|scope| {
            let others: Vec<_> = (1..writers).map(|_| scope.spawn(write_chunks)).collect();
            let mut outcome = write_chunks();
            for other in others {
                let joined = other
                    .join()
                    .unwrap_or_else(|_| Err("a writer thread panicked".to_owned()));
                outcome = outcome.and(joined);
            }
            outcome
        })
    });
    let elapsed = started.elapsed();
    written?;
    Ok(Measured {
        store: "",
        batch,
        round: 0,
        kind: Kind::Raw,
        docs: planned.len(),
        elapsed,
        profile: None,
        cpu,
    })
}

/// Migration: `transactional::run` through the timing wrapper, then checked.
fn migration_pass(
    args: &Args,
    store: Box<dyn Store>,
    batch: usize,
    read_ahead: bool,
    expected: usize,
    pid: Option<u32>,
) -> Result<Measured, String> {
    let family = todo::TodoFamily;
    let store = Timed::new(store);
    let defaults = transactional::Options::new(TARGET);
    let options = transactional::Options {
        batch_size: batch,
        membership: membership(),
        read_ahead,
        checkpoint_every: args.checkpoint_every.unwrap_or(defaults.checkpoint_every),
        ..defaults
    };
    let started = Instant::now();
    let (report, cpu) = with_cpu(pid, || transactional::run(&store, &family, &options));
    let elapsed = started.elapsed();
    let report = report.map_err(store_err)?;
    if report.migrated != expected || !report.failed.is_empty() || report.retried != 0 {
        return Err(format!(
            "unexpected migration report: migrated {} of {expected}, {} failed, {} retried",
            report.migrated,
            report.failed.len(),
            report.retried
        ));
    }
    verify_v3(store.inner.as_ref(), expected)?;
    Ok(Measured {
        store: "",
        batch,
        round: 0,
        kind: Kind::Migration,
        docs: report.migrated,
        elapsed,
        profile: Some(store.profile()),
        cpu,
    })
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

fn report_line(m: &Measured) {
    eprintln!(
        "[{} batch {} round {}] {}: {} docs in {:.2} s = {:.0} docs/s (CPU s: client {:.2}{})",
        m.store,
        m.batch,
        m.round,
        m.kind.label(),
        m.docs,
        m.elapsed.as_secs_f64(),
        m.rate(),
        m.cpu.client,
        m.cpu
            .server_main
            .map_or_else(String::new, |s| format!(", server main thread {s:.2}"))
    );
}

fn print_summary(args: &Args, results: &[Measured]) {
    println!(
        "\n## bench_migrate: {} todo documents v1 → v{TARGET}, best of {} rounds\n",
        args.docs, args.rounds
    );
    println!(
        "| store | batch | raw bulk_write docs/s (best) | migration docs/s (best) | **ratio** | ratio per round | sequential docs/s (best) | sequential ratio | raw, two connections docs/s (best) | migration / it |"
    );
    println!("|---|---:|---:|---:|---:|---|---:|---:|---:|---:|");
    let mut keys: Vec<(&str, usize)> = results.iter().map(|m| (m.store, m.batch)).collect();
    keys.dedup();
    for (store, batch) in keys {
        let of = |kind: Kind| {
            results
                .iter()
                .filter(move |m| m.store == store && m.batch == batch && m.kind == kind)
        };
        let best = |kind: Kind| of(kind).map(Measured::rate).reduce(f64::max);
        let raw = best(Kind::Raw);
        let fmt = |v: Option<f64>| v.map_or_else(|| "–".to_owned(), |v| format!("{v:.0}"));
        let ratio = |v: Option<f64>| match (v, raw) {
            (Some(v), Some(r)) => format!("{:.2}×", v / r),
            _ => "–".to_owned(),
        };
        let per_round: Vec<String> = of(Kind::Migration)
            .filter_map(|m| {
                let raw = of(Kind::Raw).find(|r| r.round == m.round)?;
                Some(format!("{:.2}×", m.rate() / raw.rate()))
            })
            .collect();
        let raw2 = best(Kind::RawTwoConnections);
        let ratio2 = match (best(Kind::Migration), raw2) {
            (Some(m), Some(r)) => format!("{:.2}×", m / r),
            _ => "–".to_owned(),
        };
        println!(
            "| {store} | {batch} | {} | {} | **{}** | {} | {} | {} | {} | {ratio2} |",
            fmt(raw),
            fmt(best(Kind::Migration)),
            ratio(best(Kind::Migration)),
            per_round.join(", "),
            fmt(best(Kind::Sequential)),
            ratio(best(Kind::Sequential)),
            fmt(raw2),
        );
    }
    println!("\n### The same in CPU time (least per pass)\n");
    println!(
        "Less sensitive to other processes on the machine than wall time. SQLite: this \
         process's CPU (the store runs in it). pouchdb-server: the server's main thread, which \
         executes all of its JavaScript and is what a saturated server runs out of.\n"
    );
    println!(
        "| store | batch | CPU measured | raw CPU s | migration CPU s | **raw / migration** |"
    );
    println!("|---|---:|---|---:|---:|---:|");
    let mut keys: Vec<(&str, usize)> = results.iter().map(|m| (m.store, m.batch)).collect();
    keys.dedup();
    for (store, batch) in keys {
        let least = |kind: Kind| {
            results
                .iter()
                .filter(|m| m.store == store && m.batch == batch && m.kind == kind)
                .map(|m| m.cpu.server_main.unwrap_or(m.cpu.client))
                .reduce(f64::min)
        };
        let what = if results
            .iter()
            .any(|m| m.store == store && m.cpu.server_main.is_some())
        {
            "server main thread"
        } else {
            "this process"
        };
        if let (Some(raw), Some(mig)) = (least(Kind::Raw), least(Kind::Migration)) {
            println!(
                "| {store} | {batch} | {what} | {raw:.2} | {mig:.2} | **{:.2}×** |",
                raw / mig
            );
        }
    }
    println!("\n### Every pass, in the order run\n");
    println!(
        "CPU seconds during the timed part: this process (all threads) and, when the \
         benchmark started pouchdb-server, the server's main (JavaScript) thread.\n"
    );
    println!(
        "| store | batch | round | pass | wall s | docs/s | client CPU s | server main-thread CPU s |"
    );
    println!("|---|---:|---:|---|---:|---:|---:|---:|");
    for m in results {
        println!(
            "| {} | {} | {} | {} | {:.2} | {:.0} | {:.2} | {} |",
            m.store,
            m.batch,
            m.round,
            m.kind.label(),
            m.elapsed.as_secs_f64(),
            m.rate(),
            m.cpu.client,
            m.cpu
                .server_main
                .map_or_else(|| "–".to_owned(), |s| format!("{s:.2}"))
        );
    }
    println!("\n### Where the time goes (Store calls, timed by a wrapper)\n");
    println!(
        "Read-ahead runs `all_docs` on a second thread: its time overlaps the other calls, so \
         the rows can add up to more than the wall time.\n"
    );
    println!(
        "| store | batch | round | run | wall s | method | calls | docs | s in calls | % of wall |"
    );
    println!("|---|---:|---:|---|---:|---|---:|---:|---:|---:|");
    for m in results {
        let Some(profile) = &m.profile else { continue };
        let wall = m.elapsed.as_secs_f64();
        for (method, stat) in &profile.0 {
            let secs = stat.time.as_secs_f64();
            println!(
                "| {} | {} | {} | {} | {wall:.2} | {method} | {} | {} | {secs:.2} | {:.1}% |",
                m.store,
                m.batch,
                m.round,
                m.kind.label(),
                stat.calls,
                stat.docs,
                100.0 * secs / wall
            );
        }
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
    /// Whether `prefetch` reaches the store (`--without-prefetch` measures without it).
    prefetch: bool,
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
            prefetch: true,
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

    fn prefers_read_ahead(&self) -> bool {
        self.inner.prefers_read_ahead()
    }

    fn prefetch(&self, ids: &[String]) -> Result<(), StoreError> {
        match self.prefetch {
            true => self.timed("prefetch", ids.len(), || self.inner.prefetch(ids)),
            false => Ok(()),
        }
    }

    fn update_local(
        &self,
        id: &str,
        update: &mut dyn FnMut(Option<&Value>) -> Option<Value>,
    ) -> Result<(), StoreError> {
        self.timed("update_local", 0, || self.inner.update_local(id, update))
    }

    fn conflicting_revisions(&self, id: &str) -> Result<Vec<Doc>, StoreError> {
        self.timed("conflicting_revisions", 1, || {
            self.inner.conflicting_revisions(id)
        })
    }

    fn follow_stream(
        &self,
        since: &str,
        on_change: &mut dyn FnMut(&store::FeedEntry) -> bool,
        idle_timeout: Duration,
    ) -> Option<Result<String, StoreError>> {
        self.timed("follow_stream", 0, || {
            self.inner.follow_stream(since, on_change, idle_timeout)
        })
    }
}

// ---------------------------------------------------------------------------------------------
// `--strategies`: sync and worker against raw writes of what they wrote.

/// One strategy pass and its raw twin: `sync` over four per-version databases, then `worker`
/// with live versions 1–4 in one database, each on `--docs` fresh v1 todos (seeding not timed).
/// **Raw** is `bulk_write` of exactly the documents the pass left in the stores it wrote
/// (read back untimed; new documents, chunks of 500, on fresh databases). The figure of
/// merit is logical documents per second, pass against raw (goal ≥ 0.5×); the store calls per
/// logical document say where the pass's requests go (on the server each call is one request,
/// `update_local` two).
fn bench_strategies(args: &Args, label: &str, backend: &Backend) -> Result<(), String> {
    let n = args.docs;
    let modes: &[bool] = match args.without_prefetch {
        true => &[true, false],
        false => &[true],
    };
    for round in 1..=args.rounds {
        for &prefetch in modes {
            strategy_round(n, round, prefetch, label, backend)?;
        }
    }
    Ok(())
}

/// One round of [`bench_strategies`]: `sync`, then `worker`.
fn strategy_round(
    n: usize,
    round: usize,
    prefetch: bool,
    label: &str,
    backend: &Backend,
) -> Result<(), String> {
    let v1 = |i: usize| {
        let title = format!("Todo {i}: water the plants");
        json!({"schema": "todo-item", "version": 1, "title": title, "status": i.is_multiple_of(3)})
    };
    let label = match prefetch {
        true => label.to_owned(),
        false => format!("{label} (no prefetch)"),
    };
    let label = label.as_str();
    {
        // sync: the v1 database seeded, versions 2-4 empty.
        let seed: Vec<Doc> = (0..n)
            .map(|i| Doc::new(format!("u{i:07}"), v1(i)))
            .collect();
        let mut dbs = Vec::new();
        for version in 1..=4 {
            let name = format!("sync-v{version}");
            let store = match version {
                1 => fresh_seeded(&seed, backend, &name)?,
                _ => store::open(&backend.fresh(&name)?).map_err(store_err)?,
            };
            let mut timed = Timed::new(store);
            timed.prefetch = prefetch;
            dbs.push(timed);
        }
        let databases = docver_migrate::strategy::per_version_databases::Databases {
            family: &todo::TodoFamily,
            membership: Membership::default(),
            by_version: dbs
                .iter()
                .enumerate()
                .map(|(i, db)| (i as u32 + 1, db as &dyn Store))
                .collect(),
        };
        let started = Instant::now();
        let report = databases
            .sync_until_quiet(20, Duration::ZERO)
            .map_err(store_err)?;
        let elapsed = started.elapsed();
        if !report.failed.is_empty() || !report.waiting.is_empty() {
            return Err(format!("sync left documents behind: {report:?}"));
        }
        let v4 = read_all(&dbs[3], |id| !id.contains(':'))?.len();
        if v4 != n {
            return Err(format!("sync wrote {v4} version 4 documents, not {n}"));
        }
        let written: Vec<&dyn Store> = dbs[1..].iter().map(|db| db as &dyn Store).collect();
        let profiles: Vec<Profile> = dbs.iter().map(Timed::profile).collect();
        let raw = raw_rewrite(backend, "sync-raw", &written, |_| true)?;
        strategy_line(
            label,
            "sync, 4 databases",
            round,
            n,
            elapsed,
            raw,
            &profiles,
        );
        for version in 1..=4 {
            backend.remove(&format!("sync-v{version}"))?;
        }

        // worker: per-version documents, v1 seeded, live 1-4.
        let seed: Vec<Doc> = (0..n)
            .map(|i| Doc::new(format!("todo-item@1:u{i:07}"), v1(i)))
            .collect();
        let mut db = Timed::new(fresh_seeded(&seed, backend, "worker")?);
        db.prefetch = prefetch;
        let worker = docver_migrate::strategy::per_version_documents::Worker::new(
            &db,
            &todo::TodoFamily,
            docver_migrate::strategy::per_version_documents::Options {
                live: vec![1, 2, 3, 4],
                idle_timeout: WORKER_IDLE,
            },
        );
        let started = Instant::now();
        let report = worker.run().map_err(store_err)?;
        let elapsed = started.elapsed();
        if !report.failed.is_empty() || !report.waiting.is_empty() {
            return Err(format!("worker left documents behind: {report:?}"));
        }
        let v4 = read_all(&db, |id| id.starts_with("todo-item@4:"))?.len();
        if v4 != n {
            return Err(format!(
                "the worker wrote {v4} version 4 documents, not {n}"
            ));
        }
        let profile = db.profile();
        let raw = raw_rewrite(backend, "worker-raw", &[&db], |id| {
            !id.starts_with("todo-item@1:")
        })?;
        strategy_line(
            label,
            "worker, live 1-4",
            round,
            n,
            elapsed,
            raw,
            &[profile],
        );
        backend.remove("worker")?;
    }
    Ok(())
}

/// How long the worker waits on a quiet feed before it stops (part of its measured time).
const WORKER_IDLE: Duration = Duration::from_millis(300);

/// Writes every document of `stores` that `wrote` says the pass wrote anew into one fresh
/// database each (timed: the writes only); returns the time.
fn raw_rewrite(
    backend: &Backend,
    name: &str,
    stores: &[&dyn Store],
    wrote: fn(&str) -> bool,
) -> Result<Duration, String> {
    let mut total = Duration::ZERO;
    for (i, source) in stores.iter().enumerate() {
        let docs = read_all(*source, wrote)?;
        let db_name = format!("{name}-{i}");
        let target = store::open(&backend.fresh(&db_name)?).map_err(store_err)?;
        let started = Instant::now();
        for chunk in docs.chunks(500) {
            target.bulk_write(chunk).map_err(store_err)?;
        }
        total += started.elapsed();
        drop(target);
        backend.remove(&db_name)?;
    }
    Ok(total)
}

/// Every document of `source` whose id `keep` takes, as a new document (no revision).
fn read_all(source: &dyn Store, keep: fn(&str) -> bool) -> Result<Vec<Doc>, String> {
    let mut docs = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let page = source.all_docs(after.as_deref(), 1000).map_err(store_err)?;
        let Some(last) = page.last() else { break };
        after = Some(last.id.clone());
        let kept = page.into_iter().filter(|d| keep(&d.id));
        docs.extend(kept.map(|d| Doc::new(d.id, d.body)));
    }
    Ok(docs)
}

fn strategy_line(
    label: &str,
    what: &str,
    round: usize,
    n: usize,
    elapsed: Duration,
    raw: Duration,
    profiles: &[Profile],
) {
    let rate = |d: Duration| n as f64 / d.as_secs_f64();
    let mut calls: BTreeMap<&str, Stat> = BTreeMap::new();
    for profile in profiles {
        for (method, stat) in &profile.0 {
            let total = calls.entry(method).or_default();
            total.calls += stat.calls;
            total.time += stat.time;
        }
    }
    let per_doc: Vec<String> = calls
        .iter()
        .map(|(method, stat)| {
            let per_doc = stat.calls as f64 / n as f64;
            format!("{method} {per_doc:.2} ({:.2} s)", stat.time.as_secs_f64())
        })
        .collect();
    println!(
        "{label} {what} round {round}: {n} docs in {:.2} s ({:.0} docs/s); raw writes of the \
         same documents {:.2} s ({:.0} docs/s); ratio {:.3}x; store calls per doc: {}",
        elapsed.as_secs_f64(),
        rate(elapsed),
        raw.as_secs_f64(),
        rate(raw),
        raw.as_secs_f64() / elapsed.as_secs_f64(),
        per_doc.join(", ")
    );
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
