//! Unknown fields inside known fields: `address.zip` in a contact read by an app whose
//! `Address` has no `zip`, an unknown key in an element of `phones`.
//!
//! The nested types are the app's own (plain serde derives), so they have no bag of their own,
//! and a version's only bag is its `unknown` map (apps build versions with struct literals, so
//! the version cannot grow a field). The reader therefore reads such a field's value as JSON,
//! reads the field's type from it and keeps what the type does not write back (the *overlay*,
//! the document minus what the type knows) in the version's unknown fields **under the field's
//! own name**; the version's writer lays the overlay back over the field as it writes it, and
//! never writes the overlay as a field of its own. An overlay moves with the unknown fields
//! through migrations: a step that renames the field moves it to the new name
//! ([`rename_overlay`]), and an operation inside the field (`in`, `map`, `hoist`, `plunge`)
//! runs on the field's JSON with the overlay laid over it, so the unknown keys move with the
//! keys beside them and the overlay is taken again afterwards.
//!
//! An object's overlay is an object of the keys the type dropped (and the overlays of the keys
//! it kept). An array's overlay is `[length, [index, element, overlay], ...]`: each element that
//! had unknown fields, with what the type wrote of it. Writing, an element takes the overlay of
//! an element read with the same known content (so elements the app reorders or removes keep
//! or lose their own unknown fields, never a neighbour's); an element the app edited takes the
//! overlay of the element at its index, but only when the array has kept its length (an edit
//! in place, not an insertion or a removal). An overlay that no longer fits (the field became
//! a string, an element is new) is dropped rather than guessed.

use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::{DeserializeOwned, DeserializeSeed, MapAccess};
use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};
use serde_json::{Map, Value};

use super::unknown::UnknownFields;

/// What `raw` holds that `known` (the field's type read from `raw`, written back) lacks, at
/// every depth; `None` when the type keeps everything.
pub fn unknown_inside(raw: &Value, known: &Value) -> Option<Value> {
    match (raw, known) {
        (Value::Object(raw), Value::Object(known)) => {
            let mut overlay = Map::new();
            for (key, raw_value) in raw {
                match known.get(key) {
                    None => {
                        overlay.insert(key.clone(), raw_value.clone());
                    }
                    Some(known_value) => {
                        if let Some(inner) = unknown_inside(raw_value, known_value) {
                            overlay.insert(key.clone(), inner);
                        }
                    }
                }
            }
            (!overlay.is_empty()).then_some(Value::Object(overlay))
        }
        (Value::Array(raw), Value::Array(known)) if raw.len() == known.len() => {
            let mut overlay = vec![Value::from(raw.len())];
            for (index, (raw_element, known_element)) in raw.iter().zip(known).enumerate() {
                if let Some(inner) = unknown_inside(raw_element, known_element) {
                    overlay.push(Value::Array(vec![
                        Value::from(index),
                        known_element.clone(),
                        inner,
                    ]));
                }
            }
            (overlay.len() > 1).then_some(Value::Array(overlay))
        }
        _ => None,
    }
}

/// Lays `overlay` (from [`unknown_inside`]) back over `out`, a field as its type writes it.
pub fn overlay_unknown(out: &mut Value, overlay: &Value) {
    match (out, overlay) {
        (Value::Object(out), Value::Object(overlay)) => {
            for (key, inner) in overlay {
                match out.get_mut(key) {
                    Some(value) => overlay_unknown(value, inner),
                    None => {
                        out.insert(key.clone(), inner.clone());
                    }
                }
            }
        }
        (Value::Array(out), Value::Array(overlay)) => overlay_elements(out, overlay),
        _ => {}
    }
}

/// An array overlay over the elements written: by equal known content first, then by index
/// when the array kept its length.
fn overlay_elements(out: &mut [Value], overlay: &[Value]) {
    let Some((read_len, records)) = overlay.split_first() else {
        return;
    };
    // (index read, element as its type wrote it, overlay)
    let records: Vec<(u64, &Value, &Value)> = records
        .iter()
        .filter_map(|r| match r.as_array()?.as_slice() {
            [index, known, inner] => Some((index.as_u64()?, known, inner)),
            _ => None,
        })
        .collect();
    let mut used = vec![false; records.len()];
    let mut placed = vec![false; out.len()];
    for (slot, element) in out.iter_mut().enumerate() {
        let found = (0..records.len()).find(|&r| !used[r] && records[r].1 == element);
        if let Some(r) = found {
            used[r] = true;
            placed[slot] = true;
            overlay_unknown(element, records[r].2);
        }
    }
    if read_len.as_u64() != Some(out.len() as u64) {
        return;
    }
    for (slot, element) in out.iter_mut().enumerate() {
        let at_index = (0..records.len()).find(|&r| records[r].0 == slot as u64);
        if let Some(r) = at_index
            && !placed[slot]
            && !used[r]
        {
            used[r] = true;
            overlay_unknown(element, records[r].2);
        }
    }
}

/// Fills the slot of a field whose value may hold unknown fields: the value is read as JSON,
/// the field's type from it, and what the type does not write back goes into `nested` under
/// `name` (see the module documentation).
pub fn fill_slot_keeping<'de, T, A>(
    slot: &mut Option<T>,
    nested: &mut UnknownFields,
    map: &mut A,
    name: &'static str,
) -> Result<(), A::Error>
where
    T: DeserializeOwned + Serialize,
    A: MapAccess<'de>,
{
    if slot.is_some() {
        return Err(serde::de::Error::duplicate_field(name));
    }
    // Read as the map's value (not after it), so that an error is located at the field.
    *slot = Some(map.next_value_seed(Keeping {
        nested,
        name,
        value: PhantomData,
    })?);
    Ok(())
}

struct Keeping<'n, T> {
    nested: &'n mut UnknownFields,
    name: &'static str,
    value: PhantomData<T>,
}

impl<'de, T: DeserializeOwned + Serialize> DeserializeSeed<'de> for Keeping<'_, T> {
    type Value = T;

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<T, D::Error> {
        let raw = Value::deserialize(d)?;
        let value = match T::deserialize(&raw) {
            Ok(value) => value,
            Err(_) => return Err(located_error::<T, D::Error>(&raw)),
        };
        if raw.is_object() || raw.is_array() {
            let known = serde_json::to_value(&value).unwrap_or(Value::Null);
            if let Some(overlay) = unknown_inside(&raw, &known) {
                self.nested.insert(self.name.to_owned(), overlay);
            }
        }
        Ok(value)
    }
}

/// A field of a version read through serde's derive (`Reader::SerdeFields`) whose value may
/// hold unknown fields: the value, and its overlay (what its type does not write back).
#[derive(Debug, Default)]
pub struct Kept<T> {
    /// The field's value.
    pub value: T,
    /// What its type does not write back, if anything.
    pub overlay: Option<Value>,
}

impl<'de, T: DeserializeOwned + Serialize> Deserialize<'de> for Kept<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let mut nested = UnknownFields::new();
        let value = Keeping {
            nested: &mut nested,
            name: "",
            value: PhantomData,
        }
        .deserialize(d)?;
        Ok(Kept {
            value,
            overlay: nested.shift_remove(""),
        })
    }
}

impl<T> Kept<T> {
    /// The value, its overlay kept in `unknown` under `name`.
    #[inline]
    pub fn keep(self, unknown: &mut UnknownFields, name: &str) -> T {
        if let Some(overlay) = self.overlay {
            unknown.insert(name.to_owned(), overlay);
        }
        self.value
    }
}

/// How an error inside a field read through JSON carries its path inside the field, which
/// `decode` joins to the path of the field (serde's path tracking stops at the field).
const INSIDE: &str = " (inside the field at `";

/// The error of reading `T` from `raw`, with the path inside the field.
fn located_error<T: DeserializeOwned, E: serde::de::Error>(raw: &Value) -> E {
    match serde_path_to_error::deserialize::<_, T>(raw) {
        Ok(_) => E::custom("the field reads only on a second try"),
        Err(e) if e.path().to_string() == "." => E::custom(e.inner()),
        Err(e) => E::custom(format_args!("{}{INSIDE}{}`)", e.inner(), e.path())),
    }
}

/// Splits an error message made by [`located_error`] into the message and the path inside the
/// field (`[0].num`), if it carries one.
pub(super) fn path_inside(message: &str) -> (&str, Option<&str>) {
    match message
        .strip_suffix("`)")
        .and_then(|m| m.rsplit_once(INSIDE))
    {
        Some((message, path)) => (message, Some(path)),
        None => (message, None),
    }
}

/// A field renamed by a migration step takes its overlay along (kept under its old name, it
/// would be written as a field of its own by the version that lacks that name).
#[inline]
pub fn rename_overlay(unknown: &mut UnknownFields, from: &str, to: &str) {
    if unknown.is_empty() || from == to {
        return;
    }
    if let Some(overlay) = unknown.shift_remove(from) {
        unknown.insert(to.to_owned(), overlay);
    }
}

/// Whether any overlay is kept for the fields named `nested`.
#[inline]
pub fn has_nested(unknown: &UnknownFields, nested: &[&str]) -> bool {
    !unknown.is_empty() && nested.iter().any(|name| unknown.contains_key(*name))
}

/// The unknown fields as entries of the enclosing map, without the overlays of the fields
/// named `nested` (those are written inside their fields).
pub fn write_unknown_outside<S: Serializer>(
    unknown: &UnknownFields,
    nested: &[&str],
    serializer: S,
) -> Result<S::Ok, S::Error> {
    let mut map = serializer.serialize_map(None)?;
    for (key, value) in unknown {
        if !nested.contains(&key.as_str()) {
            map.serialize_entry(key, value)?;
        }
    }
    map.end()
}

/// Writes `body` (a version's fields and unknown fields, without overlays) with the overlays
/// kept in `unknown` for the fields named `nested` laid over their fields.
pub fn write_with_nested<B: Serialize, S: Serializer>(
    body: &B,
    unknown: &UnknownFields,
    nested: &[&str],
    serializer: S,
) -> Result<S::Ok, S::Error> {
    let mut value = serde_json::to_value(body).map_err(serde::ser::Error::custom)?;
    if let Value::Object(fields) = &mut value {
        for name in nested {
            if let (Some(field), Some(overlay)) = (fields.get_mut(*name), unknown.get(*name)) {
                overlay_unknown(field, overlay);
            }
        }
    }
    value.serialize(serializer)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn round(raw: Value, known: Value, out: Value) -> Value {
        let overlay = unknown_inside(&raw, &known);
        let mut out = out;
        if let Some(overlay) = overlay {
            overlay_unknown(&mut out, &overlay);
        }
        out
    }

    #[test]
    fn objects_inside_objects_keep_their_unknown_keys_in_order() {
        let raw = json!({"street": "a", "zip": "1", "geo": {"lat": 1.0, "alt": 3}});
        let known = json!({"street": "a", "geo": {"lat": 1.0}});
        assert_eq!(
            unknown_inside(&raw, &known),
            Some(json!({"zip": "1", "geo": {"alt": 3}}))
        );
        // Unknown keys follow the known ones, in the order they were read.
        let out = round(raw, known.clone(), known);
        assert_eq!(
            out.to_string(),
            r#"{"street":"a","geo":{"lat":1.0,"alt":3},"zip":"1"}"#
        );
    }

    #[test]
    fn array_elements_keep_their_own_unknown_keys_when_reordered_or_removed() {
        let raw = json!([{"num": "1", "x": 1}, {"num": "2"}, {"num": "3", "x": 3}]);
        let known = json!([{"num": "1"}, {"num": "2"}, {"num": "3"}]);
        // Reordered.
        let out = round(
            raw.clone(),
            known.clone(),
            json!([{"num": "3"}, {"num": "1"}, {"num": "2"}]),
        );
        assert_eq!(
            out,
            json!([{"num": "3", "x": 3}, {"num": "1", "x": 1}, {"num": "2"}])
        );
        // The first removed: no neighbour inherits its unknown key.
        let out = round(
            raw.clone(),
            known.clone(),
            json!([{"num": "2"}, {"num": "3"}]),
        );
        assert_eq!(out, json!([{"num": "2"}, {"num": "3", "x": 3}]));
        // Edited in place: the element keeps its unknown key.
        let out = round(
            raw,
            known,
            json!([{"num": "9"}, {"num": "2"}, {"num": "3"}]),
        );
        assert_eq!(
            out,
            json!([{"num": "9", "x": 1}, {"num": "2"}, {"num": "3", "x": 3}])
        );
    }

    #[test]
    fn an_overlay_that_no_longer_fits_is_dropped() {
        let overlay = unknown_inside(&json!({"a": 1, "b": 2}), &json!({"a": 1})).unwrap();
        let mut out = json!("now a string");
        overlay_unknown(&mut out, &overlay);
        assert_eq!(out, json!("now a string"));
        let mut out = json!([1]);
        overlay_unknown(&mut out, &overlay);
        assert_eq!(out, json!([1]));
    }
}
