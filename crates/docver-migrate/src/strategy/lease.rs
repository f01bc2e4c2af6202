//! The lease a transactional migration holds in the store (`_local/docver-migrate-<family>-lease`),
//! so that two runs with different targets (`--to 4` and `--to 1` at once, each undoing the
//! other) cannot both report success: a run refuses to start while another target's lease is
//! alive, and stops when it finds that another target's run took the lease over (two runs that
//! started at the same moment both wrote it; the last writer keeps it).
//!
//! Runs with the same target may share the store: their writes are idempotent and conflicts are
//! retried. A crashed run's lease expires [`LEASE_TTL`] after its last renewal.

use std::cell::Cell;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use docver::Family;
use serde_json::{Value, json};

use crate::store::{Store, StoreError};

/// How long a lease stays alive without renewal (a crashed run blocks other targets this long).
pub const LEASE_TTL: Duration = Duration::from_secs(120);
/// How often a running migration renews its lease.
const RENEW_EVERY: Duration = Duration::from_secs(10);

/// This run's lease.
pub(crate) struct Lease {
    id: String,
    owner: String,
    target: u32,
    renewed: Cell<Instant>,
}

impl Lease {
    /// Takes the lease for a migration of `family` to `target`, or refuses with
    /// [`StoreError::Busy`] while a run with another target holds it.
    pub(crate) fn acquire(
        store: &dyn Store,
        family: &dyn Family,
        target: u32,
    ) -> Result<Lease, StoreError> {
        let started = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default();
        let lease = Lease {
            id: format!("docver-migrate-{}-lease", family.schema_name()),
            owner: format!("{}-{}", std::process::id(), started.as_nanos()),
            target,
            renewed: Cell::new(Instant::now()),
        };
        lease.check(store)?;
        lease.write(store, false)?;
        Ok(lease)
    }

    /// Between two pages: fails if another target's run holds the lease now; renews it.
    pub(crate) fn keep(&self, store: &dyn Store) -> Result<(), StoreError> {
        self.check(store)?;
        if self.renewed.get().elapsed() >= RENEW_EVERY {
            self.write(store, false)?;
        }
        Ok(())
    }

    /// At the end of a run: fails (the run must not report success) if another target's run
    /// holds the lease; otherwise releases it.
    pub(crate) fn release(&self, store: &dyn Store) -> Result<(), StoreError> {
        self.check(store)?;
        self.write(store, true)
    }

    fn check(&self, store: &dyn Store) -> Result<(), StoreError> {
        let Some(current) = store.get_local(&self.id)? else {
            return Ok(());
        };
        let holder = LeaseHolder::read(&current);
        if holder.owner.as_deref() == Some(self.owner.as_str())
            || holder.released
            || holder.target == Some(self.target)
        {
            return Ok(());
        }
        let age = now_ms().saturating_sub(holder.renewed_at_ms);
        if age >= LEASE_TTL.as_millis() as u64 {
            return Ok(());
        }
        let other = holder
            .target
            .map_or_else(|| "another version".to_owned(), |t| format!("version {t}"));
        Err(StoreError::Busy {
            url: store.url(),
            detail: format!(
                "a migration to {other} holds `_local/{}` (renewed {} s ago), and runs to \
                 different targets undo each other; wait for it to finish (a crashed run's \
                 lease expires {} s after its last renewal)",
                self.id,
                age / 1000,
                LEASE_TTL.as_secs()
            ),
        })
    }

    fn write(&self, store: &dyn Store, released: bool) -> Result<(), StoreError> {
        store.put_local(
            &self.id,
            &json!({
                "owner": self.owner,
                "target": self.target,
                "renewed_at_ms": now_ms(),
                "released": released,
            }),
        )?;
        self.renewed.set(Instant::now());
        Ok(())
    }
}

/// A lease as stored (by this run or another).
struct LeaseHolder {
    owner: Option<String>,
    target: Option<u32>,
    renewed_at_ms: u64,
    released: bool,
}

impl LeaseHolder {
    fn read(value: &Value) -> LeaseHolder {
        LeaseHolder {
            owner: value["owner"].as_str().map(str::to_owned),
            target: value["target"].as_u64().and_then(|t| u32::try_from(t).ok()),
            renewed_at_ms: value["renewed_at_ms"].as_u64().unwrap_or(0),
            released: value["released"] == json!(true),
        }
    }
}

fn now_ms() -> u64 {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    u64::try_from(now.as_millis()).unwrap_or(u64::MAX)
}
