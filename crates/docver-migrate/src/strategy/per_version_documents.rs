//! Multiple versions in one database (the seed's favourite; its authors later called it an
//! "eager, server-side, multi-version migration").
//!
//! Each logical document is stored once per live major version, under ids like
//! `todo-item@2:<uuid>`, each with its `schema`/`version` tag. Companion documents of a split
//! version are stored as `<part-schema>@<version>:<uuid>` (`todo-status@4:<uuid>`: the status
//! of the v4 form). References between documents use the raw uuid.
//!
//! A [`Worker`] follows `_changes` and runs one transformer per target version. Transformers
//! are target-oriented: for a uuid they gather every input (the changed version's main
//! document and its companions), so a split document whose parts arrive in any order yields
//! the right output once all are there; until then the target is left as it is. Outputs are
//! deterministic and a document already equal to its target form is never rewritten, so two
//! workers or a re-run never create conflicting revisions and nothing loops.
//!
//! Replication to clients is filtered per client version ([`replication_selector`]): newer
//! documents replicate to older clients, older documents don't replicate to newer ones. A
//! client learns which versions are still served from the [`supported_versions`] document.

use std::collections::BTreeMap;
use std::time::Duration;

use docver::{DocumentSet, Family, VersionedId};
use serde_json::{Value, json};

use super::engine::{self, MigrationFailure};
use crate::store::{Doc, FeedEntry, Store, StoreError, Unreadable, WriteOutcome, follow};

/// A document whose JSON cannot be read, as a failure of that document.
fn unreadable_failure(bad: Unreadable) -> MigrationFailure {
    MigrationFailure {
        id: bad.id,
        error: bad.reason,
    }
}

/// The id of `schema`'s document for `uuid` at family version `version`.
pub fn versioned_id(schema: &str, version: u32, uuid: &str) -> String {
    VersionedId::new(schema, version, uuid).to_string()
}

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
    /// Targets whose inputs are not all there yet (a split document's part is missing).
    pub waiting: Vec<MigrationFailure>,
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

impl<'a> Worker<'a> {
    pub fn new(store: &'a dyn Store, family: &'a dyn Family, options: Options) -> Self {
        Worker {
            store,
            family,
            options,
        }
    }

    fn checkpoint_id(&self) -> String {
        format!("docver-versions-worker-{}", self.family.schema_name())
    }

    /// Follows `_changes` from the stored checkpoint until idle, transforming every changed
    /// document into every other live version. Resumes where the last run stopped.
    pub fn run(&self) -> Result<Report, StoreError> {
        let since = self
            .store
            .get_local(&self.checkpoint_id())?
            .and_then(|c| c.get("since").and_then(Value::as_str).map(str::to_owned))
            .unwrap_or_else(|| "0".to_owned());
        let mut report = Report::default();
        let mut error = None;
        let last = follow(
            self.store,
            &since,
            |change| {
                report.changes_seen += 1;
                match self.on_change(change, &mut report) {
                    Ok(()) => true,
                    // A document that cannot be read fails alone; the worker goes on.
                    Err(e) => match e.unreadable_doc() {
                        Some(bad) => {
                            report.failed.push(unreadable_failure(bad));
                            true
                        }
                        None => {
                            error = Some(e);
                            false
                        }
                    },
                }
            },
            self.options.idle_timeout,
        )?;
        if let Some(e) = error {
            return Err(e);
        }
        self.store
            .put_local(&self.checkpoint_id(), &json!({ "since": last }))?;
        report.last_seq = last;
        Ok(report)
    }

    /// The uuid and family version a changed document is about, if it is the family's main
    /// document or one of its companions.
    fn subject(&self, id: &str) -> Option<(u32, String)> {
        let vid = VersionedId::parse(id)?;
        let ours = vid.schema == self.family.schema_name()
            || self.family.part_schemas(vid.version).contains(&vid.schema);
        ours.then_some((vid.version, vid.uuid))
    }

    fn on_change(&self, change: &FeedEntry, report: &mut Report) -> Result<(), StoreError> {
        if change.deleted {
            return Ok(());
        }
        let Some((version, uuid)) = self.subject(&change.id) else {
            return Ok(());
        };
        if !self.options.live.contains(&version) {
            return Ok(());
        }
        self.transform(version, &uuid, report)
    }

    /// The stored form of `uuid` at `version`: its main document and companions.
    fn load(&self, version: u32, uuid: &str) -> Result<Option<(Doc, DocumentSet)>, StoreError> {
        let Some(main) = self
            .store
            .get(&versioned_id(self.family.schema_name(), version, uuid))?
        else {
            return Ok(None);
        };
        let mut parts = BTreeMap::new();
        for schema in self.family.part_schemas(version) {
            if let Some(part) = self.store.get(&versioned_id(&schema, version, uuid))? {
                parts.insert(schema, part.body);
            }
        }
        let set = DocumentSet {
            id: Some(uuid.to_owned()),
            main: main.body.clone(),
            parts,
        };
        Ok(Some((main, set)))
    }

    /// Brings every other live version of `uuid` in line with its version-`version` form.
    pub fn transform(
        &self,
        version: u32,
        uuid: &str,
        report: &mut Report,
    ) -> Result<(), StoreError> {
        let Some((_, source)) = self.load(version, uuid)? else {
            return Ok(());
        };
        let missing: Vec<String> = self
            .family
            .part_schemas(version)
            .into_iter()
            .filter(|s| !source.parts.contains_key(s))
            .collect();
        for &target in &self.options.live {
            if target == version {
                continue;
            }
            let stored = self.load(target, uuid)?;
            let output = match engine::propagate(
                self.family,
                &source,
                target,
                stored.as_ref().map(|(_, s)| s),
            ) {
                Ok(output) => output,
                Err(e) => {
                    let entry = MigrationFailure {
                        id: versioned_id(self.family.schema_name(), target, uuid),
                        error: e.to_string(),
                    };
                    if missing.is_empty() {
                        report.failed.push(entry);
                    } else {
                        report.waiting.push(entry);
                    }
                    continue;
                }
            };
            report.written += self.write_form(target, uuid, &output)?;
        }
        Ok(())
    }

    /// Writes the version-`version` form of `uuid`: companions first, then the main document;
    /// anything already equal is left alone. Returns the number of documents written.
    fn write_form(
        &self,
        version: u32,
        uuid: &str,
        form: &DocumentSet,
    ) -> Result<usize, StoreError> {
        let mut writes: Vec<(String, Value)> = form
            .parts
            .iter()
            .map(|(schema, body)| (versioned_id(schema, version, uuid), body.clone()))
            .collect();
        writes.push((
            versioned_id(self.family.schema_name(), version, uuid),
            form.main.clone(),
        ));
        engine::write_if_changed(self.store, writes)
    }

    /// Adds a version: writes the version-`version` form of every logical document, from its
    /// newest stored form.
    pub fn backfill(&self, version: u32) -> Result<Report, StoreError> {
        let mut report = Report::default();
        for (uuid, versions) in self.inventory()? {
            let Some(&source) = versions.iter().filter(|v| **v != version).max() else {
                continue;
            };
            let loaded = self
                .load(source, &uuid)
                .and_then(|set| Ok((set, self.load(version, &uuid)?)));
            let (set, stored) = match loaded {
                Ok((Some((_, set)), stored)) => (set, stored),
                Ok((None, _)) => continue,
                Err(e) => match e.unreadable_doc() {
                    Some(bad) => {
                        report.failed.push(unreadable_failure(bad));
                        continue;
                    }
                    None => return Err(e),
                },
            };
            match engine::propagate(self.family, &set, version, stored.as_ref().map(|(_, s)| s)) {
                Ok(output) => report.written += self.write_form(version, &uuid, &output)?,
                Err(e) => report.failed.push(MigrationFailure {
                    id: versioned_id(self.family.schema_name(), version, &uuid),
                    error: e.to_string(),
                }),
            }
        }
        Ok(report)
    }

    /// Retires a version: deletes every document (and companion) stored for it. A document
    /// whose JSON cannot be read is an error naming it, after every other one is deleted; see
    /// [`Worker::purge_report`] to have them listed instead.
    pub fn purge(&self, version: u32) -> Result<usize, StoreError> {
        let purged = self.purge_report(version)?;
        match purged.unreadable.into_iter().next() {
            Some(bad) => Err(StoreError::Corrupt {
                url: self.store.url(),
                id: Some(bad.id),
                detail: bad.reason,
            }),
            None => Ok(purged.deleted),
        }
    }

    /// [`Worker::purge`], listing the documents it had to leave because their JSON cannot be
    /// read (whether they are of `version` cannot be told from an unread body, but the id
    /// says it: only those are listed).
    pub fn purge_report(&self, version: u32) -> Result<Purged, StoreError> {
        let mut purged = Purged::default();
        let mut after: Option<String> = None;
        loop {
            let page = self.store.all_docs_page(after.as_deref(), 500)?;
            let Some(last) = page.last_id() else { break };
            after = Some(last.to_owned());
            let of_version = |id: &str| self.subject(id).is_some_and(|(v, _)| v == version);
            let doomed: Vec<Doc> = page
                .docs
                .iter()
                .filter(|d| of_version(&d.id))
                .map(Doc::deletion)
                .collect();
            let unreadable = page.unreadable.into_iter();
            purged
                .unreadable
                .extend(unreadable.filter(|bad| of_version(&bad.id)));
            if !doomed.is_empty() {
                purged.deleted += self
                    .store
                    .bulk_write(&doomed)?
                    .iter()
                    .filter(|o| matches!(o, WriteOutcome::Written { .. }))
                    .count();
            }
        }
        Ok(purged)
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
