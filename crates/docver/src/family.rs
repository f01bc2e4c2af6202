//! Document families as the stores and strategies see them: JSON in, JSON out.
//!
//! `docver-derive` generates typed code for each family and an implementation of [`Family`] on
//! top of it, so that migration strategies (which hold `&dyn Family`) work for any family
//! without knowing its Rust types.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::error::DocError;

/// The version a stored document is tagged with, read with a family's tag names: what a
/// [`Family`] implemented without the derive (from data, by hand) answers in
/// [`Family::version_of`].
pub use crate::document::tag::read_tag;

/// One logical document: the main document plus the companion documents split off it.
///
/// The seed's v4 todo keeps `status` in its own document; a v4 `DocumentSet` for a todo is
/// the `todo-item` document in `main` and the `todo-status` document in `parts`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DocumentSet {
    /// The logical id (the raw uuid, never a versioned id like `todo-item@2:<uuid>`). Companion
    /// documents refer to the main document by it.
    pub id: Option<String>,
    /// The main document (the family's own schema), as stored.
    pub main: Value,
    /// Companion documents keyed by their schema name (e.g. `"todo-status"`).
    pub parts: BTreeMap<String, Value>,
}

impl DocumentSet {
    /// A set of one document without companions (what every unsplit version is).
    pub fn single(id: Option<String>, main: Value) -> Self {
        Self {
            id,
            main,
            parts: BTreeMap::new(),
        }
    }
}

/// Whether a migration kept every piece of information: what the generated `migrate`, `read`
/// and [`Family::migrate`] report, summed over the steps taken (only downgrades lose anything).
/// A lens's own analysis of what a round trip through it may change is
/// the lens interpreter's `RoundTripLoss`, with an operation and a reason per place.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Loss {
    /// Every field of the source survives in the target (or among its unknown fields).
    #[default]
    Lossless,
    /// The listed document paths (JSON pointers) could not be represented in the target
    /// version and were dropped or approximated.
    Lossy {
        /// The JSON pointers of what was lost, in the source document.
        paths: Vec<String>,
    },
}

impl std::fmt::Display for Loss {
    /// `lossless`, or `lossy at /a, /b` (the whole document when a step does not say where).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Loss::Lossless => f.write_str("lossless"),
            Loss::Lossy { paths } => {
                let paths: Vec<&str> = paths
                    .iter()
                    .map(|p| {
                        if p.is_empty() {
                            "the whole document"
                        } else {
                            p.as_str()
                        }
                    })
                    .collect();
                write!(f, "lossy at {}", paths.join(", "))
            }
        }
    }
}

impl Loss {
    /// Whether nothing was lost.
    pub fn is_lossless(&self) -> bool {
        matches!(self, Loss::Lossless)
    }

    /// Combines the losses of two consecutive steps.
    pub fn then(self, next: Loss) -> Loss {
        match (self, next) {
            (Loss::Lossless, Loss::Lossless) => Loss::Lossless,
            (Loss::Lossy { paths }, Loss::Lossless) | (Loss::Lossless, Loss::Lossy { paths }) => {
                Loss::Lossy { paths }
            }
            (Loss::Lossy { mut paths }, Loss::Lossy { paths: more }) => {
                paths.extend(more);
                Loss::Lossy { paths }
            }
        }
    }
}

/// A typed document migrated to a target version, and what the way there lost: what the
/// generated `migrate` returns (`AnyTodo::migrate`).
#[derive(Debug, Clone, PartialEq)]
pub struct AtVersion<T> {
    /// The document at the target version.
    pub doc: T,
    /// What the migration could not keep (only downgrades lose anything).
    pub loss: Loss,
}

/// The result of migrating a [`DocumentSet`] to a target version.
#[derive(Debug, Clone, PartialEq)]
pub struct Migrated {
    /// The version the documents are now at (the target).
    pub version: u32,
    /// The migrated main document and its companions.
    pub docs: DocumentSet,
    /// What the migration could not keep (only downgrades lose anything).
    pub loss: Loss,
}

/// A family of versioned documents, migrated as JSON. Object safe: strategies hold `&dyn Family`.
///
/// `#[versioned]` implements it for the generated `<Name>Family` struct (from the parsed
/// attribute, `docver_attr::FamilyDecl`).
pub trait Family: Send + Sync {
    /// The value of the document's type tag, e.g. `"todo-item"`.
    fn schema_name(&self) -> &str;

    /// Every known major version, ascending.
    fn versions(&self) -> &[u32];

    /// The field holding the version tag (`version` unless the family says otherwise): what
    /// replication filters compare.
    fn version_field(&self) -> &str {
        "version"
    }

    /// The newest known version.
    fn latest(&self) -> u32 {
        self.versions().last().copied().unwrap_or(0)
    }

    /// Schema names of the companion documents that a document of `version` is split into
    /// (empty for most versions; `["todo-status"]` for the seed's v4 todo).
    fn part_schemas(&self, version: u32) -> Vec<String>;

    /// The version a stored document claims (documents without a tag are read as the family's
    /// declared base version; without one, that is an error).
    fn version_of(&self, doc: &Value) -> Result<u32, DocError>;

    /// The JSON Schema of `version`, as its reader accepts or its writer emits documents (for
    /// checks such as `plan`); `None` if the family does not export schemas.
    fn json_schema(&self, version: u32, contract: crate::document::Contract) -> Option<Value> {
        let _ = (version, contract);
        None
    }

    /// The lens of the step into `version`, in its JSON form, when that step is declared as a
    /// lens (`step(to = N, lens(...))`); exported at the root of the version's schema.
    fn lens(&self, version: u32) -> Option<Value> {
        let _ = version;
        None
    }

    /// Every version's schema files: `v{N}.json` (the reader contract, with the incoming
    /// step's lens), and `v{N}.writer.json` where the writer contract differs.
    fn schema_files(&self) -> Vec<crate::export::SchemaFile> {
        crate::export::schema_files(self)
    }

    /// Writes [`Self::schema_files`] into `dir` (created if missing); returns the paths
    /// written. What `docver diff`, `generate adapters` and `generate couchdb-validation` read.
    fn write_schemas(&self, dir: &std::path::Path) -> std::io::Result<Vec<std::path::PathBuf>> {
        crate::export::write_schemas(self, dir)
    }

    /// Reads `docs` at whatever version they are tagged with and migrates them (up or down,
    /// step by step) to `target`. Unknown fields survive; the result's `loss` says what a
    /// downgrade could not keep.
    fn migrate(&self, docs: DocumentSet, target: u32) -> Result<Migrated, DocError>;
}
