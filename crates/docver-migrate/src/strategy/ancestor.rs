//! The ancestor of a logical document's version copies: what the multi-version strategies
//! remember after reconciling it ([`reconcile`](super::reconcile)), so that the next time each
//! copy's edits are told apart from the others' and merged against what they last agreed on.
//!
//! One `_local` document per logical document (`_local/docver-ancestor-<family>-<uuid>`) in
//! the store holding the newest live version: `_local` because it is neither replicated to
//! clients nor in `_changes` (no echo), and one document per logical document so that one
//! write records what all copies agreed on: a crash never leaves the versions' ancestors out of
//! step with each other. It holds the form each live version copy was left in, the merged
//! form at the newest version (the hub), and after a delete the tombstone (with the copies'
//! last forms, so that a stale copy pushed back later is recognised).

use std::collections::BTreeMap;

use docver::DocumentSet;
use serde_json::{Map, Value, json};

use super::reconcile::Layout;
use crate::store::StoreError;

/// The remembered state of one logical document.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Ancestor {
    pub deleted: bool,
    pub hub_version: u32,
    /// The merged form at `hub_version` (absent for a tombstone).
    pub hub: Option<Value>,
    /// What each version copy was left as.
    pub copies: BTreeMap<u32, Value>,
}

fn ancestor_id(family: &str, uuid: &str) -> String {
    format!("docver-ancestor-{family}-{uuid}")
}

impl Ancestor {
    pub(crate) fn load(layout: &dyn Layout, uuid: &str) -> Result<Option<Ancestor>, StoreError> {
        let id = ancestor_id(layout.family().schema_name(), uuid);
        let Some(stored) = layout.ledger().get_local(&id)? else {
            return Ok(None);
        };
        let copies = stored
            .get("copies")
            .and_then(Value::as_object)
            .map(|copies| {
                copies
                    .iter()
                    .filter_map(|(v, set)| Some((v.parse().ok()?, set.clone())))
                    .collect()
            })
            .unwrap_or_default();
        Ok(Some(Ancestor {
            deleted: stored.get("deleted") == Some(&Value::Bool(true)),
            hub_version: stored
                .get("hub_version")
                .and_then(Value::as_u64)
                .unwrap_or(0) as u32,
            hub: stored.get("hub").filter(|h| !h.is_null()).cloned(),
            copies,
        }))
    }

    pub(crate) fn save(&self, layout: &dyn Layout, uuid: &str) -> Result<(), StoreError> {
        let copies: Map<String, Value> = self
            .copies
            .iter()
            .map(|(v, set)| (v.to_string(), set.clone()))
            .collect();
        let value = json!({
            "deleted": self.deleted,
            "hub_version": self.hub_version,
            "hub": self.hub,
            "copies": copies,
        });
        let id = ancestor_id(layout.family().schema_name(), uuid);
        layout.ledger().put_local(&id, &value)
    }
}

/// Forgets the version-`version` copies of every ancestor in `uuids` (the version is retired:
/// its copies going away is not a delete).
pub(crate) fn forget_version(
    layout: &dyn Layout,
    uuids: &[String],
    version: u32,
) -> Result<(), StoreError> {
    for uuid in uuids {
        if let Some(mut ancestor) = Ancestor::load(layout, uuid)?
            && ancestor.copies.remove(&version).is_some()
        {
            ancestor.save(layout, uuid)?;
        }
    }
    Ok(())
}

/// A document set as one JSON value (`{"main": …, "parts": {…}}`), the form merged and
/// remembered: conflicts in companions then have paths like any other.
pub(crate) fn set_value(set: &DocumentSet) -> Value {
    json!({ "main": set.main, "parts": set.parts })
}

pub(crate) fn set_from(uuid: &str, value: &Value) -> DocumentSet {
    let parts = value
        .get("parts")
        .and_then(Value::as_object)
        .map(|parts| parts.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        .unwrap_or_default();
    DocumentSet {
        id: Some(uuid.to_owned()),
        main: value.get("main").cloned().unwrap_or(Value::Null),
        parts,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_set_survives_its_json_form() {
        let set = DocumentSet {
            id: Some("u".into()),
            main: json!({"title": "a"}),
            parts: BTreeMap::from([("s".to_owned(), json!({"status": "open"}))]),
        };
        assert_eq!(set_from("u", &set_value(&set)), set);
    }
}
