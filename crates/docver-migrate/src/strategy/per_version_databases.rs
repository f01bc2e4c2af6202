//! A database per version (`todos_v1`, `todos_v2`, …) with bi-directional server-side
//! migrations: a sync worker follows each database's `_changes` and writes the migrated
//! document (up or down) into every other version's database.
//!
//! No echo loops: what the worker writes into another database, propagated back, reproduces
//! what is already stored, and equal documents are never rewritten. Each database keeps its
//! own checkpoint (`_local/docver-sync-<family>`), so a restarted worker resumes.
//!
//! The seed's caveats: every document is stored once per version (no deduplication), and
//! clients must be pointed at the database of their version.

use std::collections::BTreeMap;
use std::time::Duration;

use docver::{DocumentSet, Family};
use serde_json::{Value, json};

use super::engine::{self, Membership, MigrationFailure};
use crate::store::{Store, StoreError};

/// What one sync pass did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Report {
    pub changes_seen: usize,
    pub written: usize,
    pub failed: Vec<MigrationFailure>,
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

impl Databases<'_> {
    fn checkpoint_id(&self) -> String {
        format!("docver-sync-{}", self.family.schema_name())
    }

    fn load(
        &self,
        store: &dyn Store,
        version: u32,
        id: &str,
    ) -> Result<Option<DocumentSet>, StoreError> {
        let Some(main) = store.get(id)? else {
            return Ok(None);
        };
        let mut parts = BTreeMap::new();
        for schema in self.family.part_schemas(version) {
            if let Some(part) = store.get(&engine::part_id(&schema, id))? {
                parts.insert(schema, part.body);
            }
        }
        Ok(Some(DocumentSet {
            id: Some(id.to_owned()),
            main: main.body,
            parts,
        }))
    }

    /// Processes every database's pending changes once.
    pub fn sync_once(&self) -> Result<Report, StoreError> {
        let mut report = Report::default();
        for (&version, &store) in &self.by_version {
            let since = store
                .get_local(&self.checkpoint_id())?
                .and_then(|c| c.get("since").and_then(Value::as_str).map(str::to_owned))
                .unwrap_or_else(|| "0".to_owned());
            let page = store.changes(&since, 10_000, None)?;
            for change in &page.changes {
                let Some(doc) = &change.doc else { continue };
                if change.deleted || !self.membership.contains(self.family, doc) {
                    continue;
                }
                report.changes_seen += 1;
                if self.family.version_of(&doc.body).ok() != Some(version) {
                    report.failed.push(MigrationFailure {
                        id: doc.id.clone(),
                        error: format!(
                            "found in the version {version} database but tagged otherwise"
                        ),
                    });
                    continue;
                }
                let Some(source) = self.load(store, version, &doc.id)? else {
                    continue;
                };
                for (&target, &target_store) in &self.by_version {
                    if target == version {
                        continue;
                    }
                    let stored = self.load(target_store, target, &doc.id)?;
                    match engine::propagate(self.family, &source, target, stored.as_ref()) {
                        Ok(output) => report.written += write_form(target_store, &doc.id, &output)?,
                        Err(e) => report.failed.push(MigrationFailure {
                            id: doc.id.clone(),
                            error: e.to_string(),
                        }),
                    }
                }
            }
            store.put_local(&self.checkpoint_id(), &json!({ "since": page.last_seq }))?;
        }
        Ok(report)
    }

    /// Syncs until a pass writes nothing (or `max_passes`), polling `pause` apart.
    pub fn sync_until_quiet(
        &self,
        max_passes: usize,
        pause: Duration,
    ) -> Result<Report, StoreError> {
        let mut total = Report::default();
        for _ in 0..max_passes {
            let pass = self.sync_once()?;
            total.changes_seen += pass.changes_seen;
            total.written += pass.written;
            total.failed.extend(pass.failed);
            if pass.written == 0 {
                break;
            }
            std::thread::sleep(pause);
        }
        Ok(total)
    }
}

fn write_form(store: &dyn Store, id: &str, form: &DocumentSet) -> Result<usize, StoreError> {
    let mut writes: Vec<(String, Value)> = form
        .parts
        .iter()
        .map(|(schema, body)| (engine::part_id(schema, id), body.clone()))
        .collect();
    writes.push((id.to_owned(), form.main.clone()));
    engine::write_if_changed(store, writes)
}
