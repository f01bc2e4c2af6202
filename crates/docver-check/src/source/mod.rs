//! Reading schema files into the [`crate::model`].

mod applicators;
pub mod json;
mod reader;
mod uri;

pub use reader::{LoadError, MAX_SCHEMA_DEPTH, read_schema, read_schema_as};
