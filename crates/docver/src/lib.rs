//! `docver`: schema evolution for offline-first document systems.
//!
//! The crate is laid out the way data flows through it:
//!
//! - [`span`]: byte spans and line/column lookup shared by every diagnostic;
//! - [`finding`]: what a check reports (a rule, where it fired, the verdict per direction,
//!   and a witness document);
//! - [`family`] and [`error`]: versioned document families as migration strategies see them.

pub mod error;
pub mod family;
pub mod finding;
pub mod span;

pub use error::DocError;
pub use family::{DocumentSet, Family, Loss, Migrated};

pub use finding::{Direction, Finding, Location, Verdict, Witness};
pub use span::{LineIndex, Span};
