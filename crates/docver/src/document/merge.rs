//! Write-back: an edit made by an app that knows an older version, merged into the newer
//! document it read so that nothing the app does not know is lost (the law in the README's
//! "Write-back" section). The strategies carry an older copy's edit the same way
//! (`docver-migrate`'s `propagate`).

use serde_json::Value;

use super::any_version::{AnyVersion, any_from_document};
use super::decode::parse_value;
use super::id::document_id;
use super::migrate::any_migrate;
use super::number_texts::NumberTexts;
use super::parts::{PartDocs, Parts};
use super::three_way::{Prefer, differences, merge3};
use super::versioned::Versioned;
use crate::error::DocError;

/// Writes `this` (possibly edited) back over `original`, the document it was read from, and
/// `parts` (which hold `original`'s companion documents) over its companions.
///
/// When `original` (`d`, version n) is newer than `T` (version m), the edit reaches it through
/// the declared migrations, never by copying keys: `before = up(down(d))` is what the app's
/// view of `d` means at n, `after = up(this)` what its edit means at n (lens inverses and user
/// upgrade functions both run on the edited view), and `d` is merged three ways with `before`
/// as the ancestor, `d` as ours and `after` as theirs, the companion documents alike. So
/// everything of `d` the edit does not change is kept (values the view does not show, unknown
/// fields at any depth, companions), and where the edit and something only `d` held disagree
/// (a downgrade's loss) the edit wins. The result is then read down to m again: if that is not
/// exactly `this`, the edit cannot be carried by the migrations and the error names the paths
/// (nothing is written, `parts` untouched). Otherwise the document keeps version n.
///
/// When `original` is not newer, the document is written at `T`'s version.
pub fn write_back<A: AnyVersion, T: Versioned>(
    this: &T,
    wrap: fn(T) -> A,
    original: &Value,
    parts: &mut Parts,
) -> Result<Value, DocError> {
    let edited = this.to_document();
    let stored = any_from_document::<A>(original)?;
    let stored_version = stored.version();
    if stored_version <= T::VERSION {
        return Ok(edited);
    }
    // What the app read, and the companions left once it read them.
    let mut read_parts = parts.clone();
    let (read, _) = any_migrate(stored, T::VERSION, &mut read_parts)?;
    let mut before_parts = read_parts.clone();
    let (before, _) = any_migrate(read, stored_version, &mut before_parts)?;
    let mut after_parts = read_parts;
    let (after, _) = any_migrate(
        wrap(T::from_document(&edited)?),
        stored_version,
        &mut after_parts,
    )?;
    let main = merge3(
        Some(&before.to_document()),
        Some(original),
        Some(&after.to_document()),
        Prefer::Theirs,
    )
    .value
    .unwrap_or_else(|| original.clone());
    let merged_parts = Parts {
        id: parts.id.clone(),
        docs: merge_parts(&before_parts.docs, &parts.docs, &after_parts.docs),
    };
    check_read_back::<A, T>(&main, &merged_parts, &edited, stored_version)?;
    *parts = merged_parts;
    Ok(main)
}

/// [`write_back`] over `original`'s JSON text, giving the text to store: what the edit leaves
/// of `original` keeps its numbers as written (`1e2`, integers beyond 64 bits, in unknown
/// fields at any depth), which a `Value` alone would rewrite (see [`NumberTexts`]).
pub fn write_back_json<A: AnyVersion, T: Versioned>(
    this: &T,
    wrap: fn(T) -> A,
    original: &str,
    parts: &mut Parts,
) -> Result<String, DocError> {
    let document = parse_value(original, A::NAMES.schema_name)?;
    let written = write_back(this, wrap, &document, parts)?;
    Ok(NumberTexts::of(original).to_json(&written))
}

/// Every companion document merged as the main document is: `before` the companions of
/// `up(down(d))`, `stored` those of `d`, `after` those of the upgraded edit.
fn merge_parts(before: &PartDocs, stored: &PartDocs, after: &PartDocs) -> PartDocs {
    let mut schemas: Vec<&str> = stored.keys().chain(after.keys()).collect();
    schemas.sort_unstable();
    schemas.dedup();
    let mut merged = PartDocs::new();
    for schema in schemas {
        let value = merge3(
            before.get(schema).map(|p| p.value()),
            stored.get(schema).map(|p| p.value()),
            after.get(schema).map(|p| p.value()),
            Prefer::Theirs,
        )
        .value;
        if let Some(value) = value {
            merged.insert(schema.to_owned(), value);
        }
    }
    merged
}

/// Law (1) of write-back, checked rather than assumed: the merged document read at the app's
/// version is exactly what the app wrote, or the error names what did not survive.
fn check_read_back<A: AnyVersion, T: Versioned>(
    main: &Value,
    parts: &Parts,
    edited: &Value,
    stored_version: u32,
) -> Result<(), DocError> {
    let mut read_parts = parts.clone();
    let (read, _) = any_migrate(any_from_document::<A>(main)?, T::VERSION, &mut read_parts)?;
    let paths = differences(edited, &read.to_document());
    if paths.is_empty() {
        return Ok(());
    }
    Err(DocError::EditLost {
        id: document_id(main),
        schema: A::NAMES.schema_name.to_owned(),
        edited: T::VERSION,
        stored: stored_version,
        paths,
    })
}
