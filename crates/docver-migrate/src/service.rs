//! `worker --follow` and `sync --follow`: the multi-version strategies as long-running
//! services.
//!
//! **Feed.** The worker follows the store's changes feed (`_changes?feed=continuous` on a
//! server; on SQLite a poll of the change sequence every 50 ms, `store::sqlite`'s
//! `POLL_INTERVAL`) and gathers changed logical documents into a batch, which it reconciles
//! when it is full ([`Options::batch`]) or when the feed has been quiet for [`Options::quiet`];
//! then it saves its checkpoint. The sync service runs a pass over every database whenever one
//! of their feeds shows a change (each watched in turn for a share of [`Options::quiet`]).
//! Each batch or pass that saw changes logs one line.
//!
//! **Outages.** An error talking to the store (refused connection, a 5xx answer) drops the
//! batch unsaved, waits (exponential backoff from 100 ms, capped at
//! [`Options::backoff_cap`]), and resumes from the last saved checkpoint: changes read since
//! are read again, and reconciling a document again is harmless (it writes nothing when the
//! copies are in step). Any other error (a missing database, corrupt data) stops the service.
//!
//! **Stopping.** SIGTERM or SIGINT ([`Stop::on_signals`]) is noticed between changes: the
//! batch gathered so far is reconciled and the checkpoint saved before the service returns.
//!
//! **Scale-out.** [`Options::partition`]: see [`partition`](crate::strategy::partition).

use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::store::{Store, StoreError, follow};
use crate::strategy::engine::MigrationFailure;
use crate::strategy::partition::{Partition, Partitioned};
use crate::strategy::pending::{self, Tally};
use crate::strategy::per_version_databases::Databases;
use crate::strategy::per_version_documents::Worker;

/// How a service is run.
#[derive(Debug, Clone)]
pub struct Options {
    /// The logical documents this worker takes (the worker only; `sync` takes them all).
    pub partition: Partition,
    /// How long the feed must be quiet before a partial batch is reconciled.
    pub quiet: Duration,
    /// The most logical documents in one batch.
    pub batch: usize,
    /// The longest wait between two attempts to reach a store that is down.
    pub backoff_cap: Duration,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            partition: Partition::WHOLE,
            quiet: Duration::from_millis(500),
            batch: 500,
            backoff_cap: Duration::from_secs(30),
        }
    }
}

/// A stop request: set by a signal ([`Stop::on_signals`]) or by [`Stop::request`].
#[derive(Debug, Clone, Default)]
pub struct Stop(Arc<AtomicBool>);

impl Stop {
    /// A stop request that SIGTERM and SIGINT set (the handler only sets the flag).
    pub fn on_signals() -> std::io::Result<Stop> {
        let stop = Stop::default();
        for signal in [signal_hook::consts::SIGTERM, signal_hook::consts::SIGINT] {
            signal_hook::flag::register(signal, Arc::clone(&stop.0))?;
        }
        Ok(stop)
    }

    pub fn request(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    pub fn requested(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }

    /// Sleeps `duration`, waking early when a stop is requested.
    fn sleep(&self, duration: Duration) {
        let until = Instant::now() + duration;
        while !self.requested() {
            let left = until.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return;
            }
            std::thread::sleep(left.min(Duration::from_millis(50)));
        }
    }
}

/// Exponential backoff from [`Backoff::FIRST`], doubling up to a cap; reset by a success.
#[derive(Debug, Clone)]
pub struct Backoff {
    cap: Duration,
    next: Duration,
}

impl Backoff {
    pub const FIRST: Duration = Duration::from_millis(100);

    pub fn new(cap: Duration) -> Backoff {
        Backoff {
            cap,
            next: Backoff::FIRST.min(cap),
        }
    }

    /// The wait before the next attempt (each one twice the last, at most the cap).
    pub fn failed(&mut self) -> Duration {
        let wait = self.next;
        self.next = (self.next * 2).min(self.cap);
        wait
    }

    pub fn succeeded(&mut self) {
        self.next = Backoff::FIRST.min(self.cap);
    }
}

/// Whether `error` may go away by itself (the store is restarting or unreachable): then the
/// service waits and resumes; any other error stops it.
pub fn is_transient(error: &StoreError) -> bool {
    match error {
        StoreError::Transport { .. } => true,
        StoreError::Http { status, .. } => *status >= 500,
        _ => false,
    }
}

/// What a service did until it stopped.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Totals {
    /// Batches (worker) or passes (sync) that saw changes.
    pub batches: usize,
    pub changes_seen: usize,
    pub written: usize,
    pub deleted: usize,
    pub conflicts: usize,
    /// Times the store could not be reached (each followed by a backoff and a resume).
    pub outages: usize,
    /// The documents waiting for a part after the last batch (retried on every batch).
    pub waiting: Vec<MigrationFailure>,
    /// The documents failed after the last batch (retried on every batch).
    pub failed: Vec<MigrationFailure>,
}

impl Totals {
    fn add(&mut self, changes: usize, tally: Tally) {
        self.batches += 1;
        self.changes_seen += changes;
        self.written += tally.written;
        self.deleted += tally.deleted;
        self.conflicts += tally.conflicts.len();
        self.waiting = tally.waiting;
        self.failed = tally.failed;
    }
}

/// One batch's log line.
fn batch_line(number: usize, changes: usize, tally: &Tally, checkpoint: &str) -> String {
    format!(
        "batch {number}: {changes} changes, {} written, {} deleted, {} conflicts resolved, {} \
         waiting, {} failed; checkpoint {checkpoint}",
        tally.written,
        tally.deleted,
        tally.conflicts.len(),
        tally.waiting.len(),
        tally.failed.len()
    )
}

/// Runs `attempt` until it succeeds or the error is not transient, backing off (and logging
/// the wait) in between. `None`: a stop was requested while waiting.
fn with_retries<T>(
    stop: &Stop,
    backoff: &mut Backoff,
    totals: &mut Totals,
    log: &mut dyn FnMut(&str),
    mut attempt: impl FnMut() -> Result<T, StoreError>,
) -> Result<Option<T>, StoreError> {
    loop {
        match attempt() {
            Ok(value) => {
                backoff.succeeded();
                return Ok(Some(value));
            }
            Err(e) if is_transient(&e) => {
                totals.outages += 1;
                let wait = backoff.failed();
                log(&format!(
                    "store unreachable ({}); resuming from the checkpoint in {} ms",
                    crate::store::redact_urls_in(&e.to_string()),
                    wait.as_millis()
                ));
                stop.sleep(wait);
                if stop.requested() {
                    return Ok(None);
                }
            }
            Err(e) => return Err(e),
        }
    }
}

fn checkpoint(store: &dyn Store, id: &str) -> Result<String, StoreError> {
    Ok(store
        .get_local(id)?
        .and_then(|c| c.get("since").and_then(Value::as_str).map(str::to_owned))
        .unwrap_or_else(|| "0".to_owned()))
}

/// `worker --follow`: reconciles the changed documents of `options.partition`, a batch at a
/// time, until `stop`; `log` gets one line per batch and per outage.
pub fn follow_worker(
    worker: &Worker<'_>,
    options: &Options,
    stop: &Stop,
    log: &mut dyn FnMut(&str),
) -> Result<Totals, StoreError> {
    let layout = Partitioned {
        inner: worker,
        partition: options.partition,
    };
    let checkpoint_id = format!("{}{}", worker.checkpoint_id(), options.partition.suffix());
    let mut totals = Totals::default();
    let mut backoff = Backoff::new(options.backoff_cap);
    while !stop.requested() {
        let batch = with_retries(stop, &mut backoff, &mut totals, log, || {
            worker_batch(worker, &layout, &checkpoint_id, options, stop)
        })?;
        let Some((changes, tally, last)) = batch else {
            break;
        };
        let busy = changes > 0 || tally.written + tally.deleted > 0;
        if busy {
            log(&batch_line(totals.batches + 1, changes, &tally, &last));
            totals.add(changes, tally);
        } else {
            // A quiet interval: nothing to log, but what is still pending is current.
            totals.waiting = tally.waiting;
            totals.failed = tally.failed;
        }
    }
    Ok(totals)
}

/// Reads one batch of changes from the checkpoint, reconciles it, saves the checkpoint.
fn worker_batch(
    worker: &Worker<'_>,
    layout: &Partitioned<'_>,
    checkpoint_id: &str,
    options: &Options,
    stop: &Stop,
) -> Result<(usize, Tally, String), StoreError> {
    let since = checkpoint(worker.store, checkpoint_id)?;
    let mut uuids = BTreeSet::new();
    let mut changes = 0;
    let last = follow(
        worker.store,
        &since,
        |change| {
            if let Some((version, uuid)) = worker.subject(&change.id)
                && worker.options.live.contains(&version)
                && options.partition.owns(&uuid)
            {
                changes += 1;
                uuids.insert(uuid);
            }
            uuids.len() < options.batch.max(1) && !stop.requested()
        },
        options.quiet,
    )?;
    let tally = pending::reconcile_all(layout, uuids)?;
    if last != since {
        worker
            .store
            .put_local(checkpoint_id, &json!({ "since": last }))?;
    }
    Ok((changes, tally, last))
}

/// `sync --follow`: a sync pass whenever a database changed, until `stop`; `log` gets one
/// line per pass that saw changes and per outage.
pub fn follow_sync(
    databases: &Databases<'_>,
    options: &Options,
    stop: &Stop,
    log: &mut dyn FnMut(&str),
) -> Result<Totals, StoreError> {
    let mut totals = Totals::default();
    let mut backoff = Backoff::new(options.backoff_cap);
    while !stop.requested() {
        let pass = with_retries(stop, &mut backoff, &mut totals, log, || {
            databases.sync_once()
        })?;
        let Some(pass) = pass else { break };
        let quiet = pass.changes_seen == 0 && pass.written == 0 && pass.deleted == 0;
        let tally = Tally {
            written: pass.written,
            deleted: pass.deleted,
            conflicts: pass.conflicts,
            waiting: pass.waiting,
            failed: pass.failed,
        };
        if quiet {
            totals.waiting = tally.waiting;
            totals.failed = tally.failed;
            let waited = with_retries(stop, &mut backoff, &mut totals, log, || {
                wait_for_change(databases, options.quiet, stop)
            })?;
            if waited.is_none() {
                break;
            }
        } else {
            log(&batch_line(
                totals.batches + 1,
                pass.changes_seen,
                &tally,
                "saved",
            ));
            totals.add(pass.changes_seen, tally);
        }
    }
    Ok(totals)
}

/// Watches each database's feed after its checkpoint, in turn, for a share of `quiet`;
/// returns at the first change (or when `quiet` is over, or on a stop request).
fn wait_for_change(
    databases: &Databases<'_>,
    quiet: Duration,
    stop: &Stop,
) -> Result<(), StoreError> {
    let stores: Vec<&dyn Store> = databases.by_version.values().copied().collect();
    let share = (quiet / stores.len().max(1) as u32).max(Duration::from_millis(10));
    let id = databases.checkpoint_id();
    for store in stores {
        if stop.requested() {
            return Ok(());
        }
        let since = checkpoint(store, &id)?;
        let mut changed = false;
        follow(
            store,
            &since,
            |_| {
                changed = true;
                false
            },
            share,
        )?;
        if changed {
            return Ok(());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_its_cap_and_resets() {
        let mut backoff = Backoff::new(Duration::from_millis(500));
        let waits: Vec<u128> = (0..6).map(|_| backoff.failed().as_millis()).collect();
        assert_eq!(waits, [100, 200, 400, 500, 500, 500]);
        backoff.succeeded();
        assert_eq!(backoff.failed(), Backoff::FIRST);
    }

    #[test]
    fn only_unreachable_stores_are_waited_for() {
        let http = |status| StoreError::Http {
            url: "http://x/db".into(),
            id: None,
            status,
            error: String::new(),
            reason: String::new(),
        };
        assert!(is_transient(&http(503)));
        assert!(!is_transient(&http(404)));
        assert!(!is_transient(&StoreError::Missing {
            url: "http://x/db".into()
        }));
    }

    #[test]
    fn a_stop_request_cuts_a_sleep_short() {
        let stop = Stop::default();
        stop.request();
        let started = Instant::now();
        stop.sleep(Duration::from_secs(10));
        assert!(started.elapsed() < Duration::from_secs(1));
    }
}
