//! Write-back: an edit made by an app that knows an older version, merged into the newer
//! document it read so that nothing the app does not know is lost.

use serde_json::Value;

use super::any_version::{AnyVersion, any_from_document};
use super::migrate::any_migrate;
use super::parts::Parts;
use super::versioned::Versioned;
use crate::error::DocError;

/// Writes `this` (possibly edited) back over `original`, the document it was read from. When
/// `original` is newer, every field `T` does not know survives unchanged and the document
/// keeps its newer version; otherwise the document is written at `T`'s version.
pub fn write_back<A: AnyVersion, T: Versioned>(
    this: &T,
    wrap: fn(T) -> A,
    original: &Value,
    parts: &mut Parts,
) -> Result<Value, DocError> {
    let after = this.to_document();
    let stored = any_from_document::<A>(original)?;
    let stored_version = stored.version();
    if stored_version <= T::VERSION {
        return Ok(after);
    }
    let mut scratch = parts.clone();
    let (before, _) = any_migrate(stored, T::VERSION, &mut scratch)?;
    let edited = T::from_document(&after)?;
    let (upgraded, _) = any_migrate(wrap(edited), stored_version, parts)?;
    Ok(merge_edit(
        original,
        &before.to_document(),
        &after,
        &upgraded.to_document(),
    ))
}

/// Writes an edit made by an app that knows an older version back into the newer document it
/// read, so that nothing the app does not know is lost and the document keeps its newer tag.
///
/// - `original`: the stored (newer) document;
/// - `before`: what the app read (the original downgraded to the app's version);
/// - `after`: what the app wants to write (its version);
/// - `after_upgraded`: `after` upgraded to the original's version.
///
/// Every top-level field the app changed takes its value from `after_upgraded` (so a field whose
/// type changed between versions is converted, not copied, and one the newer version keeps
/// elsewhere is not copied at all); everything else is kept from `original`.
pub fn merge_edit(
    original: &Value,
    before: &Value,
    after: &Value,
    after_upgraded: &Value,
) -> Value {
    let mut merged = original.clone();
    let (Some(merged_map), Some(after_map)) = (merged.as_object_mut(), after.as_object()) else {
        return merged;
    };
    for (key, value) in after_map {
        if before.get(key) == Some(value) {
            continue;
        }
        // A field the newer version no longer has at the top level (moved into a companion
        // document, say) reaches it through `after_upgraded`'s own shape, not by copying.
        if let Some(upgraded) = after_upgraded.get(key) {
            merged_map.insert(key.clone(), upgraded.clone());
        }
    }
    if let Some(before_map) = before.as_object() {
        for key in before_map.keys() {
            if !after_map.contains_key(key) && after_upgraded.get(key).is_none() {
                merged_map.remove(key);
            }
        }
    }
    merged
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn merge_keeps_what_the_old_app_does_not_know() {
        let original =
            json!({"schema": "t", "version": 3, "title": "a", "status": "blocked", "x": 1});
        let before = json!({"schema": "t", "version": 2, "title": "a", "status": false, "x": 1});
        let after = json!({"schema": "t", "version": 2, "title": "b", "status": false, "x": 1});
        let upgraded = json!({"schema": "t", "version": 3, "title": "b", "status": "open", "x": 1});
        let merged = merge_edit(&original, &before, &after, &upgraded);
        assert_eq!(
            merged,
            json!({"schema": "t", "version": 3, "title": "b", "status": "blocked", "x": 1})
        );
    }
}
