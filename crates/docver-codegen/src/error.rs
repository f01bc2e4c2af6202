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
}
