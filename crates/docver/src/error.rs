//! Errors raised while reading and migrating documents.

/// Why a document could not be read or migrated. Every variant names the document (when it has
/// an id) so an operator can find it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DocError {
    #[error("document {id}: `{schema}` version {found} is not known (known: {known:?})", id = id_or_unnamed(.id))]
    UnknownVersion {
        id: Option<String>,
        schema: String,
        found: u64,
        known: Vec<u32>,
    },
    #[error("document {id}: no `{field}` tag and `{schema}` declares no base version", id = id_or_unnamed(.id))]
    MissingTag {
        id: Option<String>,
        schema: String,
        field: String,
    },
    #[error("document {id}: expected schema `{expected}`, found `{found}`", id = id_or_unnamed(.id))]
    WrongSchema {
        id: Option<String>,
        expected: String,
        found: String,
    },
    #[error("document {id}: does not match `{schema}` version {version} at `{path}`: {message}", id = id_or_unnamed(.id))]
    Invalid {
        id: Option<String>,
        schema: String,
        version: u32,
        path: String,
        message: String,
    },
    #[error("document {id}: migrating `{schema}` from version {from} to {to} failed: {message}", id = id_or_unnamed(.id))]
    Migration {
        id: Option<String>,
        schema: String,
        from: u32,
        to: u32,
        message: String,
    },
}

fn id_or_unnamed(id: &Option<String>) -> &str {
    id.as_deref().unwrap_or("(no id)")
}
