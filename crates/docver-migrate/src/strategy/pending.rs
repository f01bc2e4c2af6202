//! Running reconciliations for a set of logical documents, with the pending list: a document
//! that could not be finished (a companion not there yet, a copy the migration rejects, one
//! that cannot be read) is remembered in `_local/docver-pending-<family>` and retried on every
//! later run, and reported on each, until it completes: a run never reports success over a
//! document it left behind.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use super::conflicts::{self, ConflictRecord};
use super::engine::MigrationFailure;
use super::reconcile::{self, Layout};
use crate::store::StoreError;

/// What reconciling a set of logical documents did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tally {
    /// Documents written (created or updated), companions included.
    pub written: usize,
    /// Documents deleted (copies of deleted documents, their companions, stale copies).
    pub deleted: usize,
    /// Conflicts met and resolved this run (also appended to the conflict log).
    pub conflicts: Vec<ConflictRecord>,
    /// Documents waiting for a companion document; retried on every run.
    pub waiting: Vec<MigrationFailure>,
    /// Documents that failed; retried on every run.
    pub failed: Vec<MigrationFailure>,
}

fn pending_id(family: &str) -> String {
    format!("docver-pending-{family}")
}

/// The logical documents left unfinished by earlier runs.
pub(crate) fn load(layout: &dyn Layout) -> Result<BTreeSet<String>, StoreError> {
    let id = pending_id(layout.family().schema_name());
    Ok(ids_of(layout.ledger().get_local(&id)?.as_ref()))
}

/// The ids of a stored pending list.
fn ids_of(list: Option<&Value>) -> BTreeSet<String> {
    list.and_then(|p| p.get("ids").cloned())
        .and_then(|ids| serde_json::from_value::<BTreeSet<String>>(ids).ok())
        .unwrap_or_default()
}

/// Reconciles `uuids` and every pending document, records conflicts and the new pending list.
pub(crate) fn reconcile_all(
    layout: &dyn Layout,
    mut uuids: BTreeSet<String>,
) -> Result<Tally, StoreError> {
    let before = load(layout)?;
    uuids.extend(before.iter().filter(|uuid| layout.claims(uuid)).cloned());
    let mut tally = Tally::default();
    let mut pending = BTreeSet::new();
    for uuid in &uuids {
        let done = match reconcile::reconcile(layout, uuid) {
            Ok(done) => done,
            Err(e) => match e.unreadable_doc() {
                Some(bad) => {
                    tally.failed.push(MigrationFailure {
                        id: bad.id,
                        error: bad.reason,
                    });
                    pending.insert(uuid.clone());
                    continue;
                }
                None => return Err(e),
            },
        };
        tally.written += done.written;
        tally.deleted += done.deleted;
        tally.conflicts.extend(done.conflicts);
        if let Some(unfinished) = done.unfinished {
            pending.insert(uuid.clone());
            match unfinished.waiting {
                true => tally.waiting.push(unfinished.failure),
                false => tally.failed.push(unfinished.failure),
            }
        }
    }
    let family = layout.family().schema_name();
    conflicts::append(layout.ledger(), family, &tally.conflicts)?;
    // Atomically, against the list as it is now: other workers sharing the store (other
    // partitions) add and remove their own documents meanwhile.
    layout
        .ledger()
        .update_local(&pending_id(family), &mut |current| {
            let current = ids_of(current);
            let mut next: BTreeSet<String> = current.difference(&uuids).cloned().collect();
            next.extend(pending.iter().cloned());
            (next != current).then(|| {
                let ids: Vec<Value> = next.into_iter().map(Value::String).collect();
                json!({ "ids": ids })
            })
        })?;
    Ok(tally)
}
