//! Code generated from document schema versions.
//!
//! - [`couchdb`]: a CouchDB design document whose `validate_doc_update` accepts every live
//!   version of a family and rejects documents that match none of them.

pub mod couchdb;
pub mod error;

pub use error::CodegenError;
