//! Versioned families read from Rust source, for review bots that check a pull request
//! without building it.
//!
//! [`scan`] parses `.rs` files with syn, finds every `#[versioned(...)]` struct, and validates
//! its annotations with `docver-attr` — the same parser `docver-derive` uses, so the two cannot
//! disagree. [`schema`] derives each version's JSON Schema the way the derive (schemars) and
//! serde would, from the field types and the serde attributes; anything it cannot resolve is a
//! located warning, never a guess.

pub mod scan;
pub mod schema;

pub use scan::{SourceFamily, SourceFile, scan_file};
