//! The live strategy: no bulk rewrite. Readers use the any-version reader and writers write the
//! current version, so a document is migrated only when touched; [`stats`] reports how many
//! documents of each version remain.
//!
//! The seed's caveats: old versions never fully disappear (an untouched document stays old
//! forever), and every reader must carry the adapters for every version it may meet.

use std::collections::BTreeMap;

use docver::{DocError, DocumentSet, Family};

use super::engine::{self, Belonging, Membership};
use super::skipped::Skipped;
use crate::store::{Conflicted, Doc, Store, StoreError, Unreadable, WriteOutcome};

/// Documents of the family per version (`None`: the version tag could not be read); documents
/// whose JSON cannot be read are left out (see [`census`]).
pub fn stats(
    store: &dyn Store,
    family: &dyn Family,
    membership: &Membership,
) -> Result<BTreeMap<Option<u32>, usize>, StoreError> {
    census(store, family, membership).map(|census| census.counts)
}

/// What [`census`] found.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Census {
    /// Documents of the family per version (`None`: the version tag could not be read).
    pub counts: BTreeMap<Option<u32>, usize>,
    /// Documents whose JSON cannot be read (of this family or not: that cannot be told).
    pub unreadable: Vec<Unreadable>,
    /// Documents not counted, and why (another family's, untagged without a base version).
    pub skipped: Skipped,
    /// The family's documents (and companions) with conflicting revisions nobody merged yet
    /// (CouchDB `_conflicts`: e.g. an offline client's late edit after a migration). `counts`
    /// counts each by its winning revision only; the losing ones are counted apart.
    pub conflicted: Vec<Conflicted>,
    /// The losing revisions of `conflicted`'s main documents, per version (`None`: the version
    /// tag could not be read).
    pub conflicting_versions: BTreeMap<Option<u32>, usize>,
}

/// Counts the family's documents per version, reading past documents whose JSON cannot be read
/// (listed apart). Reads only.
pub fn census(
    store: &dyn Store,
    family: &dyn Family,
    membership: &Membership,
) -> Result<Census, StoreError> {
    let mut census = Census::default();
    let mut after: Option<String> = None;
    loop {
        let page = store.all_docs_page(after.as_deref(), 1000)?;
        let Some(last) = page.last_id() else { break };
        after = Some(last.to_owned());
        for doc in &page.docs {
            let conflicted = page.conflicted.iter().find(|c| c.id == doc.id);
            match membership.classify(family, doc) {
                Belonging::Member => {
                    *census
                        .counts
                        .entry(family.version_of(&doc.body).ok())
                        .or_default() += 1;
                    if let Some(conflicted) = conflicted {
                        for loser in store.conflicting_revisions(&doc.id)? {
                            let version = family.version_of(&loser.body).ok();
                            *census.conflicting_versions.entry(version).or_default() += 1;
                        }
                        census.conflicted.push(conflicted.clone());
                    }
                }
                Belonging::Internal => census.conflicted.extend(conflicted.cloned()),
                Belonging::Outside(reason) => census.skipped.add(reason, &doc.id),
            }
        }
        census.unreadable.extend(page.unreadable);
    }
    Ok(census)
}

/// A document read for an app at version `version`, with what it takes to write it back.
#[derive(Debug, Clone, PartialEq)]
pub struct Read {
    pub doc: Doc,
    /// The document (and companions) migrated to the reader's version.
    pub view: DocumentSet,
}

/// Reads `id` at whatever version it is stored and migrates it, in memory, to `version`.
pub fn read(
    store: &dyn Store,
    family: &dyn Family,
    id: &str,
    version: u32,
) -> Result<Option<Result<Read, DocError>>, StoreError> {
    let Some(doc) = store.get(id)? else {
        return Ok(None);
    };
    let mut parts = BTreeMap::new();
    if let Ok(stored_version) = family.version_of(&doc.body) {
        for schema in family.part_schemas(stored_version) {
            if let Some(part) = store.get(&engine::part_id(&schema, id))? {
                parts.insert(schema, part.body);
            }
        }
    }
    let set = DocumentSet {
        id: Some(id.to_owned()),
        main: doc.body.clone(),
        parts,
    };
    Ok(Some(
        family
            .migrate(set, version)
            .map(|m| Read { doc, view: m.docs }),
    ))
}

/// Writes `view` (the document and its companions, at the current version, as the app edited
/// what [`read`] returned) over the revisions read; a document someone wrote in between is
/// refused with a conflict rather than overwritten.
pub fn write_current(
    store: &dyn Store,
    family: &dyn Family,
    read: &Read,
    view: &DocumentSet,
) -> Result<Result<(), String>, StoreError> {
    if let Err(e) = family.version_of(&view.main).map(|v| {
        (v == family.latest()).then_some(()).ok_or(format!(
            "writers write the current version {}, not {v}",
            family.latest()
        ))
    }) {
        return Ok(Err(e.to_string()));
    }
    let mut writes = Vec::new();
    for (schema, body) in &view.parts {
        let id = engine::part_id(schema, &read.doc.id);
        let mut body = body.clone();
        if let Some(object) = body.as_object_mut() {
            object.remove("_id");
        }
        writes.push(match store.get(&id)? {
            Some(current) if current.body == body => continue,
            Some(current) => current.updated(body),
            None => Doc::new(id, body),
        });
    }
    writes.push(read.doc.updated(view.main.clone()));
    for outcome in store.bulk_write(&writes)? {
        match outcome {
            WriteOutcome::Written { .. } => {}
            WriteOutcome::Conflict { id } => return Ok(Err(format!("{id}: conflict"))),
            WriteOutcome::Rejected { id, reason } => return Ok(Err(format!("{id}: {reason}"))),
        }
    }
    Ok(Ok(()))
}
