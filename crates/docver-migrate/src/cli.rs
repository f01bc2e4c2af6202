//! The strategies as commands, for an application's own binary to embed: the todo example runs
//! them as `cargo run -p todo -- <command>`. Exit codes: 0 done, 1 some documents failed (each
//! reported with its id), 2 bad input or an unreachable store.

use std::collections::BTreeMap;
use std::time::Duration;

use clap::{Args, Subcommand};

/// `println!` that does not panic when stdout is closed (`todo stats | head`).
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}
use docver::Family;
use serde_json::Value;

use crate::store::{Store, StoreError, open, open_existing, redact_url, redact_urls_in};
use crate::strategy::engine::Membership;
use crate::strategy::{
    conflicts, live, per_version_databases, per_version_documents, plan, transactional,
};

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Transactional (or, with --only on a client's local store, client-side) migration of
    /// every document to one version.
    Migrate(MigrateArgs),
    /// How many documents of each version the store holds (the live strategy's progress).
    Stats(StoreArgs),
    /// Per-version documents: follow _changes and keep every live version of each document.
    Worker(WorkerArgs),
    /// Per-version documents: add a version (write its form of every document).
    Backfill(VersionArgs),
    /// Per-version documents: retire a version (delete its documents).
    Purge(VersionArgs),
    /// Per-version databases: sync every version's database with the others, both ways.
    Sync(SyncArgs),
    /// The replication filter (a Mango selector) for clients of one version.
    Filter(FilterArgs),
    /// Publish the "supported versions" document clients read to learn they must update.
    SupportedVersions(WorkerArgs),
    /// Recommend a strategy from facts about the deployment.
    Plan(PlanArgs),
    /// List the conflicts `worker`/`sync` resolved (in the store holding the newest version),
    /// and every document with conflicting revisions nobody resolved yet (exit 1 if any).
    Conflicts(StoreArgs),
}

#[derive(Debug, Args)]
pub struct StoreArgs {
    /// `sqlite:path.db` or `http://host:5984/db`.
    #[arg(long)]
    pub store: String,
    /// Documents without a type tag belong to the family (as its base version).
    #[arg(long)]
    pub untagged_as_base: bool,
}

#[derive(Debug, Args)]
pub struct MigrateArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    /// The target version.
    #[arg(long)]
    pub to: u32,
    /// Documents per page (one read and one bulk write).
    #[arg(long, default_value_t = crate::strategy::transactional::DEFAULT_BATCH_SIZE)]
    pub batch: usize,
    /// Count and show a sample; write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Stop at the first document that fails.
    #[arg(long)]
    pub fail_fast: bool,
    /// Only documents with this top-level field value, e.g. `owner=ana` (client-side).
    #[arg(long, value_name = "FIELD=VALUE")]
    pub only: Option<String>,
    /// Documents between two checkpoints (what a crashed run re-examines at most).
    #[arg(long, default_value_t = crate::strategy::transactional::DEFAULT_CHECKPOINT_EVERY)]
    pub checkpoint_every: usize,
    /// Create the store if it does not exist (otherwise a missing store is an error).
    #[arg(long)]
    pub create: bool,
}

#[derive(Debug, Args)]
pub struct WorkerArgs {
    /// The database (repeat for a database per user: the worker follows each in turn).
    #[arg(long, required = true)]
    pub store: Vec<String>,
    /// Live versions, e.g. `2,3,4`.
    #[arg(long, value_delimiter = ',', required = true)]
    pub live: Vec<u32>,
    /// Stop after this long without changes.
    #[arg(long, default_value_t = 500)]
    pub idle_ms: u64,
    /// Create the stores that do not exist (otherwise a missing store is an error).
    #[arg(long)]
    pub create: bool,
}

#[derive(Debug, Args)]
pub struct VersionArgs {
    #[command(flatten)]
    pub worker: WorkerArgs,
    #[arg(long)]
    pub version: u32,
}

#[derive(Debug, Args)]
pub struct SyncArgs {
    /// `VERSION=URL` for each version's database, e.g. `1=sqlite:todos_v1.db`.
    #[arg(long = "db", value_name = "VERSION=URL", required = true)]
    pub dbs: Vec<String>,
    #[arg(long)]
    pub untagged_as_base: bool,
    /// Create the databases that do not exist (otherwise a missing one is an error).
    #[arg(long)]
    pub create: bool,
}

#[derive(Debug, Args)]
pub struct FilterArgs {
    #[arg(long)]
    pub client_version: u32,
}

#[derive(Debug, Args)]
pub struct PlanArgs {
    #[arg(long)]
    pub offline_clients: bool,
    #[arg(long)]
    pub several_devices: bool,
    #[arg(long)]
    pub legacy_apps: bool,
    #[arg(long)]
    pub must_purge: bool,
    /// The live versions whose steps are checked (default: all the family's versions).
    #[arg(long, value_delimiter = ',')]
    pub live: Vec<u32>,
    /// Directions that must stay compatible: backward, forward or full.
    #[arg(long, default_value = "full")]
    pub mode: String,
}

/// How a resumed run went: documents found at or below its checkpoint (added there after the
/// interrupted run passed) are named, since a plain resume would have skipped them.
fn resumed_note(report: &transactional::Report) -> String {
    match (report.resumed, report.below_checkpoint) {
        (false, _) => String::new(),
        (true, 0) => " (resumed from a checkpoint)".to_owned(),
        (true, n) => format!(
            " (resumed from a checkpoint; {n} documents below it, added after the interrupted \
             run passed them, were found by re-scanning)"
        ),
    }
}

/// Prints `message` as the error (any URL in it redacted, whichever error produced it).
fn fail(message: impl std::fmt::Display) -> i32 {
    eprintln!("error: {}", redact_urls_in(&message.to_string()));
    2
}

/// Opens the store at `url`; one that does not exist is created only with `create` (a mistyped
/// URL must not leave an empty database behind and report success).
fn open_store(url: &str, create: bool) -> Result<Box<dyn Store>, StoreError> {
    if create {
        open(url)
    } else {
        open_existing(url)
    }
}

fn membership(untagged: bool) -> Membership {
    Membership {
        untagged_as_base: untagged,
        ..Membership::default()
    }
}

/// Runs one command for `family`, printing to stdout/stderr; returns the exit code.
pub fn run(command: &Command, family: &dyn Family) -> i32 {
    match command {
        Command::Migrate(args) => {
            let store = match open_store(&args.store.store, args.create) {
                Ok(s) => s,
                Err(e) => return fail(e),
            };
            if !family.versions().contains(&args.to) {
                return fail(format!(
                    "version {} is not a version of `{}` ({:?})",
                    args.to,
                    family.schema_name(),
                    family.versions()
                ));
            }
            let only = match &args.only {
                None => None,
                Some(text) => match text.split_once('=') {
                    Some((field, value)) => Some((
                        field.to_owned(),
                        serde_json::from_str(value).unwrap_or_else(|_| Value::from(value)),
                    )),
                    None => return fail(format!("--only takes FIELD=VALUE, found `{text}`")),
                },
            };
            let options = transactional::Options {
                batch_size: args.batch,
                dry_run: args.dry_run,
                fail_fast: args.fail_fast,
                membership: membership(args.store.untagged_as_base),
                only,
                progress: true,
                checkpoint_every: args.checkpoint_every.max(1),
                ..transactional::Options::new(args.to)
            };
            match transactional::run(store.as_ref(), family, &options) {
                Err(e) => fail(e),
                Ok(report) => {
                    let verb = if args.dry_run {
                        "would migrate"
                    } else {
                        "migrated"
                    };
                    say!(
                        "{} documents examined, {verb} {}, {} already at version {}, {} failed, {} conflicts retried{}",
                        report.examined,
                        report.migrated,
                        report.already_at_target,
                        args.to,
                        report.failed.len(),
                        report.retried,
                        resumed_note(&report)
                    );
                    for (version, count) in &report.versions {
                        say!("  version {version}: {count}");
                    }
                    if let Some((before, after)) = &report.sample {
                        say!("sample:\n  - {before}\n  + {after}");
                    }
                    for failure in &report.failed {
                        eprintln!("failed: {}: {}", failure.id, failure.error);
                    }
                    i32::from(!report.failed.is_empty())
                }
            }
        }
        // Reads only: never creates the store.
        Command::Stats(args) => match open_existing(&args.store)
            .and_then(|s| live::census(s.as_ref(), family, &membership(args.untagged_as_base)))
        {
            Err(e) => fail(e),
            Ok(census) => {
                for (version, count) in census.counts {
                    match version {
                        Some(v) => say!("version {v}: {count}"),
                        None => say!("unreadable tag: {count}"),
                    }
                }
                for bad in &census.unreadable {
                    eprintln!("failed: {}: {}", bad.id, bad.reason);
                }
                i32::from(!census.unreadable.is_empty())
            }
        },
        Command::Worker(args) => with_worker(args, family, |worker| {
            worker.run().map(|r| {
                say!(
                    "{} changes, {} documents written, {} deleted, {} conflicts resolved, {} waiting for companions, {} failed",
                    r.changes_seen,
                    r.written,
                    r.deleted,
                    r.conflicts.len(),
                    r.waiting.len(),
                    r.failed.len()
                );
                conflicts::print_unfinished(&r.waiting, &r.failed)
            })
        }),
        Command::Backfill(args) => with_worker(&args.worker, family, |worker| {
            worker.backfill(args.version).map(|r| {
                say!(
                    "{} documents written for version {}",
                    r.written,
                    args.version
                );
                for f in &r.failed {
                    eprintln!("failed: {}: {}", f.id, f.error);
                }
                i32::from(!r.failed.is_empty())
            })
        }),
        Command::Purge(args) => with_worker(&args.worker, family, |worker| {
            worker.purge(args.version).map(|n| {
                say!("{n} documents of version {} deleted", args.version);
                0
            })
        }),
        Command::Sync(args) => {
            let mut stores: Vec<(u32, Box<dyn Store>)> = Vec::new();
            for spec in &args.dbs {
                let Some((version, url)) = spec.split_once('=') else {
                    return fail(format!(
                        "--db takes VERSION=URL, found `{}`",
                        redact_url(spec)
                    ));
                };
                let Ok(version) = version.parse::<u32>() else {
                    return fail(format!(
                        "--db: `{}` is not a version number",
                        redact_url(version)
                    ));
                };
                match open_store(url, args.create) {
                    Ok(store) => stores.push((version, store)),
                    Err(e) => return fail(e),
                }
            }
            let databases = per_version_databases::Databases {
                family,
                membership: membership(args.untagged_as_base),
                by_version: stores
                    .iter()
                    .map(|(v, s)| (*v, s.as_ref()))
                    .collect::<BTreeMap<_, _>>(),
            };
            match databases.sync_until_quiet(20, Duration::from_millis(50)) {
                Err(e) => fail(e),
                Ok(r) => {
                    say!(
                        "{} changes, {} documents written, {} deleted, {} conflicts resolved, {} waiting for companions, {} failed",
                        r.changes_seen,
                        r.written,
                        r.deleted,
                        r.conflicts.len(),
                        r.waiting.len(),
                        r.failed.len()
                    );
                    conflicts::print_unfinished(&r.waiting, &r.failed)
                }
            }
        }
        Command::Conflicts(args) => match open_existing(&args.store) {
            Err(e) => fail(e),
            Ok(store) => conflicts::print_log(store.as_ref(), family),
        },
        Command::Filter(args) => {
            let selector = per_version_documents::replication_selector(
                family,
                "schema",
                "version",
                args.client_version,
            );
            say!("{}", serde_json::json!({ "selector": selector }));
            0
        }
        Command::SupportedVersions(args) => with_worker(args, family, |worker| {
            let doc = per_version_documents::supported_versions(family, &args.live);
            let current = worker.store.get(&doc.id)?;
            let doc = match current {
                Some(current) if current.body == doc.body => {
                    say!("{} is up to date", doc.id);
                    return Ok(0);
                }
                Some(current) => current.updated(doc.body),
                None => doc,
            };
            worker.store.bulk_write(std::slice::from_ref(&doc))?;
            say!("wrote {}: {}", doc.id, doc.body);
            Ok(0)
        }),
        Command::Plan(args) => {
            let live = if args.live.is_empty() {
                family.versions().to_vec()
            } else {
                args.live.clone()
            };
            let (backward, forward) = match args.mode.as_str() {
                "backward" => (true, false),
                "forward" => (false, true),
                "full" => (true, true),
                other => {
                    return fail(format!(
                        "--mode is backward, forward or full, not `{other}`"
                    ));
                }
            };
            let Some(steps) = plan::breaking_steps(family, &live, backward, forward) else {
                return fail(format!(
                    "`{}` exports no schemas to check",
                    family.schema_name()
                ));
            };
            if steps.is_empty() {
                say!(
                    "every step between versions {live:?} is compatible ({} mode)",
                    args.mode
                );
            }
            for step in &steps {
                say!(
                    "v{} → v{}: breaks {} ({})",
                    step.from,
                    step.to,
                    step.direction,
                    step.rules.join(", ")
                );
            }
            let facts = plan::Facts {
                offline_clients: args.offline_clients,
                several_devices: args.several_devices,
                legacy_apps: args.legacy_apps,
                must_purge: args.must_purge,
                compatible: steps.is_empty(),
            };
            let recommendation = plan::recommend(&facts);
            match recommendation.strategy {
                Some(s) => say!("recommended: {}", s.name()),
                None => say!("recommended: no migration"),
            }
            for reason in &recommendation.reasons {
                say!("  - {reason}");
            }
            say!("\n{}", plan::matrix_table());
            0
        }
    }
}

fn with_worker(
    args: &WorkerArgs,
    family: &dyn Family,
    f: impl Fn(&per_version_documents::Worker<'_>) -> Result<i32, crate::StoreError>,
) -> i32 {
    let mut code = 0;
    for url in &args.store {
        let store = match open_store(url, args.create) {
            Ok(s) => s,
            Err(e) => return fail(e),
        };
        let worker = per_version_documents::Worker::new(
            store.as_ref(),
            family,
            per_version_documents::Options {
                live: args.live.clone(),
                idle_timeout: Duration::from_millis(args.idle_ms),
            },
        );
        if args.store.len() > 1 {
            say!("{}:", store.url());
        }
        code = code.max(f(&worker).unwrap_or_else(fail));
    }
    code
}
