//! Versioned families read from Rust source and git history, for review bots that check a
//! pull request without building it (what `docver check` runs on).
//!
//! [`scan`] parses `.rs` files with syn, finds every `#[versioned(...)]` struct, and validates
//! its annotations with `docver-attr` — the same parser `docver-derive` uses, so the two cannot
//! disagree. [`schema`] derives each version's JSON Schema the way the derive (schemars) and
//! serde would, from the field types and the serde attributes; anything it cannot resolve is a
//! located warning, never a guess.
//!
//! The check itself, in the order data flows: [`tree`] (the working tree's `.rs` files),
//! [`sources`] (the families of a set of files and their versions' models), [`git`] (the same
//! files at a ref, and the history of their declarations), [`policy`] (which pairs to
//! compare), [`lens`] (a step's lens read from source), [`precise`] (reader/writer diff of two versions, located in the `.rs` file),
//! [`migration`] (what the declared migrations carry), [`history`] (the history rules), [`check`] (all of it for a set of paths) and [`matrix`].

pub mod check;
pub mod error;
pub mod git;
pub mod history;
pub mod lens;
pub mod matrix;
pub mod migration;
pub mod policy;
pub mod precise;
pub mod scan;
pub mod schema;
pub mod sources;
pub mod tree;

pub use check::{Check, Checked, Compared, VersionView};
pub use error::SourceError;
pub use policy::{Policy, Strategy};
pub use scan::{SourceFamily, SourceFile, scan_file};
pub use sources::Sources;
