//! Reading schema files into the [`crate::model`].

pub mod json;
mod reader;

pub use reader::{LoadError, MAX_SCHEMA_DEPTH, read_schema};
