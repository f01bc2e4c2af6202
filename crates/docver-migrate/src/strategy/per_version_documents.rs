//! Multiple versions in one database (the seed's favourite; its authors later called it an
//! "eager, server-side, multi-version migration").
//!
//! Each logical document is stored once per live major version, under ids like
//! `todo-item@2:<uuid>`, each with its `schema`/`version` tag. Companion documents of a split
//! version are stored as `<part-schema>@<version>:<uuid>` (`todo-status@4:<uuid>`: the status
//! of the v4 form). References between documents use the raw uuid.
//!
//! A [`Worker`] follows `_changes` and reconciles every logical document whose main document
//! or companion changed (an edit or a delete, in any live version) against its common
//! ancestor, as [`ancestor`](super::ancestor) describes: concurrent edits of different fields
//! in different versions all survive, a value edited in two versions keeps the newest
//! version's edit and the conflict is logged, a delete removes every version's copy and
//! companions and is never undone by a stale copy. A split document whose parts arrive in any
//! order yields the right output once all are there; until then nothing is written for it, and
//! it is retried (and reported as waiting) on every run. Outputs are deterministic and what the
//! worker wrote is remembered as the ancestor, so a re-run writes nothing and nothing loops.
//!
//! Replication to clients is filtered per client version ([`replication_selector`]): newer
//! documents replicate to older clients, older documents don't replicate to newer ones. A
//! client learns which versions are still served from the [`supported_versions`] document.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use docver::{Family, VersionedId};
use serde_json::{Value, json};

use super::ancestor;
use super::conflicts::ConflictRecord;
use super::engine::MigrationFailure;
use super::pending::{self, Tally};
use super::reconcile::Layout;
use crate::store::{Doc, Store, StoreError, Unreadable, WriteOutcome, follow};

/// The id of `schema`'s document for `uuid` at family version `version`.
pub fn versioned_id(schema: &str, version: u32, uuid: &str) -> String {
    VersionedId::new(schema, version, uuid).to_string()
}

/// How many changed logical documents the worker gathers before reconciling them.
const RECONCILE_BATCH: usize = 500;

#[derive(Debug, Clone)]
pub struct Options {
    /// The versions kept in the database (each document exists once per live version).
    pub live: Vec<u32>,
    /// Stop following when nothing changed for this long.
    pub idle_timeout: Duration,
}

/// What a worker run did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Report {
    pub changes_seen: usize,
    /// Documents written (created or updated).
    pub written: usize,
    /// Documents deleted because their logical document was deleted in some version.
    pub deleted: usize,
    /// Conflicts resolved (also in the conflict log: [`super::conflicts::list`]).
    pub conflicts: Vec<ConflictRecord>,
    /// Documents whose inputs are not all there yet (a split document's part is missing);
    /// retried on every run.
    pub waiting: Vec<MigrationFailure>,
    /// Documents that failed; retried on every run.
    pub failed: Vec<MigrationFailure>,
    pub last_seq: String,
}

/// What [`Worker::purge_report`] did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Purged {
    /// Documents deleted.
    pub deleted: usize,
    /// Documents of the version left in place because their JSON cannot be read.
    pub unreadable: Vec<Unreadable>,
    /// Logical documents stored only at the purged version (or at it and other retired ones),
    /// written at every live version before it was purged.
    pub carried: usize,
    /// Logical documents stored only at the purged version that could not be carried to the
    /// live versions (a migration fails, a companion is missing): left in place, not deleted.
    pub kept: Vec<MigrationFailure>,
}

impl Report {
    fn add(&mut self, tally: Tally) {
        self.written += tally.written;
        self.deleted += tally.deleted;
        self.conflicts.extend(tally.conflicts);
        // Pending documents are retried with every batch: each is listed once.
        for (list, new) in [
            (&mut self.waiting, tally.waiting),
            (&mut self.failed, tally.failed),
        ] {
            for entry in new {
                if !list.iter().any(|e| e.id == entry.id) {
                    list.push(entry);
                }
            }
        }
    }
}

/// A worker for one family in one database.
pub struct Worker<'a> {
    pub store: &'a dyn Store,
    pub family: &'a dyn Family,
    pub options: Options,
}

impl std::fmt::Debug for Worker<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Worker")
            .field("store", &self.store.url())
            .field("family", &self.family.schema_name())
            .field("options", &self.options)
            .finish()
    }
}

impl Layout for Worker<'_> {
    fn family(&self) -> &dyn Family {
        self.family
    }

    fn live(&self) -> Vec<u32> {
        let mut live = self.options.live.clone();
        live.sort_unstable();
        live.dedup();
        live
    }

    fn store(&self, _version: u32) -> &dyn Store {
        self.store
    }

    fn ledger(&self) -> &dyn Store {
        self.store
    }

    fn doc_id(&self, schema: &str, version: u32, uuid: &str) -> String {
        versioned_id(schema, version, uuid)
    }
}

impl<'a> Worker<'a> {
    pub fn new(store: &'a dyn Store, family: &'a dyn Family, options: Options) -> Self {
        Worker {
            store,
            family,
            options,
        }
    }

    pub(crate) fn checkpoint_id(&self) -> String {
        format!("docver-versions-worker-{}", self.family.schema_name())
    }

    /// Follows `_changes` from the stored checkpoint until idle, then reconciles every logical
    /// document that changed (and every one left pending by earlier runs). Resumes where the
    /// last run stopped.
    pub fn run(&self) -> Result<Report, StoreError> {
        let since = self
            .store
            .get_local(&self.checkpoint_id())?
            .and_then(|c| c.get("since").and_then(Value::as_str).map(str::to_owned))
            .unwrap_or_else(|| "0".to_owned());
        let mut report = Report::default();
        let mut uuids = BTreeSet::new();
        let mut error = None;
        let last = follow(
            self.store,
            &since,
            |change| {
                report.changes_seen += 1;
                if let Some((version, uuid)) = self.subject(&change.id)
                    && self.options.live.contains(&version)
                {
                    uuids.insert(uuid);
                }
                // A busy feed is never idle: reconcile as it goes, a batch at a time.
                if uuids.len() < RECONCILE_BATCH {
                    return true;
                }
                match pending::reconcile_all(self, std::mem::take(&mut uuids)) {
                    Ok(tally) => report.add(tally),
                    Err(e) => error = Some(e),
                }
                error.is_none()
            },
            self.options.idle_timeout,
        )?;
        if let Some(e) = error {
            return Err(e);
        }
        report.add(pending::reconcile_all(self, uuids)?);
        self.store
            .put_local(&self.checkpoint_id(), &json!({ "since": last }))?;
        report.last_seq = last;
        Ok(report)
    }

    /// The uuid and family version a changed document is about, if it is the family's main
    /// document or one of its companions.
    pub(crate) fn subject(&self, id: &str) -> Option<(u32, String)> {
        let vid = VersionedId::parse(id)?;
        let ours = vid.schema == self.family.schema_name()
            || self.family.part_schemas(vid.version).contains(&vid.schema);
        ours.then_some((vid.version, vid.uuid))
    }

    /// Reconciles every live version of `uuid` after its version-`version` copy changed (all
    /// copies are compared with their ancestor, so `version` only names the trigger), and
    /// retries the pending documents.
    pub fn transform(
        &self,
        version: u32,
        uuid: &str,
        report: &mut Report,
    ) -> Result<(), StoreError> {
        let _ = version;
        report.add(pending::reconcile_all(
            self,
            BTreeSet::from([uuid.to_owned()]),
        )?);
        Ok(())
    }

    /// Adds a version: writes the version-`version` form of every logical document, merged
    /// from its stored forms.
    pub fn backfill(&self, version: u32) -> Result<Report, StoreError> {
        let mut live = self.options.live.clone();
        live.push(version);
        let with_version = Worker {
            store: self.store,
            family: self.family,
            options: Options {
                live,
                ..self.options.clone()
            },
        };
        let uuids = self.inventory()?.into_keys().collect();
        let mut report = Report::default();
        report.add(pending::reconcile_all(&with_version, uuids)?);
        Ok(report)
    }

    /// Retires a version: deletes every document (and companion) stored for it, after writing
    /// the live versions of those stored nowhere else (see [`Worker::purge_report`]). A
    /// document whose JSON cannot be read, or that could not be carried to the live versions,
    /// is an error naming it, after every other one is deleted; see [`Worker::purge_report`]
    /// to have them listed instead.
    pub fn purge(&self, version: u32) -> Result<usize, StoreError> {
        let purged = self.purge_report(version)?;
        if let Some(bad) = purged.unreadable.into_iter().next() {
            return Err(StoreError::Corrupt {
                url: self.store.url(),
                id: Some(bad.id),
                detail: bad.reason,
            });
        }
        match purged.kept.into_iter().next() {
            Some(kept) => Err(StoreError::Protocol {
                url: self.store.url(),
                id: Some(kept.id),
                detail: format!("not purged: {}", kept.error),
            }),
            None => Ok(purged.deleted),
        }
    }

    /// [`Worker::purge`], listing the documents it had to leave: those whose JSON cannot be
    /// read (whether they are of `version` cannot be told from an unread body, but the id says
    /// it: only those are listed), and those stored only at `version` (at no live version) that
    /// could not be carried to the live versions first. Purging a version never deletes the
    /// last copy of a document.
    pub fn purge_report(&self, version: u32) -> Result<Purged, StoreError> {
        let mut purged = Purged::default();
        let kept = self.carry_to_live(version, &mut purged)?;
        let mut uuids = Vec::new();
        let mut after: Option<String> = None;
        loop {
            let page = self.store.all_docs_page(after.as_deref(), 500)?;
            let Some(last) = page.last_id() else { break };
            after = Some(last.to_owned());
            let of_version = |id: &str| self.subject(id).is_some_and(|(v, _)| v == version);
            let kept_here = |id: &str| {
                self.subject(id)
                    .is_some_and(|(_, uuid)| kept.contains(&uuid))
            };
            let doomed: Vec<Doc> = page
                .docs
                .iter()
                .filter(|d| of_version(&d.id) && !kept_here(&d.id))
                .map(Doc::deletion)
                .collect();
            let unreadable = page.unreadable.into_iter();
            purged
                .unreadable
                .extend(unreadable.filter(|bad| of_version(&bad.id)));
            uuids.extend(doomed.iter().filter_map(|d| {
                let vid = VersionedId::parse(&d.id)?;
                (vid.schema == self.family.schema_name()).then_some(vid.uuid)
            }));
            if !doomed.is_empty() {
                purged.deleted += self
                    .store
                    .bulk_write(&doomed)?
                    .iter()
                    .filter(|o| matches!(o, WriteOutcome::Written { .. }))
                    .count();
            }
        }
        // The version is retired, not the documents deleted: its copies leave the ancestors.
        ancestor::forget_version(self, &uuids, version)?;
        Ok(purged)
    }

    /// Writes the live versions of every logical document stored at `version` and at no live
    /// version, so that purging `version` deletes no last copy. Answers the uuids that could not
    /// be carried (listed in `purged.kept` unless their JSON cannot be read: the purge lists
    /// those).
    fn carry_to_live(
        &self,
        version: u32,
        purged: &mut Purged,
    ) -> Result<BTreeSet<String>, StoreError> {
        let live = self.live();
        let stranded = |inventory: BTreeMap<String, Vec<u32>>| -> BTreeSet<String> {
            inventory
                .into_iter()
                .filter(|(_, versions)| {
                    versions.contains(&version) && !versions.iter().any(|v| live.contains(v))
                })
                .map(|(uuid, _)| uuid)
                .collect()
        };
        let only_here = stranded(self.inventory()?);
        if only_here.is_empty() || live.is_empty() {
            return Ok(only_here);
        }
        let with_version = Worker {
            store: self.store,
            family: self.family,
            options: Options {
                live: live.iter().copied().chain([version]).collect(),
                ..self.options.clone()
            },
        };
        let tally = pending::reconcile_all(&with_version, only_here.clone())?;
        let kept = stranded(self.inventory()?);
        purged.carried = only_here.difference(&kept).count();
        let unreadable_ids: BTreeSet<String> = self.unreadable_ids()?;
        for uuid in &kept {
            let id = versioned_id(self.family.schema_name(), version, uuid);
            if unreadable_ids.contains(&id) {
                continue;
            }
            let why = (tally.failed.iter().chain(&tally.waiting))
                .find(|f| f.id == id)
                .map_or_else(
                    || "no live version could be written".to_owned(),
                    |f| f.error.clone(),
                );
            purged.kept.push(MigrationFailure {
                id,
                error: format!(
                    "stored only at version {version} and not carried to the live versions \
                     ({why}): not purged, so that its last copy is not deleted"
                ),
            });
        }
        Ok(kept)
    }

    /// The ids of the documents whose JSON cannot be read.
    fn unreadable_ids(&self) -> Result<BTreeSet<String>, StoreError> {
        let mut ids = BTreeSet::new();
        let mut after: Option<String> = None;
        loop {
            let page = self.store.all_docs_page(after.as_deref(), 500)?;
            let Some(last) = page.last_id() else { break };
            after = Some(last.to_owned());
            ids.extend(page.unreadable.into_iter().map(|u| u.id));
        }
        Ok(ids)
    }

    /// Every logical document of the family and the versions it is stored at.
    pub fn inventory(&self) -> Result<BTreeMap<String, Vec<u32>>, StoreError> {
        let mut out: BTreeMap<String, Vec<u32>> = BTreeMap::new();
        let mut after: Option<String> = None;
        loop {
            // Ids only: an unreadable document is listed too (reading it reports it).
            let page = self.store.all_docs_page(after.as_deref(), 500)?;
            let Some(last) = page.last_id() else { break };
            after = Some(last.to_owned());
            let ids = page.docs.iter().map(|d| &d.id);
            for id in ids.chain(page.unreadable.iter().map(|u| &u.id)) {
                if let Some(vid) = VersionedId::parse(id)
                    && vid.schema == self.family.schema_name()
                {
                    out.entry(vid.uuid).or_default().push(vid.version);
                }
            }
        }
        Ok(out)
    }
}

/// The Mango selector of the replication filter for clients at `client_version`: everything
/// except the family's documents of older versions (newer ones do replicate: an older client
/// ignores what it cannot read and keeps it intact).
pub fn replication_selector(
    family: &dyn Family,
    schema_field: &str,
    version_field: &str,
    client_version: u32,
) -> Value {
    json!({
        "$nor": [
            { schema_field: family.schema_name(), version_field: { "$lt": client_version } }
        ]
    })
}

/// The "supported versions" document a client reads to learn whether it must update: the id is
/// `docver-supported-versions:<family>`, the body lists the live versions. A client whose
/// version is below `oldest` must update before it syncs.
pub fn supported_versions(family: &dyn Family, live: &[u32]) -> Doc {
    let mut live = live.to_vec();
    live.sort_unstable();
    Doc::new(
        format!("docver-supported-versions:{}", family.schema_name()),
        json!({
            "schema": "docver-supported-versions",
            "version": 1,
            "family": family.schema_name(),
            "live": live,
            "oldest": live.first(),
            "latest": live.last(),
        }),
    )
}
