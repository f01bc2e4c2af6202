//! `docver`: schema evolution for offline-first document systems.
//!
//! The crate is laid out the way data flows through it:
//!
//! - [`source`]: reading JSON Schema files (a JSON parser that keeps spans, then the reader);
//! - [`model`]: the schema model, one arena of nodes per file with `$ref`s as edges;
//! - [`rules`]: the rule catalog, one rule per kind of change;
//! - [`check`]: the walk that runs every rule on every pair of nodes and builds witnesses;
//! - [`span`]: byte spans and line/column lookup shared by every diagnostic;
//! - [`finding`]: what a check reports (a rule, where it fired, the verdict per direction,
//!   and a witness document);
//! - [`family`] and [`error`]: versioned document families as migration strategies see them.

pub mod check;
pub mod error;
pub mod family;
pub mod finding;
pub mod model;
pub mod rules;
pub mod source;
pub mod span;

pub use error::DocError;
pub use family::{DocumentSet, Family, Loss, Migrated};

pub use finding::{Direction, Finding, Location, Verdict, Witness};
pub use span::{LineIndex, Span};

pub use check::{DiffOptions, DiffReport, diff};
pub use model::Schema;
pub use rules::{RuleInfo, rule_catalog};
pub use source::{LoadError, read_schema};
