//! `docver`: schema evolution for offline-first document systems.
//!
//! The crate is laid out the way data flows through it:
//!
//! - [`span`]: byte spans and line/column lookup shared by every diagnostic;
//! - [`finding`]: what a check reports (a rule, where it fired, the verdict per direction,
//!   and a witness document).

pub mod finding;
pub mod span;

pub use finding::{Direction, Finding, Location, Verdict, Witness};
pub use span::{LineIndex, Span};
