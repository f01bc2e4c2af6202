//! The seed's migration strategies, run against a [`Store`](crate::Store) with a
//! [`docver::Family`]:
//!
//! - [`transactional`]: rewrite every document of a family to a target version, in batches,
//!   resumable and idempotent (also the engine of the *client-side* strategy, run against a
//!   client's local store with a filter);
//! - [`live`]: no bulk rewrite; documents are read at any version and written at the current
//!   one, and [`live::stats`] says how many of each version remain;
//! - [`per_version_databases`]: one database per version, kept in sync both ways;
//! - [`per_version_documents`]: every live version of each document in one database, under
//!   ids like `todo-item@2:<uuid>`, maintained by a worker following `_changes`.
//!
//! [`plan`] recommends one from the family's changes and a few facts about the deployment.

mod ancestor;
pub mod conflicts;
pub mod engine;
mod lease;
pub mod live;
pub mod partition;
pub(crate) mod pending;
pub mod per_version_databases;
pub mod per_version_documents;
pub mod plan;
mod reconcile;
mod revisions;
pub mod skipped;
pub mod transactional;

pub use engine::{Membership, MigrationFailure};
pub use lease::LEASE_TTL;
pub use pending::Tally;
