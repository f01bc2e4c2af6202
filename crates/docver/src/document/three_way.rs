//! The three-way merge of two edits of one JSON document against their common ancestor: what
//! write-back (an old app's edit over a newer document) and the multi-version strategies (two
//! replicas edited concurrently) both need, so that an edit is lost only where both sides
//! changed the same value differently, and then never silently.
//!
//! Objects merge key by key, recursively, so an edit deep inside one side's object survives an
//! edit elsewhere on the other side, and fields neither side knows about stay. Arrays are merged
//! as whole values: their elements have no identity to match by (an index is not one once
//! elements are inserted or removed), so two different changes to one array are a conflict.

use serde_json::{Map, Value};

use crate::pointer;

/// Which side a conflict is resolved to, so that the result is deterministic and documented.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prefer {
    /// Keep `ours` where both sides changed the same value differently.
    Ours,
    /// Keep `theirs` where both sides changed the same value differently.
    Theirs,
}

/// A value both sides changed differently since their common ancestor.
#[derive(Debug, Clone, PartialEq)]
pub struct Conflict {
    /// Where, as a JSON pointer into the document (`""` is the whole document).
    pub path: String,
    /// The ancestor's value (`None`: absent).
    pub base: Option<Value>,
    /// Our value (`None`: removed or absent).
    pub ours: Option<Value>,
    /// Their value (`None`: removed or absent).
    pub theirs: Option<Value>,
}

/// The result of [`merge3`]: the merged document and every conflict met on the way.
#[derive(Debug, Clone, PartialEq)]
pub struct Merged {
    /// The merged value (`None`: both sides agree the value is absent, or the conflict was
    /// resolved to a side where it is absent).
    pub value: Option<Value>,
    /// Every value both sides changed differently, in document order, with how it was resolved
    /// given by the [`Prefer`] passed in.
    pub conflicts: Vec<Conflict>,
}

/// Merges `ours` and `theirs`, two descendants of `base`, keeping every change either side made.
///
/// `None` stands for an absent value (a removed field, or no ancestor at all: then every value
/// both sides hold differently is a conflict, and objects still merge key by key). Where both
/// sides changed one value differently, `prefer` decides and the conflict is recorded.
pub fn merge3(
    base: Option<&Value>,
    ours: Option<&Value>,
    theirs: Option<&Value>,
    prefer: Prefer,
) -> Merged {
    let mut conflicts = Vec::new();
    let value = merge_at("", base, ours, theirs, prefer, &mut conflicts);
    Merged { value, conflicts }
}

fn merge_at(
    path: &str,
    base: Option<&Value>,
    ours: Option<&Value>,
    theirs: Option<&Value>,
    prefer: Prefer,
    conflicts: &mut Vec<Conflict>,
) -> Option<Value> {
    if ours == theirs {
        return ours.cloned();
    }
    if ours == base {
        return theirs.cloned();
    }
    if theirs == base {
        return ours.cloned();
    }
    if let (Some(Value::Object(ours_map)), Some(Value::Object(theirs_map))) = (ours, theirs) {
        let base_map = match base {
            Some(Value::Object(map)) => Some(map),
            _ => None,
        };
        let merged = merge_objects(path, base_map, ours_map, theirs_map, prefer, conflicts);
        return Some(Value::Object(merged));
    }
    conflicts.push(Conflict {
        path: path.to_owned(),
        base: base.cloned(),
        ours: ours.cloned(),
        theirs: theirs.cloned(),
    });
    match prefer {
        Prefer::Ours => ours.cloned(),
        Prefer::Theirs => theirs.cloned(),
    }
}

/// Key by key, in `ours`' order followed by the keys only `theirs` has, in theirs' order.
fn merge_objects(
    path: &str,
    base: Option<&Map<String, Value>>,
    ours: &Map<String, Value>,
    theirs: &Map<String, Value>,
    prefer: Prefer,
    conflicts: &mut Vec<Conflict>,
) -> Map<String, Value> {
    let keys = ours
        .keys()
        // A key both sides removed stays removed; one removed on a side only is among the
        // other side's keys, so the ancestor's keys need no visit of their own.
        .chain(theirs.keys().filter(|key| !ours.contains_key(*key)));
    let mut merged = Map::new();
    for key in keys {
        let at = pointer::push(path, key);
        let value = merge_at(
            &at,
            base.and_then(|base| base.get(key)),
            ours.get(key),
            theirs.get(key),
            prefer,
            conflicts,
        );
        if let Some(value) = value {
            merged.insert(key.clone(), value);
        }
    }
    merged
}

/// The JSON pointers at which `a` and `b` differ, in document order: where both hold objects
/// (or arrays of one length) each key (or element) is compared on its own, anywhere else the
/// value as a whole. What a merge is checked against: the places it did not keep.
pub fn differences(a: &Value, b: &Value) -> Vec<String> {
    let mut found = Vec::new();
    differences_at("", a, b, &mut found);
    found
}

fn differences_at(path: &str, a: &Value, b: &Value, found: &mut Vec<String>) {
    if a == b {
        return;
    }
    match (a, b) {
        (Value::Object(a_map), Value::Object(b_map)) => {
            let keys = a_map
                .keys()
                .chain(b_map.keys().filter(|key| !a_map.contains_key(*key)));
            for key in keys {
                let at = pointer::push(path, key);
                match (a_map.get(key), b_map.get(key)) {
                    (Some(a), Some(b)) => differences_at(&at, a, b, found),
                    _ => found.push(at),
                }
            }
        }
        (Value::Array(a_items), Value::Array(b_items)) if a_items.len() == b_items.len() => {
            for (index, (a, b)) in a_items.iter().zip(b_items).enumerate() {
                differences_at(&pointer::push(path, &index.to_string()), a, b, found);
            }
        }
        _ => found.push(path.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn merge(base: Value, ours: Value, theirs: Value) -> Merged {
        merge3(Some(&base), Some(&ours), Some(&theirs), Prefer::Ours)
    }

    #[test]
    fn edits_of_different_fields_both_survive() {
        let merged = merge(
            json!({"title": "a", "important": false, "x": {"y": 1}}),
            json!({"title": "A", "important": false, "x": {"y": 1}}),
            json!({"title": "a", "important": true, "x": {"y": 1, "z": 2}}),
        );
        assert_eq!(
            merged.value,
            Some(json!({"title": "A", "important": true, "x": {"y": 1, "z": 2}}))
        );
        assert!(merged.conflicts.is_empty());
    }

    #[test]
    fn the_same_field_changed_differently_is_a_recorded_conflict() {
        let merged = merge(
            json!({"title": "a", "n": 1}),
            json!({"title": "A", "n": 1}),
            json!({"title": "B", "n": 2}),
        );
        assert_eq!(merged.value, Some(json!({"title": "A", "n": 2})));
        assert_eq!(
            merged.conflicts,
            vec![Conflict {
                path: "/title".into(),
                base: Some(json!("a")),
                ours: Some(json!("A")),
                theirs: Some(json!("B")),
            }]
        );
        let theirs = merge3(
            Some(&json!({"t": 1})),
            Some(&json!({"t": 2})),
            Some(&json!({"t": 3})),
            Prefer::Theirs,
        );
        assert_eq!(theirs.value, Some(json!({"t": 3})));
    }

    #[test]
    fn a_removal_survives_unless_the_other_side_edited_the_value() {
        let removed = merge(
            json!({"a": 1, "b": 2}),
            json!({"b": 2}),
            json!({"a": 1, "b": 3}),
        );
        assert_eq!(removed.value, Some(json!({"b": 3})));
        assert!(removed.conflicts.is_empty());
        let edited = merge(json!({"a": 1}), json!({}), json!({"a": 2}));
        assert_eq!(edited.value, Some(json!({})));
        assert_eq!(edited.conflicts[0].path, "/a");
        assert_eq!(edited.conflicts[0].ours, None);
    }

    #[test]
    fn arrays_are_whole_values() {
        let merged = merge(
            json!({"l": [1]}),
            json!({"l": [1, 2]}),
            json!({"l": [0, 1]}),
        );
        assert_eq!(merged.conflicts.len(), 1);
        assert_eq!(merged.conflicts[0].path, "/l");
        let one_side = merge(json!({"l": [1]}), json!({"l": [1]}), json!({"l": [0, 1]}));
        assert_eq!(one_side.value, Some(json!({"l": [0, 1]})));
    }

    #[test]
    fn without_an_ancestor_objects_still_merge_by_key() {
        let merged = merge3(
            None,
            Some(&json!({"a": 1, "same": true})),
            Some(&json!({"b": 2, "same": true})),
            Prefer::Ours,
        );
        assert_eq!(merged.value, Some(json!({"a": 1, "same": true, "b": 2})));
        assert!(merged.conflicts.is_empty());
    }

    #[test]
    fn conflict_paths_escape_keys() {
        let merged = merge(
            json!({"a/b": {"~": 0}}),
            json!({"a/b": {"~": 1}}),
            json!({"a/b": {"~": 2}}),
        );
        assert_eq!(merged.conflicts[0].path, "/a~1b/~0");
    }

    #[test]
    fn differences_name_the_innermost_places() {
        let a = json!({"a": 1, "o": {"x": 1, "y": [1, {"z": 2}]}, "l": [1], "gone": 0});
        let b = json!({"a": 1, "o": {"x": 2, "y": [1, {"z": 3}]}, "l": [1, 2], "new": 0});
        assert_eq!(
            differences(&a, &b),
            vec!["/o/x", "/o/y/1/z", "/l", "/gone", "/new"]
        );
        assert!(differences(&a, &a).is_empty());
        assert_eq!(differences(&json!(1), &json!("1")), vec![""]);
    }
}
