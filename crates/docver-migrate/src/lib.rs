//! Running docver schema migrations against document stores.
//!
//! The [`store`] module is the storage layer: one [`Store`] trait implemented by
//! a single-file SQLite store and by CouchDB-compatible HTTP servers (CouchDB 3,
//! pouchdb-server), selected by URL with [`open`]:
//!
//! - `sqlite:path/to/file.db` (created if missing),
//! - `http://host:5984/db` (database created if missing).

pub mod cli;
pub mod family_dir;
pub mod service;
pub mod store;
pub mod strategy;

pub use store::{
    ChangesPage, Conflicted, Doc, DocsPage, FeedEntry, Store, StoreError, Unreadable, WriteOutcome,
    follow, open, open_existing, open_read_only,
};
