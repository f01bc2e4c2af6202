//! Migrating one stored document (and its companion documents) to a target version, as store
//! writes: the piece every strategy shares.

use std::collections::BTreeMap;

use docver::document::{Prefer, merge3};
use docver::{DocError, DocumentSet, Family, Loss, Parts};
use serde_json::Value;

use super::skipped::SkipReason;
use crate::store::{Doc, Store, StoreError};

/// Which stored documents belong to the family.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Membership {
    /// The top-level field naming the document type (`schema`).
    pub schema_field: String,
    /// Documents with no type tag at all count as the family's base version even if the family
    /// declares none (they then fail, by id, as untagged). A family that declares `base` reads
    /// untagged documents as that version without it.
    pub untagged_as_base: bool,
}

impl Default for Membership {
    fn default() -> Self {
        Membership {
            schema_field: "schema".to_owned(),
            untagged_as_base: false,
        }
    }
}

/// Where a stored document stands for a command on one family.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Belonging {
    /// One of the family's documents.
    Member,
    /// Handled with a member (a companion document) or not a document (a tombstone, a design
    /// document): never counted.
    Internal,
    /// Left alone, for this reason (counted and named by the command).
    Outside(SkipReason),
}

impl Membership {
    pub fn contains(&self, family: &dyn Family, doc: &Doc) -> bool {
        self.classify(family, doc) == Belonging::Member
    }

    /// Whether `doc` is the family's, and if not, why it is left alone.
    pub fn classify(&self, family: &dyn Family, doc: &Doc) -> Belonging {
        if doc.deleted || doc.id.starts_with("_design/") {
            return Belonging::Internal;
        }
        match doc.body.get(&self.schema_field) {
            Some(tag) if tag.as_str() == Some(family.schema_name()) => Belonging::Member,
            Some(tag) if tag.as_str().is_some_and(|t| is_part_schema(family, t)) => {
                Belonging::Internal
            }
            Some(_) => Belonging::Outside(SkipReason::OtherFamily),
            // An untagged document with a `<schema>:<uuid>` id is a companion or another
            // family's; any other is read as the base version when the family has one.
            None if doc.id.contains(':') => Belonging::Outside(SkipReason::OtherFamily),
            None if self.untagged_as_base || base_version(family).is_some() => Belonging::Member,
            None => Belonging::Outside(SkipReason::Untagged),
        }
    }
}

/// The version the family reads an untagged document as (its declared `base`), if any.
pub fn base_version(family: &dyn Family) -> Option<u32> {
    family
        .version_of(&Value::Object(serde_json::Map::new()))
        .ok()
}

/// Whether `schema` names one of the family's companion documents (at any version).
fn is_part_schema(family: &dyn Family, schema: &str) -> bool {
    family
        .versions()
        .iter()
        .any(|&v| family.part_schemas(v).iter().any(|p| p == schema))
}

/// A document that could not be migrated: reported with its id and left untouched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationFailure {
    pub id: String,
    pub error: String,
}

/// The store writes that take one document to the target version.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct WritePlan {
    /// Companion documents to create or update (written first: a crash after them leaves the
    /// main document unmigrated, and the re-run rewrites the same companions).
    pub parts: Vec<Doc>,
    /// The main document, or `None` if it is already at the target.
    pub main: Option<Doc>,
    /// Companion documents the target version no longer has (deleted last).
    pub obsolete: Vec<Doc>,
    /// The version the document was at.
    pub from: u32,
    /// The main document's body after migration (for dry runs and samples).
    pub after: Option<Value>,
    /// What the migration cannot keep (a downgrade whose target cannot represent a value).
    pub loss: Loss,
}

/// The id of a companion document: `<schema>:<uuid>`, as [`Parts::part_id`] builds it.
pub fn part_id(schema: &str, id: &str) -> String {
    Parts::new(Some(id.to_owned()))
        .part_id(schema)
        .unwrap_or_default()
}

/// Strips what the store keeps outside the body.
pub(crate) fn body_of(mut value: Value) -> Value {
    if let Some(object) = value.as_object_mut() {
        object.remove("_id");
        object.remove("_rev");
        object.remove("_deleted");
    }
    value
}

/// Plans the migration of `doc` to `target`, reading its companion documents from `store`.
pub fn plan(
    store: &dyn Store,
    family: &dyn Family,
    doc: &Doc,
    target: u32,
) -> Result<Result<WritePlan, DocError>, StoreError> {
    let from = match family.version_of(&doc.body) {
        Ok(v) => v,
        Err(e) => return Ok(Err(e)),
    };
    if from == target {
        return Ok(Ok(WritePlan {
            from,
            ..WritePlan::default()
        }));
    }
    let existing = stored_parts(store, family, &doc.id, &[from, target])?;
    let set = DocumentSet {
        id: Some(doc.id.clone()),
        main: doc.body.clone(),
        parts: parts_at(family, from, &existing),
    };
    let migrated = match family.migrate(set.clone(), target) {
        Ok(m) => m,
        Err(e) => return Ok(Err(e)),
    };
    let loss = match migrated.loss {
        Loss::Lossy { .. } if round_trips(family, &migrated.docs, from, &set) => Loss::Lossless,
        loss => loss,
    };
    Ok(Ok(WritePlan {
        from,
        loss,
        ..writes(doc, existing, migrated.docs)
    }))
}

/// The companion documents of document `id` that the family has at any of `versions`, as
/// stored (`None`: not there).
pub(crate) fn stored_parts(
    store: &dyn Store,
    family: &dyn Family,
    id: &str,
    versions: &[u32],
) -> Result<BTreeMap<String, Option<Doc>>, StoreError> {
    let mut existing = BTreeMap::new();
    for &version in versions {
        for schema in family.part_schemas(version) {
            if let std::collections::btree_map::Entry::Vacant(slot) = existing.entry(schema) {
                let stored = store.get(&part_id(slot.key(), id))?;
                slot.insert(stored);
            }
        }
    }
    Ok(existing)
}

/// The bodies of those of `existing` that the family has at `version`.
pub(crate) fn parts_at(
    family: &dyn Family,
    version: u32,
    existing: &BTreeMap<String, Option<Doc>>,
) -> BTreeMap<String, Value> {
    family
        .part_schemas(version)
        .into_iter()
        .filter_map(|schema| {
            let body = existing.get(&schema)?.as_ref()?.body.clone();
            Some((schema, body))
        })
        .collect()
}

/// The writes that replace `doc` (and its `existing` companions) with `set`: changed and new
/// companions, the main document, and the companions `set` no longer has, deleted.
pub(crate) fn writes(
    doc: &Doc,
    mut existing: BTreeMap<String, Option<Doc>>,
    set: DocumentSet,
) -> WritePlan {
    let mut plan = WritePlan::default();
    for (schema, body) in set.parts {
        let body = body_of(body);
        let id = part_id(&schema, &doc.id);
        match existing.remove(&schema).flatten() {
            Some(current) if current.body == body => {}
            Some(current) => plan.parts.push(current.updated(body)),
            None => plan.parts.push(Doc::new(id, body)),
        }
    }
    for current in existing.into_values().flatten() {
        plan.obsolete.push(current.deletion());
    }
    let main = body_of(set.main);
    plan.after = Some(main.clone());
    plan.main = Some(doc.updated(main));
    plan
}

/// Whether migrating `migrated` back to `from` gives `original` again: a step that may lose data
/// (the family's [`Loss`] is per step: `blocked` and `open` both become `false`) lost none of
/// this document's (`completed` → `true` → `completed`).
fn round_trips(
    family: &dyn Family,
    migrated: &DocumentSet,
    from: u32,
    original: &DocumentSet,
) -> bool {
    let Ok(back) = family.migrate(migrated.clone(), from) else {
        return false;
    };
    let strip = |parts: &BTreeMap<String, Value>| -> BTreeMap<String, Value> {
        parts
            .iter()
            .map(|(schema, body)| (schema.clone(), body_of(body.clone())))
            .collect()
    };
    body_of(back.docs.main) == body_of(original.main.clone())
        && strip(&back.docs.parts) == strip(&original.parts)
}

/// The version-`target` form of a document whose version-`source.version` form just changed,
/// given what is stored at `target` now.
///
/// Deterministic (same inputs, byte-identical output), so two workers or a re-run agree, and
/// built so that propagating the result back reproduces what is stored: a newer source is
/// downgraded; an older source is an edit of the stored form's older view, carried up as
/// write-back carries an old app's edit (`docver::document::merge3` with the stored form's
/// round trip through the source's version as the ancestor). So an edit of a field a later
/// version renamed, moved or converted lands in that field, and everything the edit did not
/// change (fields the older version does not know, companions) stays as stored.
pub fn propagate(
    family: &dyn Family,
    source: &DocumentSet,
    target: u32,
    stored_target: Option<&DocumentSet>,
) -> Result<DocumentSet, DocError> {
    let from = family.version_of(&source.main)?;
    let migrated = family.migrate(source.clone(), target)?.docs;
    let Some(stored) = stored_target else {
        return Ok(migrated);
    };
    if from >= target {
        return Ok(migrated);
    }
    // The older source is an edit of what the newer stored form looked like at its version.
    let before = family.migrate(stored.clone(), from)?.docs;
    if before.main == source.main && before.parts == source.parts {
        // Nothing was edited: this is the stored form coming back (an echo).
        return Ok(stored.clone());
    }
    // What the unedited view means at `target`: the ancestor of the stored form and the edit.
    let ancestor = family.migrate(before, target)?.docs;
    let merge = |base: Option<&Value>, stored: Option<&Value>, edited: Option<&Value>| {
        merge3(base, stored, edited, Prefer::Theirs).value
    };
    let main = merge(
        Some(&ancestor.main),
        Some(&stored.main),
        Some(&migrated.main),
    )
    .unwrap_or_else(|| stored.main.clone());
    let mut parts = BTreeMap::new();
    for schema in stored.parts.keys().chain(migrated.parts.keys()) {
        let (base, ours) = (ancestor.parts.get(schema), stored.parts.get(schema));
        if let Some(merged) = merge(base, ours, migrated.parts.get(schema)) {
            parts.insert(schema.clone(), merged);
        }
    }
    Ok(DocumentSet {
        id: source.id.clone(),
        main,
        parts,
    })
}

#[cfg(test)]
mod tests {
    use docver::{DocError, DocumentSet, Family, Migrated};
    use serde_json::{Value, json};

    use super::{Belonging, Membership, SkipReason, base_version};
    use crate::store::Doc;

    /// A one-version family whose untagged documents are read as `base` (if any).
    struct Notes {
        base: Option<u32>,
    }

    impl Family for Notes {
        fn schema_name(&self) -> &str {
            "note"
        }
        fn versions(&self) -> &[u32] {
            &[1]
        }
        fn part_schemas(&self, _: u32) -> Vec<String> {
            vec!["note-body".to_owned()]
        }
        fn version_of(&self, doc: &Value) -> Result<u32, DocError> {
            match doc.get("version").and_then(Value::as_u64) {
                Some(v) => Ok(v as u32),
                None => self.base.ok_or_else(|| DocError::MissingTag {
                    id: None,
                    schema: "note".to_owned(),
                    field: "version".to_owned(),
                }),
            }
        }
        fn migrate(&self, docs: DocumentSet, target: u32) -> Result<Migrated, DocError> {
            Ok(Migrated {
                version: target,
                docs,
                loss: docver::Loss::Lossless,
            })
        }
    }

    /// Two versions: v2 renames v1's `name` to `full_name`.
    struct Renamed;

    impl Family for Renamed {
        fn schema_name(&self) -> &str {
            "person"
        }
        fn versions(&self) -> &[u32] {
            &[1, 2]
        }
        fn part_schemas(&self, _: u32) -> Vec<String> {
            Vec::new()
        }
        fn version_of(&self, doc: &Value) -> Result<u32, DocError> {
            Ok(doc["version"].as_u64().unwrap_or(1) as u32)
        }
        fn migrate(&self, mut docs: DocumentSet, target: u32) -> Result<Migrated, DocError> {
            let (from, to) = if target == 2 {
                ("name", "full_name")
            } else {
                ("full_name", "name")
            };
            let main = docs.main.as_object_mut().expect("an object");
            if let Some(value) = main.shift_remove(from) {
                main.insert(to.to_owned(), value);
            }
            main.insert("version".to_owned(), json!(target));
            Ok(Migrated {
                version: target,
                docs,
                loss: docver::Loss::Lossless,
            })
        }
    }

    #[test]
    fn an_older_copys_edit_of_a_renamed_field_lands_in_the_newer_field() {
        let stored = DocumentSet::single(
            Some("p1".into()),
            json!({"version": 2, "full_name": "Ana", "x_crm": 7}),
        );
        let edited = DocumentSet::single(
            Some("p1".into()),
            json!({"version": 1, "name": "Ana L.", "x_crm": 7}),
        );
        let propagated = super::propagate(&Renamed, &edited, 2, Some(&stored)).unwrap();
        assert_eq!(
            propagated.main,
            json!({"version": 2, "full_name": "Ana L.", "x_crm": 7})
        );
        let echo = DocumentSet::single(
            Some("p1".into()),
            json!({"version": 1, "name": "Ana", "x_crm": 7}),
        );
        assert_eq!(
            super::propagate(&Renamed, &echo, 2, Some(&stored)).unwrap(),
            stored
        );
    }

    #[test]
    fn untagged_documents_follow_the_familys_base_and_are_named_without_one() {
        let untagged = Doc::new("n1", json!({"text": "hi"}));
        let other = Doc::new("c1", json!({"schema": "contact"}));
        let part = Doc::new("note-body:n1", json!({"schema": "note-body"}));
        let membership = Membership::default();
        let with_base = Notes { base: Some(1) };
        assert_eq!(base_version(&with_base), Some(1));
        assert_eq!(
            membership.classify(&with_base, &untagged),
            Belonging::Member
        );
        let without = Notes { base: None };
        assert_eq!(base_version(&without), None);
        assert_eq!(
            membership.classify(&without, &untagged),
            Belonging::Outside(SkipReason::Untagged)
        );
        for family in [&with_base, &without] {
            assert_eq!(
                membership.classify(family, &other),
                Belonging::Outside(SkipReason::OtherFamily)
            );
            assert_eq!(membership.classify(family, &part), Belonging::Internal);
        }
        let claimed = Membership {
            untagged_as_base: true,
            ..Membership::default()
        };
        assert_eq!(claimed.classify(&without, &untagged), Belonging::Member);
    }
}
