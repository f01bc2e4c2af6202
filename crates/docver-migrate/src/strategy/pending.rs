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
use crate::store::{Store, StoreError};

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

/// How many logical documents' copies are read ahead in one request per store.
const PREFETCH_CHUNK: usize = 500;

/// Reads ahead every copy (main document and companions, at every live version) of `uuids`:
/// one request per store instead of one per document (see [`Store::prefetch`]).
///
/// [`Store::prefetch`]: crate::store::Store::prefetch
fn prefetch(layout: &dyn Layout, uuids: &[&String]) -> Result<(), StoreError> {
    let family = layout.family();
    let mut by_store: Vec<(&dyn Store, Vec<String>)> = Vec::new();
    for version in layout.live() {
        let store = layout.store(version);
        let schemas =
            std::iter::once(family.schema_name().to_owned()).chain(family.part_schemas(version));
        let schemas: Vec<String> = schemas.collect();
        let ids = uuids.iter().flat_map(|uuid| {
            schemas
                .iter()
                .map(|schema| layout.doc_id(schema, version, uuid))
        });
        // One store may hold several versions (per-version documents): one list for it.
        let key: *const dyn Store = store;
        match by_store
            .iter_mut()
            .find(|(s, _)| std::ptr::addr_eq(*s as *const dyn Store, key))
        {
            Some((_, list)) => list.extend(ids),
            None => by_store.push((store, ids.collect())),
        }
    }
    for (store, ids) in by_store {
        store.prefetch(&ids)?;
    }
    Ok(())
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
    let ordered: Vec<&String> = uuids.iter().collect();
    for chunk in ordered.chunks(PREFETCH_CHUNK) {
        prefetch(layout, chunk)?;
        for &uuid in chunk {
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
