//! The strategies as commands, for an application's own binary to embed: the todo example runs
//! them as `cargo run -p todo -- <command>`. Exit codes: 0 done, 1 some of the work asked for was
//! not done (documents failed, or were left alone for a reason that is the command's business:
//! a refused lossy downgrade, a document stored only at versions that are not live; each named
//! by id), 2 bad input or an unreachable store. Every document a command leaves alone is counted
//! and named by reason (`skipped …`, or `"skipped"` with `--format json`).

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

use crate::service::{self, Stop};
use crate::store::{
    Store, StoreError, open, open_existing, open_read_only, redact_url, redact_urls_in,
};
use crate::strategy::engine::{Membership, MigrationFailure};
use crate::strategy::partition::Partition;
use crate::strategy::skipped::{SkipReason, Skipped};
use crate::strategy::{
    conflicts, live, per_version_databases, per_version_documents, plan, transactional,
};

mod replication;
mod summary;
mod transfer;
pub use replication::ReplicationArgs;
pub use summary::Format;
use summary::{Propagated, Summary, conflicted_json, fields};
pub use transfer::{ExportArgs, ImportArgs};

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Transactional (or, with --only on a client's local store, client-side) migration of
    /// every document to one version.
    Migrate(MigrateArgs),
    /// How many documents of each version the store holds (the live strategy's progress), and
    /// the documents with conflicting revisions nobody merged yet (exit 1 while any).
    Stats(StoreArgs),
    /// Per-version documents: follow _changes and keep every live version of each document.
    Worker(WorkerCommand),
    /// Per-version documents: add a version (write its form of every document).
    Backfill(VersionArgs),
    /// Per-version documents: retire a version (delete its documents; those stored only there
    /// are first written at the live versions, and kept if they cannot be).
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
    /// Load documents (NDJSON with `_id`, from stdin or --input) into a store; never
    /// overwrites, so a re-run continues where a crashed one stopped.
    Import(ImportArgs),
    /// Dump a store's documents as NDJSON with `_id` and `_rev` (resumable).
    Export(ExportArgs),
    /// What a client of one version needs to replicate only its documents: the Mango
    /// selector, a design document with the same filter in JavaScript, and a `_replicator`
    /// document using it.
    Replication(ReplicationArgs),
}

impl Command {
    /// Whether the command works on one family's documents (`import` and `export` move any
    /// documents).
    pub fn needs_family(&self) -> bool {
        !matches!(self, Command::Import(_) | Command::Export(_))
    }
}

#[derive(Debug, Args)]
pub struct StoreArgs {
    /// `sqlite:path.db` or `http://host:5984/db`.
    #[arg(long)]
    pub store: String,
    /// Deprecated: untagged documents are read as the family's declared `base` version without
    /// it. Kept for families without a base, whose untagged documents it claims (they then
    /// fail, by id, for want of a version).
    #[arg(long)]
    pub untagged_as_base: bool,
    /// The summary's format.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
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
    /// Stop after the batch in which a document fails (the rest of that batch is still
    /// migrated; later batches are not read).
    #[arg(long)]
    pub fail_fast: bool,
    /// Migrate documents even when the target version cannot hold all their data (a lossy
    /// downgrade); without it they are left alone and listed with what they would lose.
    #[arg(long)]
    pub allow_lossy: bool,
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
    /// The summary's format.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

/// `worker`: a run until the feed is idle, or with `--follow` a service.
#[derive(Debug, Args)]
pub struct WorkerCommand {
    #[command(flatten)]
    pub worker: WorkerArgs,
    #[command(flatten)]
    pub service: FollowArgs,
}

/// Running `worker` or `sync` as a service (see [`crate::service`]).
#[derive(Debug, Args)]
pub struct FollowArgs {
    /// Run until SIGTERM/SIGINT, reconciling a batch whenever the feed has been quiet for
    /// --idle-ms (`worker`; `sync` waits on its databases' feeds up to 500 ms), logging one
    /// line per batch; on a signal the batch is finished and the checkpoint saved (exit 0
    /// unless documents failed or wait).
    #[arg(long)]
    pub follow: bool,
    /// With `worker --follow`: reconcile only the documents of partition I of N (by a stable
    /// hash of the document id), so that N workers can share one store.
    #[arg(long, value_name = "I/N", requires = "follow", value_parser = Partition::parse)]
    pub partition: Option<Partition>,
    /// With --follow: the longest wait between attempts to reach a store that is down
    /// (backoff from 100 ms, doubling).
    #[arg(long, value_name = "MS", default_value_t = 30_000)]
    pub backoff_max_ms: u64,
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
    /// Deprecated: see `migrate --untagged-as-base`.
    #[arg(long)]
    pub untagged_as_base: bool,
    /// Create the databases that do not exist (otherwise a missing one is an error).
    #[arg(long)]
    pub create: bool,
    /// The summary's format.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
    #[command(flatten)]
    pub service: FollowArgs,
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
    /// The change is compatible in the directions you need (as `docver diff` found), whatever
    /// the family's schemas say.
    #[arg(long)]
    pub compatible: bool,
    /// Each user has one device (client-side migration cannot fork documents).
    #[arg(long)]
    pub one_device_per_user: bool,
    /// The store is too large to rewrite at once (documents may migrate when touched).
    #[arg(long)]
    pub large_store: bool,
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

/// `--untagged-as-base` is what a family with a `base` does anyway: says so, once.
fn note_untagged_flag(family: &dyn Family, given: bool) {
    if let (true, Some(base)) = (given, crate::strategy::engine::base_version(family)) {
        eprintln!(
            "note: --untagged-as-base is no longer needed: `{}` reads untagged documents as its \
             base version {base}",
            family.schema_name()
        );
    }
}

/// An error (exit 2) unless every one of `versions` is a version of `family`.
fn check_versions(family: &dyn Family, flag: &str, versions: &[u32]) -> Result<(), String> {
    match versions.iter().find(|v| !family.versions().contains(v)) {
        None => Ok(()),
        Some(v) => Err(format!(
            "{flag}: {v} is not a version of `{}` (its versions are {:?})",
            family.schema_name(),
            family.versions()
        )),
    }
}

/// The family named `name` among the ones a binary serves; with one family, `name` may be left
/// out.
pub fn pick<'a>(families: &[&'a dyn Family], name: Option<&str>) -> Result<&'a dyn Family, String> {
    let names = || {
        let names: Vec<&str> = families.iter().map(|f| f.schema_name()).collect();
        names.join(", ")
    };
    match (name, families) {
        (None, [family]) => Ok(*family),
        (None, _) => Err(format!(
            "--family NAME picks the family to work on: one of {}",
            names()
        )),
        (Some(name), _) => families
            .iter()
            .find(|f| f.schema_name() == name)
            .copied()
            .ok_or_else(|| {
                format!(
                    "--family {name:?}: not a family of this binary (its families: {})",
                    names()
                )
            }),
    }
}

/// Runs one command on the family `name` picks among `families` (see [`pick`]; `import` and
/// `export` need none), printing to stdout/stderr; returns the exit code.
pub fn run(command: &Command, families: &[&dyn Family], name: Option<&str>) -> i32 {
    match command {
        Command::Import(args) => transfer::import(args),
        Command::Export(args) => transfer::export(args),
        _ => match pick(families, name) {
            Ok(family) => run_on(command, family),
            Err(e) => fail(e),
        },
    }
}

/// Runs one command on `family`, printing to stdout/stderr; returns the exit code.
pub fn run_on(command: &Command, family: &dyn Family) -> i32 {
    match command {
        Command::Import(args) => transfer::import(args),
        Command::Export(args) => transfer::export(args),
        Command::Replication(args) => replication::replication(args, family),
        Command::Migrate(args) => migrate(args, family),
        Command::Stats(args) => stats(args, family),
        Command::Worker(args) if args.service.follow => follow_worker(args, family),
        Command::Worker(args) => with_worker(&args.worker, family, |worker| {
            let r = worker.run()?;
            let mut summary = Summary::propagated(Propagated {
                changes_seen: r.changes_seen,
                written: r.written,
                deleted: r.deleted,
                conflicts: r.conflicts.len(),
                waiting: r.waiting,
                failed: r.failed,
            });
            summary.skipped = not_live(worker)?;
            Ok(summary)
        }),
        Command::Backfill(args) => {
            if let Err(e) = check_versions(family, "--version", &[args.version]) {
                return fail(e);
            }
            with_worker(&args.worker, family, |worker| {
                let r = worker.backfill(args.version)?;
                Ok(Summary {
                    headline: format!(
                        "{} documents written for version {}",
                        r.written, args.version
                    ),
                    fields: fields([
                        ("version", args.version.into()),
                        ("written", r.written.into()),
                    ]),
                    failed: r.failed,
                    ..Summary::default()
                })
            })
        }
        Command::Purge(args) => purge(args, family),
        Command::Sync(args) => sync(args, family),
        Command::Conflicts(args) => match open_existing(&args.store) {
            Err(e) => fail(e),
            Ok(store) => conflicts::print_log(store.as_ref(), family),
        },
        Command::Filter(args) => {
            if let Err(e) = check_versions(family, "--client-version", &[args.client_version]) {
                return fail(e);
            }
            let selector = per_version_documents::replication_selector(
                family,
                "schema",
                family.version_field(),
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
                    return Ok(Summary {
                        headline: format!("{} is up to date", doc.id),
                        fields: fields([("id", doc.id.into()), ("written", false.into())]),
                        ..Summary::default()
                    });
                }
                Some(current) => current.updated(doc.body),
                None => doc,
            };
            worker.store.bulk_write(std::slice::from_ref(&doc))?;
            Ok(Summary {
                headline: format!("wrote {}: {}", doc.id, doc.body),
                fields: fields([("id", doc.id.into()), ("written", true.into())]),
                ..Summary::default()
            })
        }),
        Command::Plan(args) => plan_command(args, family),
    }
}

/// `plan`: the breaking steps between the live versions and the recommended strategy.
fn plan_command(args: &PlanArgs, family: &dyn Family) -> i32 {
    if let Err(e) = check_versions(family, "--live", &args.live) {
        return fail(e);
    }
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
        compatible: args.compatible || steps.is_empty(),
        one_device_per_user: args.one_device_per_user,
        large_store: args.large_store,
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

/// `purge`: never a live version; documents it cannot read are listed (exit 1).
fn purge(args: &VersionArgs, family: &dyn Family) -> i32 {
    if let Err(e) = check_versions(family, "--version", &[args.version]) {
        return fail(e);
    }
    if args.worker.live.contains(&args.version) {
        return fail(format!(
            "--version {0}: version {0} is live (--live {1}); purging it would delete \
             documents its clients still read. Take it out of --live first",
            args.version,
            versions_list(&args.worker.live)
        ));
    }
    with_worker(&args.worker, family, |worker| {
        let purged = worker.purge_report(args.version)?;
        let n = purged.deleted;
        let unreadable = purged.unreadable.into_iter().map(|bad| MigrationFailure {
            id: bad.id,
            error: format!("cannot be read, so not deleted: {}", bad.reason),
        });
        Ok(Summary {
            headline: format!(
                "{n} documents of version {} deleted ({} stored only there were first written at \
                 the live versions; {} could not be and were kept)",
                args.version,
                purged.carried,
                purged.kept.len()
            ),
            fields: fields([
                ("version", args.version.into()),
                ("deleted", n.into()),
                ("carried", purged.carried.into()),
            ]),
            failed: purged.kept.into_iter().chain(unreadable).collect(),
            ..Summary::default()
        })
    })
}

fn versions_list(versions: &[u32]) -> String {
    let list: Vec<String> = versions.iter().map(u32::to_string).collect();
    list.join(",")
}

/// The logical documents the worker cannot maintain: stored only at versions that are not
/// live (a worker follows live versions only, so they would otherwise vanish without a word).
fn not_live(worker: &per_version_documents::Worker<'_>) -> Result<Skipped, StoreError> {
    let mut skipped = Skipped::default();
    for (uuid, versions) in worker.inventory()? {
        if !versions.iter().any(|v| worker.options.live.contains(v)) {
            let id = match versions.first() {
                Some(&v) => {
                    per_version_documents::versioned_id(worker.family.schema_name(), v, &uuid)
                }
                None => uuid,
            };
            skipped.add(SkipReason::NotLive, &id);
        }
    }
    Ok(skipped)
}

fn parse_only(text: &str) -> Result<(String, Value), String> {
    match text.split_once('=') {
        Some((field, value)) => Ok((
            field.to_owned(),
            serde_json::from_str(value).unwrap_or_else(|_| Value::from(value)),
        )),
        None => Err(format!("--only takes FIELD=VALUE, found `{text}`")),
    }
}

fn migrate(args: &MigrateArgs, family: &dyn Family) -> i32 {
    if let Err(e) = check_versions(family, "--to", &[args.to]) {
        return fail(e);
    }
    let only = match args.only.as_deref().map(parse_only).transpose() {
        Ok(only) => only,
        Err(e) => return fail(e),
    };
    note_untagged_flag(family, args.store.untagged_as_base);
    let store = match open_store(&args.store.store, args.create) {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    let options = transactional::Options {
        batch_size: args.batch,
        dry_run: args.dry_run,
        fail_fast: args.fail_fast,
        allow_lossy: args.allow_lossy,
        membership: membership(args.store.untagged_as_base),
        only,
        progress: args.store.format == Format::Text,
        checkpoint_every: args.checkpoint_every.max(1),
        ..transactional::Options::new(args.to)
    };
    match transactional::run(store.as_ref(), family, &options) {
        Err(e) => fail(e),
        Ok(report) => migrate_summary(args, report).print(args.store.format),
    }
}

fn migrate_summary(args: &MigrateArgs, report: transactional::Report) -> Summary {
    let verb = match args.dry_run {
        true => "would migrate",
        false => "migrated",
    };
    let mut details: Vec<String> = report
        .versions
        .iter()
        .map(|(version, count)| format!("  version {version}: {count}"))
        .collect();
    if let Some((before, after)) = &report.sample {
        details.push(format!("sample:\n  - {before}\n  + {after}"));
    }
    let shown = report
        .losses
        .iter()
        .take(crate::strategy::skipped::NAMED_PER_REASON);
    for loss in shown {
        details.push(format!(
            "loses data: {}: {}",
            loss.id,
            loss.paths.join(", ")
        ));
    }
    if let Some(more) = report
        .losses
        .len()
        .checked_sub(crate::strategy::skipped::NAMED_PER_REASON)
        && more > 0
    {
        details.push(format!("loses data: … and {more} more documents"));
    }
    if report.merged_revisions > 0 {
        details.push(format!(
            "merged the conflicting revisions of {} documents ({} values both sides changed \
             kept from the winning revision; `conflicts` lists them)",
            report.merged_revisions,
            report.conflicts.len()
        ));
    }
    if args.dry_run {
        for doc in &report.conflicted {
            details.push(format!(
                "would merge conflicting revisions: {}: {}",
                doc.id,
                doc.revisions.join(", ")
            ));
        }
    }
    if let Some(id) = &report.stopped_after {
        details.push(format!(
            "stopped after the batch ending at `{id}` (--fail-fast): later documents were not read"
        ));
    }
    let losses = report.losses.iter();
    let losses = losses.map(|l| serde_json::json!({ "id": l.id, "paths": l.paths }));
    Summary {
        headline: format!(
            "{} documents examined, {verb} {}, {} already at version {}, {} failed, {} conflicts retried{}",
            report.examined,
            report.migrated,
            report.already_at_target,
            args.to,
            report.failed.len(),
            report.retried,
            resumed_note(&report)
        ),
        details,
        fields: fields([
            ("target", args.to.into()),
            ("dry_run", args.dry_run.into()),
            ("examined", report.examined.into()),
            ("migrated", report.migrated.into()),
            ("already_at_target", report.already_at_target.into()),
            ("retried", report.retried.into()),
            ("resumed", report.resumed.into()),
            ("below_checkpoint", report.below_checkpoint.into()),
            ("losses", Value::Array(losses.collect())),
            ("stopped_after", report.stopped_after.clone().into()),
            ("conflicted", conflicted_json(&report.conflicted)),
            ("merged_revisions", report.merged_revisions.into()),
            ("conflicts", report.conflicts.len().into()),
        ]),
        skipped: report.skipped,
        failed: report.failed,
        ..Summary::default()
    }
}

/// Reads only: opens the store read-only, so that it is left exactly as it was.
fn stats(args: &StoreArgs, family: &dyn Family) -> i32 {
    note_untagged_flag(family, args.untagged_as_base);
    let census = open_read_only(&args.store)
        .and_then(|s| live::census(s.as_ref(), family, &membership(args.untagged_as_base)));
    let census = match census {
        Err(e) => return fail(e),
        Ok(census) => census,
    };
    let lines: Vec<String> = census
        .counts
        .iter()
        .map(|(version, count)| match version {
            Some(v) => format!("version {v}: {count}"),
            None => format!("unreadable tag: {count}"),
        })
        .collect();
    let counts = census.counts.iter();
    let counts = counts.map(|(v, n)| (v.map_or("unreadable-tag".to_owned(), |v| v.to_string()), n));
    let counts: serde_json::Map<String, Value> =
        counts.map(|(v, n)| (v, Value::from(*n))).collect();
    let mut lines = lines.into_iter();
    let losing = census
        .conflicting_versions
        .iter()
        .map(|(version, n)| match version {
            Some(v) => format!("conflicting revisions at version {v}: {n} (not merged yet)"),
            None => format!("conflicting revisions with an unreadable tag: {n} (not merged yet)"),
        });
    let losing_counts = census.conflicting_versions.iter();
    let losing_counts: serde_json::Map<String, Value> = losing_counts
        .map(|(v, n)| {
            (
                v.map_or("unreadable-tag".to_owned(), |v| v.to_string()),
                (*n).into(),
            )
        })
        .collect();
    Summary {
        headline: lines
            .next()
            .unwrap_or_else(|| "no documents of the family".to_owned()),
        details: lines.chain(losing).collect(),
        fields: fields([
            ("versions", Value::Object(counts)),
            ("conflicting_versions", Value::Object(losing_counts)),
        ]),
        skipped: census.skipped,
        conflicted: census.conflicted,
        failed: census
            .unreadable
            .into_iter()
            .map(|bad| MigrationFailure {
                id: bad.id,
                error: bad.reason,
            })
            .collect(),
        ..Summary::default()
    }
    .print(args.format)
}

fn sync(args: &SyncArgs, family: &dyn Family) -> i32 {
    let mut specs: Vec<(u32, &str)> = Vec::new();
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
        if let Err(e) = check_versions(family, "--db", &[version]) {
            return fail(e);
        }
        specs.push((version, url));
    }
    note_untagged_flag(family, args.untagged_as_base);
    let mut stores: Vec<(u32, Box<dyn Store>)> = Vec::new();
    for (version, url) in specs {
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
    if args.service.follow {
        return follow_sync(&databases, &args.service, args.format);
    }
    match databases.sync_until_quiet(20, Duration::from_millis(50)) {
        Err(e) => fail(e),
        Ok(r) => Summary {
            skipped: r.skipped,
            ..Summary::propagated(Propagated {
                changes_seen: r.changes_seen,
                written: r.written,
                deleted: r.deleted,
                conflicts: r.conflicts.len(),
                waiting: r.waiting,
                failed: r.failed,
            })
        }
        .print(args.format),
    }
}

/// Runs `f` with a worker on each store (after checking `--live`), printing each summary.
fn with_worker(
    args: &WorkerArgs,
    family: &dyn Family,
    f: impl Fn(&per_version_documents::Worker<'_>) -> Result<Summary, StoreError>,
) -> i32 {
    if let Err(e) = check_versions(family, "--live", &args.live) {
        return fail(e);
    }
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
        if args.store.len() > 1 && args.format == Format::Text {
            say!("{}:", store.url());
        }
        let outcome = f(&worker).map(|mut summary| {
            if args.store.len() > 1 {
                summary
                    .fields
                    .insert("store".to_owned(), store.url().into());
            }
            summary.print(args.format)
        });
        code = code.max(outcome.unwrap_or_else(fail));
    }
    code
}

/// `worker --follow` on one store, until SIGTERM/SIGINT.
fn follow_worker(args: &WorkerCommand, family: &dyn Family) -> i32 {
    let worker_args = &args.worker;
    if let Err(e) = check_versions(family, "--live", &worker_args.live) {
        return fail(e);
    }
    let [url] = worker_args.store.as_slice() else {
        return fail("--follow takes one --store: run one worker per store");
    };
    let stop = match Stop::on_signals() {
        Ok(stop) => stop,
        Err(e) => return fail(format!("cannot handle SIGTERM: {e}")),
    };
    let store = match open_store(url, worker_args.create) {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    let worker = per_version_documents::Worker::new(
        store.as_ref(),
        family,
        per_version_documents::Options {
            live: worker_args.live.clone(),
            idle_timeout: Duration::from_millis(worker_args.idle_ms),
        },
    );
    let options = service::Options {
        partition: args.service.partition.unwrap_or_default(),
        quiet: Duration::from_millis(worker_args.idle_ms),
        backoff_cap: Duration::from_millis(args.service.backoff_max_ms),
        ..service::Options::default()
    };
    let totals = service::follow_worker(&worker, &options, &stop, &mut |line| say!("{line}"));
    match totals {
        Err(e) => fail(e),
        Ok(totals) => service_summary(totals).print(worker_args.format),
    }
}

/// `sync --follow`, until SIGTERM/SIGINT.
fn follow_sync(
    databases: &per_version_databases::Databases<'_>,
    args: &FollowArgs,
    format: Format,
) -> i32 {
    if args.partition.is_some() {
        return fail("--partition is for `worker --follow`; `sync` runs as one service");
    }
    let stop = match Stop::on_signals() {
        Ok(stop) => stop,
        Err(e) => return fail(format!("cannot handle SIGTERM: {e}")),
    };
    let options = service::Options {
        backoff_cap: Duration::from_millis(args.backoff_max_ms),
        ..service::Options::default()
    };
    match service::follow_sync(databases, &options, &stop, &mut |line| say!("{line}")) {
        Err(e) => fail(e),
        Ok(totals) => service_summary(totals).print(format),
    }
}

/// The summary a service prints when it stops.
fn service_summary(totals: service::Totals) -> Summary {
    let mut summary = Summary::propagated(Propagated {
        changes_seen: totals.changes_seen,
        written: totals.written,
        deleted: totals.deleted,
        conflicts: totals.conflicts,
        waiting: totals.waiting,
        failed: totals.failed,
    });
    summary.headline = format!(
        "stopped after {} batches ({} store outages): {}",
        totals.batches, totals.outages, summary.headline
    );
    summary
        .fields
        .insert("batches".to_owned(), totals.batches.into());
    summary
        .fields
        .insert("outages".to_owned(), totals.outages.into());
    summary
}
