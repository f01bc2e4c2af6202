//! Unknown fields: what a reader keeps of a document beyond its version's fields, so that
//! writing it back (or migrating it and back) loses nothing.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::nested::{overlay_unknown, unknown_inside};

/// Fields a reader does not know, kept so that writing a document back does not drop them.
pub type UnknownFields = Map<String, Value>;

/// Takes `key` out of the unknown fields if it holds a `T` (a value an older reader kept for a
/// field it did not know); leaves it in place otherwise.
pub fn take_unknown<T: DeserializeOwned + Serialize>(
    unknown: &mut UnknownFields,
    key: &str,
) -> Option<T> {
    // Read in place (a `&Value` is a deserializer), so nothing is cloned.
    let kept = unknown.get(key)?;
    let value = T::deserialize(kept).ok()?;
    // What `T` drops of the kept value stays, as the field's overlay (see `nested`).
    let overlay = match kept {
        Value::Object(_) | Value::Array(_) => serde_json::to_value(&value)
            .ok()
            .and_then(|known| unknown_inside(kept, &known)),
        _ => None,
    };
    match overlay {
        Some(overlay) => {
            unknown.insert(key.to_owned(), overlay);
        }
        None => {
            unknown.shift_remove(key);
        }
    }
    Some(value)
}

/// Keeps `value` under `key` among the unknown fields (a field the target version lacks), so an
/// upgrade can restore it. A value equal to what the upgrade would fill in anyway (`default`)
/// is not kept, so that a downgrade of an upgraded document gives back the original.
pub fn stash<T: Serialize>(unknown: &mut UnknownFields, key: &str, value: &T, default: Option<&T>) {
    let Ok(value) = serde_json::to_value(value) else {
        return;
    };
    if let Some(default) = default
        && serde_json::to_value(default).is_ok_and(|d| d == value)
    {
        return;
    }
    // An overlay kept for the field (its own unknown fields, see `nested`) goes back into it.
    let mut value = value;
    if let Some(overlay) = unknown.get(key) {
        overlay_unknown(&mut value, overlay);
    }
    unknown.insert(key.to_owned(), value);
}

/// Takes out of the unknown fields every key a `#[serde(flatten)]` field writes: serde hands
/// each entry of the document to every flattened field, the unknown fields included, so a key
/// the field read would otherwise be written twice (once by the field, once as unknown) and
/// outlive an edit of the field (a `"side"` left beside the `"radius"` of another variant).
pub fn forget_flattened<T: Serialize>(unknown: &mut UnknownFields, field: &T) {
    if unknown.is_empty() {
        return;
    }
    if let Ok(Value::Object(written)) = serde_json::to_value(field) {
        for key in written.keys() {
            unknown.shift_remove(key);
        }
    }
}
