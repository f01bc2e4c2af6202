//! Unknown fields: what a reader keeps of a document beyond its version's fields, so that
//! writing it back (or migrating it and back) loses nothing.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

/// Fields a reader does not know, kept so that writing a document back does not drop them.
pub type UnknownFields = Map<String, Value>;

/// Takes `key` out of the unknown fields if it holds a `T` (a value an older reader kept for a
/// field it did not know); leaves it in place otherwise.
pub fn take_unknown<T: DeserializeOwned>(unknown: &mut UnknownFields, key: &str) -> Option<T> {
    // Read in place (a `&Value` is a deserializer), so nothing is cloned.
    let value = T::deserialize(unknown.get(key)?).ok()?;
    unknown.shift_remove(key);
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
    unknown.insert(key.to_owned(), value);
}
