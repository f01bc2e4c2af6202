//! What stops a check before it can report: unreadable paths, families that do not validate,
//! a git ref that does not resolve. The message says what and where.

/// Bad input for a check (the CLI exits 2 on it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceError(pub String);

impl std::fmt::Display for SourceError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SourceError {}

impl SourceError {
    pub fn new(message: impl Into<String>) -> Self {
        SourceError(message.into())
    }
}
