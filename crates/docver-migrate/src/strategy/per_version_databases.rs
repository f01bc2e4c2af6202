//! A database per version (`todos_v1`, `todos_v2`, …) with bi-directional server-side
//! migrations: a sync worker follows each database's `_changes` and writes the migrated
//! document (up or down) into every other version's database.
//!
//! Each pass reconciles every logical document changed in any database (its main document or a
//! companion, an edit or a delete) against its common ancestor, as
//! [`ancestor`](super::ancestor) describes: concurrent edits of different fields in different
//! versions all survive, a value edited in two versions keeps the newest version's edit and the
//! conflict is logged, a delete reaches every database and is never undone by a stale copy.
//! Ancestors, the conflict log and the pending list live in the newest version's database.
//!
//! No echo loops: what the worker writes is remembered as the ancestor, so reading it back is
//! no edit. Each database keeps its own checkpoint (`_local/docver-sync-<family>`), so a
//! restarted worker resumes; a document left unfinished is retried on every pass.
//!
//! The seed's caveats: every document is stored once per version (no deduplication), and
//! clients must be pointed at the database of their version.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use docver::Family;
use serde_json::{Value, json};

use super::conflicts::ConflictRecord;
use super::engine::{self, Belonging, Membership, MigrationFailure};
use super::pending;
use super::reconcile::Layout;
use super::skipped::{SkipReason, Skipped};
use crate::store::{Doc, FeedEntry, Store, StoreError};

/// What one sync pass did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Report {
    pub changes_seen: usize,
    /// Documents written (created or updated), companions included.
    pub written: usize,
    /// Documents deleted because their logical document was deleted in some version.
    pub deleted: usize,
    /// Conflicts resolved (also in the conflict log: [`super::conflicts::list`]).
    pub conflicts: Vec<ConflictRecord>,
    /// Documents waiting for a companion document (retried on every pass).
    pub waiting: Vec<MigrationFailure>,
    /// Documents that failed (retried on every pass).
    pub failed: Vec<MigrationFailure>,
    /// Changed documents left alone, by reason (another family's, untagged without a base).
    pub skipped: Skipped,
}

impl Report {
    fn add(&mut self, pass: Report) {
        self.changes_seen += pass.changes_seen;
        self.written += pass.written;
        self.deleted += pass.deleted;
        self.conflicts.extend(pass.conflicts);
        self.skipped.absorb(pass.skipped);
        self.waiting = pass.waiting;
        self.failed = pass.failed;
    }
}

/// One database per version of a family.
pub struct Databases<'a> {
    pub family: &'a dyn Family,
    pub membership: Membership,
    pub by_version: BTreeMap<u32, &'a dyn Store>,
}

impl std::fmt::Debug for Databases<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Databases")
            .field("family", &self.family.schema_name())
            .field("versions", &self.by_version.keys().collect::<Vec<_>>())
            .finish()
    }
}

impl Layout for Databases<'_> {
    fn family(&self) -> &dyn Family {
        self.family
    }

    fn live(&self) -> Vec<u32> {
        self.by_version.keys().copied().collect()
    }

    fn store(&self, version: u32) -> &dyn Store {
        self.by_version[&version]
    }

    fn ledger(&self) -> &dyn Store {
        *self
            .by_version
            .values()
            .next_back()
            .expect("at least one database")
    }

    fn doc_id(&self, schema: &str, _version: u32, uuid: &str) -> String {
        if schema == self.family.schema_name() {
            uuid.to_owned()
        } else {
            engine::part_id(schema, uuid)
        }
    }

    fn owns(&self, main: &Doc) -> bool {
        self.membership.contains(self.family, main)
    }
}

impl Databases<'_> {
    pub(crate) fn checkpoint_id(&self) -> String {
        format!("docver-sync-{}", self.family.schema_name())
    }

    /// The logical document a change in the version-`version` database is about: the family's
    /// main document (deleted, or unreadable: reading it reports it) or a companion; `Err` with
    /// the reason for a document the sync leaves alone (`None`: not a document, a design
    /// document).
    fn subject(&self, version: u32, change: &FeedEntry) -> Result<String, Option<SkipReason>> {
        if change.id.starts_with("_design/") {
            return Err(None);
        }
        if let Some((schema, uuid)) = change.id.split_once(':')
            && self
                .family
                .part_schemas(version)
                .iter()
                .any(|s| s == schema)
        {
            return Ok(uuid.to_owned());
        }
        match &change.doc {
            Some(doc) if !change.deleted => match self.membership.classify(self.family, doc) {
                Belonging::Member => Ok(change.id.clone()),
                Belonging::Internal => Err(None),
                Belonging::Outside(reason) => Err(Some(reason)),
            },
            _ => Ok(change.id.clone()),
        }
    }

    /// Processes every database's pending changes once.
    pub fn sync_once(&self) -> Result<Report, StoreError> {
        if self.by_version.is_empty() {
            return Ok(Report::default());
        }
        let mut report = Report::default();
        let mut uuids = BTreeSet::new();
        let mut checkpoints = Vec::new();
        for (&version, &store) in &self.by_version {
            let mut since = store
                .get_local(&self.checkpoint_id())?
                .and_then(|c| c.get("since").and_then(Value::as_str).map(str::to_owned))
                .unwrap_or_else(|| "0".to_owned());
            loop {
                let page = store.changes(&since, 10_000, None)?;
                for change in &page.changes {
                    match self.subject(version, change) {
                        Ok(uuid) => {
                            report.changes_seen += 1;
                            uuids.insert(uuid);
                        }
                        Err(Some(reason)) => report.skipped.add(reason, &change.id),
                        Err(None) => {}
                    }
                }
                let done = page.changes.is_empty() || page.last_seq == since;
                // An empty `last_seq` (nothing new on some servers) keeps the checkpoint.
                if !page.last_seq.is_empty() {
                    since = page.last_seq;
                }
                if done {
                    break;
                }
            }
            checkpoints.push((store, since));
        }
        let tally = pending::reconcile_all(self, uuids)?;
        for (store, since) in checkpoints {
            store.put_local(&self.checkpoint_id(), &json!({ "since": since }))?;
        }
        report.written = tally.written;
        report.deleted = tally.deleted;
        report.conflicts = tally.conflicts;
        report.waiting = tally.waiting;
        report.failed = tally.failed;
        Ok(report)
    }

    /// Syncs until a pass writes nothing (or `max_passes`), polling `pause` apart. The
    /// documents still waiting or failed are those of the last pass.
    pub fn sync_until_quiet(
        &self,
        max_passes: usize,
        pause: Duration,
    ) -> Result<Report, StoreError> {
        let mut total = Report::default();
        for _ in 0..max_passes {
            let pass = self.sync_once()?;
            let quiet = pass.written == 0 && pass.deleted == 0;
            total.add(pass);
            if quiet {
                break;
            }
            std::thread::sleep(pause);
        }
        Ok(total)
    }
}
