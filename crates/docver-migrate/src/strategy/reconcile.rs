//! Reconciling the version copies of one logical document against their common ancestor: the
//! core of both multi-version strategies ([`per_version_databases`](super::per_version_databases),
//! [`per_version_documents`](super::per_version_documents)).
//!
//! **The ancestor.** After every reconciliation the form each live version copy was left in is
//! remembered, with the merged form at the hub (the newest live version, which holds the most
//! information): see [`ancestor`](super::ancestor).
//!
//! **Edits.** A copy that differs from its remembered form was edited. Each edited copy is
//! brought to the hub as an edit of the ancestor (the declared migrations, up or down, with the
//! fields its version does not know kept from the ancestor), and all edits are merged with
//! [`docver::document::merge3`] against the ancestor: edits of different fields all survive.
//! **Rule:** where two copies changed one value differently, the newest version's edit wins
//! and the other is recorded in the [conflict log](super::conflicts). Every live version's copy
//! is then rewritten from the merge, keeping what only that version holds.
//!
//! **Deletes.** A copy that was there and is gone was deleted: every copy (and its companions)
//! is deleted, and the ancestor becomes a tombstone. Rule: a delete wins over a concurrent edit
//! (recorded as a conflict), and a copy reappearing under a tombstone (an offline replica's
//! stale or late copy) is deleted again, recorded if it carried an edit: nothing is resurrected.
//!
//! **Conflicting revisions** of one copy (CouchDB `_conflicts`: concurrent edits replicated
//! in from offline clients) are merged into it against its remembered form first (rule: the
//! store's winning revision wins a value both changed; recorded), and deleted once the merge
//! is written.
//!
//! **Unfinished.** A copy that cannot be migrated (a split document whose companion has not
//! arrived, a document the migration rejects) stops the whole logical document: nothing is
//! written, and the caller keeps it on its pending list, retried and reported on every run
//! until it completes.

use std::collections::BTreeMap;

use docver::document::{Prefer, merge3};
use docver::{DocumentSet, Family, pointer};
use serde_json::Value;

use super::ancestor::{Ancestor, set_from, set_value};
use super::conflicts::ConflictRecord;
use super::engine::{self, MigrationFailure};
use crate::store::{Doc, Store, StoreError, WriteOutcome};
/// Where a strategy keeps the version copies of a logical document.
pub(crate) trait Layout {
    fn family(&self) -> &dyn Family;
    /// The live versions, ascending.
    fn live(&self) -> Vec<u32>;
    /// The store holding the version-`version` copy.
    fn store(&self, version: u32) -> &dyn Store;
    /// The store holding the ancestors, the conflict log and the pending list.
    fn ledger(&self) -> &dyn Store;
    /// The id of `schema`'s document (the family's own or a companion) of `uuid` at `version`.
    fn doc_id(&self, schema: &str, version: u32, uuid: &str) -> String;
    /// Whether a main document found at a copy's id is the family's (another family's document
    /// under the same id is no copy).
    fn owns(&self, main: &Doc) -> bool {
        let _ = main;
        true
    }
    /// Whether this worker reconciles logical document `uuid` (a scaled-out worker takes one
    /// [partition](super::partition) of them).
    fn claims(&self, uuid: &str) -> bool {
        let _ = uuid;
        true
    }
}

/// What reconciling one logical document did.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Reconciled {
    pub written: usize,
    pub deleted: usize,
    pub conflicts: Vec<ConflictRecord>,
    /// Why it could not be reconciled (nothing was written); `waiting`: a companion is missing.
    pub unfinished: Option<Unfinished>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Unfinished {
    pub failure: MigrationFailure,
    pub waiting: bool,
}

/// How often a document changed by someone else while being written is re-read and redone.
const ATTEMPTS: usize = 5;

/// Brings every live version copy of `uuid` in line: edits merged, deletes propagated.
pub(crate) fn reconcile(layout: &dyn Layout, uuid: &str) -> Result<Reconciled, StoreError> {
    for _ in 0..ATTEMPTS {
        if let Some(done) = reconcile_once(layout, uuid)? {
            return Ok(done);
        }
    }
    Ok(Reconciled {
        unfinished: Some(Unfinished {
            failure: MigrationFailure {
                id: uuid.to_owned(),
                error: format!("changed {ATTEMPTS} times while being synced; retried next run"),
            },
            waiting: false,
        }),
        ..Reconciled::default()
    })
}

/// One version copy as read: the set, and the stored documents (for their revisions).
struct Copy {
    set: DocumentSet,
    docs: Vec<Doc>,
    /// The deletions of its documents' losing revisions, folded into `set` (CouchDB
    /// `_conflicts`): written once the merge is.
    losers: Vec<Doc>,
    /// The values those revisions lost.
    conflicts: Vec<ConflictRecord>,
}

fn load_copy(
    layout: &dyn Layout,
    version: u32,
    uuid: &str,
    remembered: Option<&Value>,
) -> Result<Option<Copy>, StoreError> {
    let family = layout.family();
    let store = layout.store(version);
    let Some(main) = store.get(&layout.doc_id(family.schema_name(), version, uuid))? else {
        return Ok(None);
    };
    if !layout.owns(&main) {
        return Ok(None);
    }
    let mut parts = BTreeMap::new();
    let mut docs = Vec::new();
    for schema in family.part_schemas(version) {
        if let Some(part) = store.get(&layout.doc_id(&schema, version, uuid))? {
            parts.insert(schema, part.body.clone());
            docs.push(part);
        }
    }
    let set = DocumentSet {
        id: Some(uuid.to_owned()),
        main: main.body.clone(),
        parts,
    };
    docs.push(main);
    let mut copy = Copy {
        set,
        docs,
        losers: Vec::new(),
        conflicts: Vec::new(),
    };
    fold_conflicting_revisions(layout, version, uuid, remembered, &mut copy)?;
    Ok(Some(copy))
}

/// Merges the losing revisions of each of the copy's documents (concurrent edits of one copy,
/// replicated in from offline clients) into it, against the remembered copy. Rule: where
/// they changed one value differently, the store's winning revision wins; recorded.
fn fold_conflicting_revisions(
    layout: &dyn Layout,
    version: u32,
    uuid: &str,
    remembered: Option<&Value>,
    copy: &mut Copy,
) -> Result<(), StoreError> {
    let family = layout.family();
    let store = layout.store(version);
    let members = std::iter::once((family.schema_name().to_owned(), "/main".to_owned())).chain(
        family
            .part_schemas(version)
            .into_iter()
            .map(|schema| (schema.clone(), pointer::push("/parts", &schema))),
    );
    let mut set = set_value(&copy.set);
    for (schema, at) in members {
        let id = layout.doc_id(&schema, version, uuid);
        if !copy.docs.iter().any(|d| d.id == id) {
            continue;
        }
        for loser in store.conflicting_revisions(&id)? {
            let base = remembered.and_then(|r| r.pointer(&at));
            let ours = set.pointer(&at).cloned();
            let merged = merge3(base, ours.as_ref(), Some(&loser.body), Prefer::Ours);
            copy.conflicts
                .extend(merged.conflicts.into_iter().map(|c| ConflictRecord {
                    id: uuid.to_owned(),
                    path: format!("{at}{}", c.path),
                    version,
                    base: c.base.unwrap_or(Value::Null),
                    kept: c.ours.unwrap_or(Value::Null),
                    lost: c.theirs.unwrap_or(Value::Null),
                    lost_version: version,
                    rule: format!(
                        "concurrent revisions of one copy (revision {} lost): the store's winning \
                     revision wins",
                        loser.rev.as_deref().unwrap_or("?")
                    ),
                }));
            if let (Some(slot), Some(value)) = (set.pointer_mut(&at), merged.value) {
                *slot = value;
            }
            copy.losers.push(loser.deletion());
        }
    }
    copy.set = set_from(uuid, &set);
    Ok(())
}

/// `set` at `target`, through the declared migrations.
fn at_version(
    family: &dyn Family,
    set: &DocumentSet,
    target: u32,
) -> Result<DocumentSet, docver::DocError> {
    if family.version_of(&set.main)? == target {
        return Ok(set.clone());
    }
    Ok(stored_form(family.migrate(set.clone(), target)?.docs))
}

/// `set` without what the store keeps outside a body (a migration may set `_id`).
fn stored_form(mut set: DocumentSet) -> DocumentSet {
    set.main = engine::body_of(set.main);
    for part in set.parts.values_mut() {
        *part = engine::body_of(std::mem::take(part));
    }
    set
}

/// `None`: someone wrote meanwhile, read again.
fn reconcile_once(layout: &dyn Layout, uuid: &str) -> Result<Option<Reconciled>, StoreError> {
    let live = layout.live();
    let ancestor = Ancestor::load(layout, uuid)?;
    let mut copies = BTreeMap::new();
    for &version in &live {
        let remembered = ancestor.as_ref().and_then(|a| a.copies.get(&version));
        if let Some(copy) = load_copy(layout, version, uuid, remembered)? {
            copies.insert(version, copy);
        }
    }
    let Some(mut done) = reconcile_copies(layout, uuid, &live, ancestor, &copies)? else {
        return Ok(None);
    };
    // The losing revisions go once their content is merged (or the document deleted).
    if done.unfinished.is_none() {
        for (&version, copy) in &copies {
            match write_docs(layout.store(version), &copy.losers)? {
                Some(n) => done.deleted += n,
                None => return Ok(None),
            }
            done.conflicts.extend(copy.conflicts.iter().cloned());
        }
    }
    Ok(Some(done))
}

fn reconcile_copies(
    layout: &dyn Layout,
    uuid: &str,
    live: &[u32],
    ancestor: Option<Ancestor>,
    copies: &BTreeMap<u32, Copy>,
) -> Result<Option<Reconciled>, StoreError> {
    let family = layout.family();
    let Some(hub) = live.last().copied() else {
        return Ok(Some(Reconciled::default()));
    };
    let remembered = |v: &u32| ancestor.as_ref().and_then(|a| a.copies.get(v));
    let vanished = ancestor.as_ref().is_some_and(|a| {
        a.copies
            .keys()
            .any(|v| live.contains(v) && !copies.contains_key(v))
    });
    if ancestor.as_ref().is_some_and(|a| a.deleted) || vanished {
        return delete_everywhere(layout, uuid, ancestor.unwrap_or_default(), copies);
    }
    let edited: Vec<u32> = copies
        .iter()
        .filter(|(v, copy)| remembered(v) != Some(&set_value(&copy.set)))
        .map(|(v, _)| *v)
        .rev()
        .collect();
    if edited.is_empty() && copies.len() == live.len() {
        return Ok(Some(Reconciled::default()));
    }
    if copies.is_empty() {
        return Ok(Some(Reconciled::default()));
    }
    for (&version, copy) in copies {
        if family.version_of(&copy.set.main).ok() != Some(version) {
            return Ok(Some(unfinished(
                layout,
                uuid,
                version,
                format!("found as the version {version} copy but tagged otherwise"),
                false,
            )));
        }
    }
    let merged = match merge_edits(layout, uuid, hub, ancestor.as_ref(), copies, &edited) {
        Ok(merged) => merged,
        Err(unfinished) => return Ok(Some(unfinished)),
    };
    write_all(layout, uuid, hub, copies, merged)
}

/// The merge of every edited copy at the hub, and the conflicts met.
struct Merge {
    base: DocumentSet,
    merged: DocumentSet,
    conflicts: Vec<ConflictRecord>,
}

/// Merges the edited copies (`edited`: newest first) into the ancestor's hub form. Without an
/// ancestor (the first sync of a document, e.g. one created in two versions while their
/// databases were apart) nothing says which copy changed what: they are merged with no base, so
/// an older copy contributes what the newest one does not say, and every value the copies hold
/// differently is a conflict the newest version wins, recorded.
fn merge_edits(
    layout: &dyn Layout,
    uuid: &str,
    hub: u32,
    ancestor: Option<&Ancestor>,
    copies: &BTreeMap<u32, Copy>,
    edited: &[u32],
) -> Result<Merge, Reconciled> {
    let family = layout.family();
    let failed = |version: u32, e: docver::DocError| {
        let waiting = !missing_parts(family, version, &copies[&version].set).is_empty();
        unfinished(layout, uuid, version, e.to_string(), waiting)
    };
    let base = match ancestor.and_then(|a| Some((a.hub_version, a.hub.as_ref()?))) {
        Some((version, value)) => {
            at_version(family, &set_from(uuid, value), hub).map_err(|e| failed(version, e))?
        }
        None => {
            let (&newest, copy) = copies.iter().next_back().expect("copies is not empty");
            at_version(family, &copy.set, hub).map_err(|e| failed(newest, e))?
        }
    };
    let base_value = set_value(&base);
    let first_sync = ancestor.and_then(|a| a.hub.as_ref()).is_none();
    let newest = copies.keys().next_back().copied();
    let mut merged = base_value.clone();
    let mut conflicts = Vec::new();
    let record = |c: docver::document::Conflict, version: u32, lost_version: u32, rule: &str| {
        ConflictRecord {
            id: uuid.to_owned(),
            path: c.path,
            version,
            base: c.base.unwrap_or(Value::Null),
            kept: c.ours.unwrap_or(Value::Null),
            lost: c.theirs.unwrap_or(Value::Null),
            lost_version,
            rule: rule.to_owned(),
        }
    };
    for &version in edited {
        let mut own = copies[&version].set.clone();
        if first_sync && Some(version) != newest {
            // No ancestor: the copy disagrees with the newest one where that one, seen at this
            // copy's version, says otherwise; the newest wins there, the rest is this copy's.
            let newest_here = at_version(family, &base, version).map_err(|e| failed(version, e))?;
            let met = merge3(
                None,
                Some(&set_value(&newest_here)),
                Some(&set_value(&own)),
                Prefer::Ours,
            );
            conflicts.extend(met.conflicts.into_iter().map(|c| {
                record(
                    c,
                    version,
                    version,
                    "first sync, the copies disagree and nothing says which changed: the \
                     newest version's copy wins",
                )
            }));
            own = set_from(uuid, &met.value.unwrap_or(Value::Null));
        }
        let edit = if version == hub {
            own
        } else {
            engine::propagate(family, &own, hub, Some(&base))
                .map(stored_form)
                .map_err(|e| failed(version, e))?
        };
        let result = merge3(
            Some(&base_value),
            Some(&merged),
            Some(&set_value(&edit)),
            Prefer::Ours,
        );
        conflicts.extend(result.conflicts.into_iter().map(|c| {
            record(
                c,
                hub,
                version,
                "edited in more than one version: the newest version's edit wins",
            )
        }));
        merged = result.value.unwrap_or(Value::Null);
    }
    Ok(Merge {
        merged: set_from(uuid, &merged),
        base,
        conflicts,
    })
}

/// Each live version's copy from the merge (a version's own fields the hub does not carry
/// kept), written where it changed; then the ancestor. `None` if someone wrote meanwhile.
fn write_all(
    layout: &dyn Layout,
    uuid: &str,
    hub: u32,
    copies: &BTreeMap<u32, Copy>,
    merge: Merge,
) -> Result<Option<Reconciled>, StoreError> {
    let family = layout.family();
    let mut finals = BTreeMap::new();
    for version in layout.live() {
        let target = if version == hub {
            Ok(merge.merged.clone())
        } else {
            at_version(family, &merge.merged, version).and_then(|merged| {
                // A missing copy (a new document, a version added) is the merge's form.
                let Some(copy) = copies.get(&version) else {
                    return Ok(merged);
                };
                let base = at_version(family, &merge.base, version)?;
                let mut kept = set_value(&merged);
                keep_own_fields(&mut kept, &set_value(&copy.set), &set_value(&base));
                Ok(set_from(uuid, &kept))
            })
        };
        match target {
            Ok(set) => finals.insert(version, set),
            Err(e) => {
                let waiting = !missing_parts(family, hub, &merge.merged).is_empty();
                return Ok(Some(unfinished(
                    layout,
                    uuid,
                    version,
                    e.to_string(),
                    waiting,
                )));
            }
        };
    }
    let mut done = Reconciled {
        conflicts: merge.conflicts,
        ..Reconciled::default()
    };
    for (&version, set) in &finals {
        match write_copy(layout, uuid, version, set, copies.get(&version))? {
            Some(n) => done.written += n,
            None => return Ok(None),
        }
    }
    let ancestor = Ancestor {
        deleted: false,
        hub_version: hub,
        hub: Some(set_value(&merge.merged)),
        copies: finals.iter().map(|(v, set)| (*v, set_value(set))).collect(),
    };
    ancestor.save(layout, uuid)?;
    Ok(Some(done))
}

/// Adds to `merged` (a version's form of the merge) what only that version's `copy` holds:
/// keys the migrations neither carried to the hub nor brought back (`base`: the ancestor at
/// that version, lacking them too). Everything else is the merge's: a copy's own edits are in
/// it already, or lost a conflict (a lossy projection may hide that, so no three-way merge at
/// the version).
fn keep_own_fields(merged: &mut Value, copy: &Value, base: &Value) {
    let (Some(merged), Some(copy)) = (merged.as_object_mut(), copy.as_object()) else {
        return;
    };
    for (key, value) in copy {
        let base = base.get(key);
        match merged.get_mut(key) {
            None if base.is_none() => {
                merged.insert(key.clone(), value.clone());
            }
            Some(inner) => keep_own_fields(inner, value, base.unwrap_or(&Value::Null)),
            None => {}
        }
    }
}

/// The companions `set` lacks at `version`.
fn missing_parts(family: &dyn Family, version: u32, set: &DocumentSet) -> Vec<String> {
    family
        .part_schemas(version)
        .into_iter()
        .filter(|schema| !set.parts.contains_key(schema))
        .collect()
}

fn unfinished(
    layout: &dyn Layout,
    uuid: &str,
    version: u32,
    error: String,
    waiting: bool,
) -> Reconciled {
    Reconciled {
        unfinished: Some(Unfinished {
            failure: MigrationFailure {
                id: layout.doc_id(layout.family().schema_name(), version, uuid),
                error,
            },
            waiting,
        }),
        ..Reconciled::default()
    }
}

/// Writes the version-`version` copy: companions first, then the main document, each only if
/// it changed, each replacing the revision read. `None` on a write conflict.
fn write_copy(
    layout: &dyn Layout,
    uuid: &str,
    version: u32,
    set: &DocumentSet,
    current: Option<&Copy>,
) -> Result<Option<usize>, StoreError> {
    let family = layout.family();
    let mut writes: Vec<(String, &Value)> = set
        .parts
        .iter()
        .map(|(schema, body)| (layout.doc_id(schema, version, uuid), body))
        .collect();
    writes.push((
        layout.doc_id(family.schema_name(), version, uuid),
        &set.main,
    ));
    let mut docs = Vec::new();
    for (id, body) in writes {
        let stored = current.and_then(|c| c.docs.iter().find(|d| d.id == id));
        match stored {
            Some(stored) if &stored.body == body => {}
            Some(stored) => docs.push(stored.updated(body.clone())),
            None => docs.push(Doc::new(id, body.clone())),
        }
    }
    write_docs(layout.store(version), &docs)
}

/// Writes `docs` in order; `None` if one of them was changed meanwhile.
fn write_docs(store: &dyn Store, docs: &[Doc]) -> Result<Option<usize>, StoreError> {
    let mut written = 0;
    for doc in docs {
        match store.bulk_write(std::slice::from_ref(doc))?.pop() {
            Some(WriteOutcome::Written { .. }) => written += 1,
            Some(WriteOutcome::Conflict { .. }) => return Ok(None),
            Some(WriteOutcome::Rejected { id, reason }) => {
                return Err(StoreError::Protocol {
                    url: store.url(),
                    id: Some(id),
                    detail: format!("rejected: {reason}"),
                });
            }
            None => {}
        }
    }
    Ok(Some(written))
}

/// A copy is gone, or the document is a tombstone: every copy present is deleted, with its
/// companions. Each copy that carried an edit nobody synced yet is a conflict the delete won.
fn delete_everywhere(
    layout: &dyn Layout,
    uuid: &str,
    mut ancestor: Ancestor,
    copies: &BTreeMap<u32, Copy>,
) -> Result<Option<Reconciled>, StoreError> {
    let mut done = Reconciled::default();
    for (&version, copy) in copies {
        let value = set_value(&copy.set);
        let remembered = ancestor.copies.get(&version);
        if remembered != Some(&value) {
            done.conflicts.push(ConflictRecord {
                id: uuid.to_owned(),
                path: String::new(),
                version,
                base: remembered.cloned().unwrap_or(Value::Null),
                kept: Value::Null,
                lost: value.clone(),
                lost_version: version,
                rule: "edited and deleted concurrently (or edited after the delete): the \
                       delete wins"
                    .to_owned(),
            });
        }
        let tombstones: Vec<Doc> = copy.docs.iter().map(Doc::deletion).collect();
        match write_docs(layout.store(version), &tombstones)? {
            Some(n) => done.deleted += n,
            None => return Ok(None),
        }
        // The last form is kept: a stale copy coming back equal to it is no news.
        ancestor.copies.entry(version).or_insert(value);
    }
    let was_tombstone = ancestor.deleted;
    ancestor.deleted = true;
    ancestor.hub = None;
    if !was_tombstone || !copies.is_empty() {
        ancestor.save(layout, uuid)?;
    }
    Ok(Some(done))
}
