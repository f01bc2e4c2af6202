//! Why a migration step failed ([`MigrationError`]), and the document error it becomes.

use std::fmt;

use super::parts::Parts;
use crate::error::DocError;

/// Why a migration step failed: what a user migration function returned, or a conversion that
/// did not fit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationError {
    /// What went wrong, for a person (it becomes [`DocError::Migration`]'s message).
    pub message: String,
}

impl MigrationError {
    /// A migration error saying `message` (any `Display`, such as a user function's error).
    pub fn new(message: impl fmt::Display) -> Self {
        MigrationError {
            message: message.to_string(),
        }
    }
}

impl fmt::Display for MigrationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for MigrationError {}

/// The error of a failed migration step from `from` to `to`.
#[cold]
pub fn migration_failed(
    schema: &str,
    parts: &Parts,
    from: u32,
    to: u32,
    error: MigrationError,
) -> DocError {
    DocError::Migration {
        id: parts.id.clone(),
        schema: schema.to_owned(),
        from,
        to,
        message: error.message,
    }
}
