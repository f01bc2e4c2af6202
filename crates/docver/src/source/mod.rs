//! Reading schema files into the [`crate::model`].

pub mod json;
mod reader;

pub(crate) use reader::push_token;
pub use reader::{LoadError, read_schema};
