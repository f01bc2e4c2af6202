//! Errors raised while reading and migrating documents.

/// Why a document could not be read or migrated. Every variant names the document (when it has
/// an id) so an operator can find it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DocError {
    /// The document's version tag names a version this family does not know (typically one
    /// written by a newer app).
    #[error("document {id}: `{schema}` version {found} is not known (known: {known:?})", id = id_or_unnamed(.id))]
    UnknownVersion {
        /// The document's id (`_id` or `id`), if it has one.
        id: Option<String>,
        /// The family's schema name.
        schema: String,
        /// The version found in the tag (or asked for as a migration target).
        found: u64,
        /// Every version the family knows, ascending.
        known: Vec<u32>,
    },
    /// The document has no version tag and the family declares no base version to read it as.
    #[error("document {id}: no `{field}` tag and `{schema}` declares no base version", id = id_or_unnamed(.id))]
    MissingTag {
        /// The document's id (`_id` or `id`), if it has one.
        id: Option<String>,
        /// The family's schema name.
        schema: String,
        /// The name of the missing version field.
        field: String,
    },
    /// The document's schema tag names another family.
    #[error("document {id}: expected schema `{expected}`, found `{found}`", id = id_or_unnamed(.id))]
    WrongSchema {
        /// The document's id (`_id` or `id`), if it has one.
        id: Option<String>,
        /// The family's schema name.
        expected: String,
        /// The schema tag found, as JSON.
        found: String,
    },
    /// The document is not JSON, not an object, or does not match the version it is tagged
    /// with.
    #[error("document {id}: does not match `{schema}` version {version} at `{path}`: {message}", id = id_or_unnamed(.id))]
    Invalid {
        /// The document's id (`_id` or `id`), if it has one.
        id: Option<String>,
        /// The family's schema name.
        schema: String,
        /// The version it was read as (0: before a version was known).
        version: u32,
        /// The JSON pointer of the offending field (empty: the whole document).
        path: String,
        /// What is wrong there.
        message: String,
    },
    /// A migration step failed (a user function's error, or a value that does not fit the
    /// older version's type).
    #[error("document {id}: migrating `{schema}` from version {from} to {to} failed: {message}", id = id_or_unnamed(.id))]
    Migration {
        /// The document's logical id, if known.
        id: Option<String>,
        /// The family's schema name.
        schema: String,
        /// The version the failing step starts from.
        from: u32,
        /// The version the failing step goes to.
        to: u32,
        /// Why the step failed.
        message: String,
    },
    /// An old app's edit cannot be written back into the newer document it read without
    /// losing part of it: reading the written document back at the app's version would not
    /// give what the app wrote (a value a declared migration cannot carry, such as a second
    /// element where the newer version keeps one, or an edit the newer version has no place
    /// for). Nothing was written.
    #[error("document {id}: `{schema}` version {edited} edit cannot be written back into version {stored} without losing {lost}", id = id_or_unnamed(.id), lost = paths_list(.paths))]
    EditLost {
        /// The document's id (`_id` or `id`), if it has one.
        id: Option<String>,
        /// The family's schema name.
        schema: String,
        /// The version the app edited.
        edited: u32,
        /// The version the document is stored at.
        stored: u32,
        /// JSON pointers, in the edited version's document, of the values that would not
        /// survive (`""`: the whole document).
        paths: Vec<String>,
    },
}

fn paths_list(paths: &[String]) -> String {
    let quoted: Vec<String> = paths.iter().map(|p| format!("`{p}`")).collect();
    quoted.join(", ")
}

fn id_or_unnamed(id: &Option<String>) -> &str {
    id.as_deref().unwrap_or("(no id)")
}
