//! The JSON names serde gives a family's fields: `#[serde(rename = "...")]` on the field, else
//! the container's `#[serde(rename_all = "...")]` rule applied to the Rust name, as serde's
//! derive applies it ([`crate::case`]). The serde attributes are read by
//! [`crate::serde_attr`]; a key serde would reject is a located warning there.

use crate::ast::{FamilyDecl, Field};
use crate::serde_attr::{Direction, SerdeContainer, SerdeField};

impl Field {
    /// This field's `#[serde(...)]`.
    pub fn serde(&self) -> SerdeField {
        SerdeField::from_attrs(&self.attrs)
    }

    /// The other names serde accepts for this field when reading (`#[serde(alias = "...")]`).
    pub fn serde_aliases(&self) -> Vec<String> {
        self.serde().aliases
    }
}

impl FamilyDecl {
    /// The container's `#[serde(...)]`.
    pub fn serde(&self) -> SerdeContainer {
        SerdeContainer::from_attrs(&self.attrs)
    }

    /// The JSON property name of `field` in the documents this family reads.
    pub fn json_name(&self, field: &Field) -> String {
        field.serde().name(
            &field.name(),
            &self.serde().rename_all,
            Direction::Deserialize,
        )
    }

    /// The container's `#[serde(rename = "...")]` (its reading name), if it has one.
    pub fn serde_rename(&self) -> Option<String> {
        self.serde().rename.deserialize
    }
}
