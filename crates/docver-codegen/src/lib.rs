//! Code generated from document schema versions.
//!
//! - [`couchdb`]: a CouchDB design document whose `validate_doc_update` accepts every live
//!   version of a family and rejects documents that match none of them.
//! - [`adapters`]: a Rust module with the types of two schema versions and the upgrade and
//!   downgrade functions between them, with a `Decisions` trait for every breaking change.
//! - [`typescript`]: a dependency-free TypeScript module per family for the apps (PouchDB
//!   clients): types, validators, compiled lens steps, `readAs` and `writeBack`.

pub mod adapters;
pub mod couchdb;
pub mod error;
pub mod typescript;

pub use error::CodegenError;
