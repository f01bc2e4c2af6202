//! Why code could not be generated.

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CodegenError {
    #[error("family `{family}`: no schema versions given")]
    NoVersions { family: String },
    #[error(
        "family `{family}`: untagged documents can only be read as a base version, and none is declared"
    )]
    UntaggedWithoutBase { family: String },
    #[error("family `{family}`: base version {base} is not among the live versions")]
    BaseNotLive { family: String, base: u32 },
    /// Patterns the server's JavaScript engine cannot compile, each with its JSON pointer.
    #[error(
        "family `{family}`: patterns the generated validation could not compile (every write would fail):\n  {}",
        problems.join("\n  ")
    )]
    UnsupportedPatterns {
        family: String,
        problems: Vec<String>,
    },
    /// A schema that cannot be read (the message names the file, line and column).
    #[error("{message}")]
    Schema { name: String, message: String },
    #[error("`{name}` is not a module name (expected a snake-case Rust identifier)")]
    ModuleName { name: String },
    #[error("{path}: {message}")]
    Io { path: String, message: String },
    /// A bug in the generator, not in the input.
    #[error("internal error: {message}")]
    Internal { message: String },
}
