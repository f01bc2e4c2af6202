//! `docver-check`: the schema checker of docver.
//!
//! The crate is laid out the way data flows through it:
//!
//! - [`source`]: reading JSON Schema files (a JSON parser that keeps spans, then the reader);
//! - [`model`]: the schema model, one arena of nodes per file with `$ref`s as edges;
//! - [`rules`]: the rule catalog, one rule per kind of change;
//! - [`check`]: the walk that runs every rule on every pair of nodes and builds witnesses;
//! - [`span`]: byte spans and line/column lookup shared by every diagnostic;
//! - [`finding`]: what a check reports (a rule, where it fired, the verdict per direction,
//!   and a witness document).
//!
//! Apps never depend on this crate: the run-time side of versioned documents is `docver`.
//! The lens interpreter lives there too, since generated code runs it; the checker uses it to
//! apply a declared step to a schema (the rule `lens-disagrees`).

pub mod check;
pub mod finding;
pub mod model;
pub mod rules;
pub mod source;
pub mod span;

pub use finding::{Direction, Finding, Location, Verdict, Witness};
pub use span::{LineIndex, Span};

pub use check::{DiffOptions, DiffReport, diff};
pub use model::Schema;
pub use rules::{RuleInfo, rule_catalog};
pub use source::{LoadError, read_schema};
