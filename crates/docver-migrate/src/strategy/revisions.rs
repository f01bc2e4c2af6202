//! Merging the conflicting revisions of one document (CouchDB `_conflicts`) for the
//! transactional migration: the seed's first failure story, where an offline client's late
//! edit of a document the migration rewrote meanwhile replicates in as a second revision that
//! the store hides behind the winning one.
//!
//! Each losing revision is merged into the winning one with [`docver::document::merge3`]
//! against their common ancestor revision, at the newer of the two versions (through the
//! declared migrations), so the late edit and the migration both survive. Rule: where both
//! changed one value, the store's winning revision wins, and the conflict is recorded in the
//! [conflict log](super::conflicts). The merge is written over the winning revision and the
//! losing ones are deleted. When the ancestor's body is gone (compacted), which side changed
//! what cannot be told: the document is left as it is and reported, never guessed.
//!
//! Companion documents are not revisioned with their main document: the stored ones stand in
//! for every revision of it.

use docver::document::{Prefer, merge3};
use docver::{DocumentSet, Family};
use serde_json::Value;

use super::ancestor::{set_from, set_value};
use super::conflicts::ConflictRecord;
use super::engine::{self, WritePlan};
use crate::store::{Doc, Store, StoreError, WriteOutcome};

/// What merging a document's conflicting revisions came to.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Merged {
    /// Written over the winning revision; the losing revisions deleted.
    Done { conflicts: Vec<ConflictRecord> },
    /// Left as it is, for this reason (reported as a failure naming the revisions).
    Undecided(String),
}

/// Merges the losing revisions of `winner` into it and deletes them (see the module doc).
pub(crate) fn merge_into_winner(
    store: &dyn Store,
    family: &dyn Family,
    winner: &Doc,
) -> Result<Merged, StoreError> {
    let undecided = |why: String| Ok(Merged::Undecided(why));
    let Some(winner_rev) = winner.rev.as_deref() else {
        return undecided("the winning revision has no revision id".to_owned());
    };
    let losers = store.conflicting_revisions(&winner.id)?;
    let mut sides = Vec::new();
    for loser in losers {
        let rev = loser.rev.clone().unwrap_or_default();
        let Some(base) = store.common_ancestor(&winner.id, winner_rev, &rev)? else {
            return undecided(format!(
                "conflicting revision {rev} (a concurrent edit, e.g. an offline client's) \
                 cannot be merged: the body of the revision both started from is gone \
                 (compacted), so which side changed what cannot be told; resolve it by hand"
            ));
        };
        sides.push((base, loser));
    }
    let version = |doc: &Doc| family.version_of(&doc.body);
    let winner_version = match version(winner) {
        Ok(v) => v,
        Err(e) => return undecided(e.to_string()),
    };
    let mut merged_version = winner_version;
    for (_, loser) in &sides {
        match version(loser) {
            Ok(v) => merged_version = merged_version.max(v),
            Err(e) => return undecided(format!("conflicting revision: {e}")),
        }
    }
    let existing =
        engine::stored_parts(store, family, &winner.id, &[winner_version, merged_version])?;
    // Each revision as a document set at the merge's version.
    let at_merge = |doc: &Doc| -> Result<Value, String> {
        let from = version(doc).map_err(|e| e.to_string())?;
        let set = DocumentSet {
            id: Some(winner.id.clone()),
            main: doc.body.clone(),
            parts: engine::parts_at(family, from, &existing),
        };
        let mut migrated = family
            .migrate(set, merged_version)
            .map_err(|e| e.to_string())?
            .docs;
        migrated.main = engine::body_of(migrated.main);
        for part in migrated.parts.values_mut() {
            *part = engine::body_of(std::mem::take(part));
        }
        Ok(set_value(&migrated))
    };
    let mut merged = match at_merge(winner) {
        Ok(value) => value,
        Err(e) => return undecided(e),
    };
    let mut conflicts = Vec::new();
    for (base, loser) in &sides {
        let (base_value, loser_value) = match (at_merge(base), at_merge(loser)) {
            (Ok(base), Ok(loser)) => (base, loser),
            (Err(e), _) | (_, Err(e)) => return undecided(e),
        };
        let result = merge3(
            Some(&base_value),
            Some(&merged),
            Some(&loser_value),
            Prefer::Ours,
        );
        let lost_version = version(loser).unwrap_or(merged_version);
        let rev = loser.rev.as_deref().unwrap_or("?");
        conflicts.extend(result.conflicts.into_iter().map(|c| ConflictRecord {
            id: winner.id.clone(),
            path: c.path,
            version: merged_version,
            base: c.base.unwrap_or(Value::Null),
            kept: c.ours.unwrap_or(Value::Null),
            lost: c.theirs.unwrap_or(Value::Null),
            lost_version,
            rule: format!(
                "concurrent revisions of one document (revision {rev} lost): the store's \
                 winning revision wins"
            ),
        }));
        merged = result.value.unwrap_or(merged);
    }
    let plan = engine::writes(winner, existing, set_from(&winner.id, &merged));
    if !write_plan(store, &plan)? {
        return undecided(
            "changed (or a write was refused) while its conflicting revisions were merged; re-run"
                .to_owned(),
        );
    }
    let deletions: Vec<Doc> = sides.iter().map(|(_, loser)| loser.deletion()).collect();
    store.bulk_write(&deletions)?;
    Ok(Merged::Done { conflicts })
}

/// Companions, then the main document, then obsolete companions; `false` if one of them was
/// written by someone else meanwhile (or refused).
fn write_plan(store: &dyn Store, plan: &WritePlan) -> Result<bool, StoreError> {
    let groups = [
        plan.parts.clone(),
        plan.main.iter().cloned().collect(),
        plan.obsolete.clone(),
    ];
    for group in groups.iter().filter(|g| !g.is_empty()) {
        let outcomes = store.bulk_write(group)?;
        if !outcomes
            .iter()
            .all(|o| matches!(o, WriteOutcome::Written { .. }))
        {
            return Ok(false);
        }
    }
    Ok(true)
}
