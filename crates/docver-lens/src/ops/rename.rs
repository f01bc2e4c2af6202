//! `rename`: a property changes its name (`from` on the old side, `to` on the new side).
//!
//! A missing property stays missing. Renaming onto a property that already exists is an error
//! rather than an overwrite, so a rename never loses data. The schema transform moves the
//! property schema and its `required` entry, keeping the property's position.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::object_mut;
use crate::schema;
use crate::{LensError, Way};

/// `rename`: a property takes a new name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rename<N = String> {
    /// The older version's name.
    pub from: N,
    /// The newer version's name.
    pub to: N,
}

impl Rename {
    fn describe(&self) -> String {
        format!("rename `{}` to `{}`", self.from, self.to)
    }

    pub(crate) fn reverse(&self) -> Rename {
        Rename {
            from: self.to.clone(),
            to: self.from.clone(),
        }
    }

    pub(crate) fn validate(&self, at: &str) -> Result<(), LensError> {
        if self.from == self.to {
            return Err(LensError::new(
                at,
                self.describe(),
                "a rename must change the name",
            ));
        }
        Ok(())
    }

    fn names(&self, direction: Way) -> (&str, &str) {
        match direction {
            Way::Up => (&self.from, &self.to),
            Way::Down => (&self.to, &self.from),
        }
    }

    pub(crate) fn apply(&self, doc: &mut Value, direction: Way, at: &str) -> Result<(), LensError> {
        let (source, target) = self.names(direction);
        let object = object_mut(doc, at, &self.describe())?;
        if !object.contains_key(source) {
            return Ok(());
        }
        if object.contains_key(target) {
            return Err(LensError::new(
                at,
                self.describe(),
                format!("cannot rename `{source}` to `{target}`: `{target}` already exists"),
            ));
        }
        let index = object.keys().position(|k| k == source).expect("present");
        let (_, value) = object.shift_remove_entry(source).expect("present");
        object.shift_insert(index, target.to_owned(), value);
        Ok(())
    }

    pub(crate) fn apply_schema(
        &self,
        root: &mut Value,
        direction: Way,
        at: &str,
    ) -> Result<(), LensError> {
        let (source, target) = self.names(direction);
        let fail = |m: String| LensError::new(at, self.describe(), m);
        let object = schema::object_mut(root, at).map_err(fail)?;
        let Some(properties) = object.get_mut("properties").and_then(Value::as_object_mut) else {
            return Err(fail(format!("the schema has no property `{source}`")));
        };
        let Some(index) = properties.keys().position(|k| k == source) else {
            return Err(fail(format!("the schema has no property `{source}`")));
        };
        if properties.contains_key(target) {
            return Err(fail(format!(
                "the schema already has a property `{target}`"
            )));
        }
        let (_, value) = properties.shift_remove_entry(source).expect("present");
        properties.shift_insert(index, target.to_owned(), value);
        if schema::set_required(object, source, false) {
            schema::set_required(object, target, true);
        }
        Ok(())
    }
}
