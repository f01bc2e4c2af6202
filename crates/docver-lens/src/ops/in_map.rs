//! `in` and `map`: where the nested operations run.
//!
//! `in` runs its operations on the value of property `name` (nothing happens when it is
//! missing or null); `map` runs them on every element of the current value, which must be an
//! array (`null` is left alone; an object or a scalar is an error: use `in(name, map(…))` to
//! reach an array held by a property). Both are their own inverse with the nested operations
//! reversed.
//!
//! Schema: `in` follows the property's schema (through `$ref` into `$defs` and the non-null
//! branch of an `Option`); `map` follows `items`. A `$defs` entry reached this way is edited in
//! place, so every other use of it sees the change too.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{LensOp, apply_all, apply_schema_all, kind, object_mut, push, reverse_all};
use crate::schema;
use crate::{LensError, Way};

/// `in`: operations applied inside the object held by a property.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct In<N = String, V = Value> {
    /// The property holding the object.
    pub name: N,
    /// The operations, applied to that object.
    pub ops: Vec<LensOp<N, V>>,
}

/// `map`: operations applied to every element of the array it is `in`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Map<N = String, V = Value> {
    /// The operations, applied to each element.
    pub ops: Vec<LensOp<N, V>>,
}

impl In {
    pub(crate) fn reverse(&self) -> In {
        In {
            name: self.name.clone(),
            ops: reverse_all(&self.ops),
        }
    }

    pub(crate) fn apply(&self, doc: &mut Value, direction: Way, at: &str) -> Result<(), LensError> {
        let object = object_mut(doc, at, &format!("in `{}`", self.name))?;
        match object.get_mut(&self.name) {
            None | Some(Value::Null) => Ok(()),
            Some(inner) => apply_all(&self.ops, inner, direction, &push(at, &self.name)),
        }
    }

    pub(crate) fn apply_schema(
        &self,
        root: &mut Value,
        direction: Way,
        at: &str,
    ) -> Result<(), LensError> {
        let op = format!("in `{}`", self.name);
        if schema::property(root, at, &self.name).is_none() {
            return Err(LensError::new(
                at,
                op,
                format!("the schema has no property `{}`", self.name),
            ));
        }
        let inner = schema::resolve(root, &schema::property_pointer(at, &self.name))
            .map_err(|m| LensError::new(at, op, m))?;
        apply_schema_all(&self.ops, root, direction, &inner)
    }
}

impl Map {
    pub(crate) fn reverse(&self) -> Map {
        Map {
            ops: reverse_all(&self.ops),
        }
    }

    pub(crate) fn apply(&self, doc: &mut Value, direction: Way, at: &str) -> Result<(), LensError> {
        match doc {
            Value::Null => Ok(()),
            Value::Array(items) => items.iter_mut().enumerate().try_for_each(|(i, item)| {
                apply_all(&self.ops, item, direction, &push(at, &i.to_string()))
            }),
            other => Err(LensError::new(
                at,
                "map".to_owned(),
                format!("expected an array, found {}", kind(other)),
            )),
        }
    }

    pub(crate) fn apply_schema(
        &self,
        root: &mut Value,
        direction: Way,
        at: &str,
    ) -> Result<(), LensError> {
        let fail = |m: String| LensError::new(at, "map".to_owned(), m);
        let has_items = root.pointer(at).and_then(|s| s.get("items")).is_some();
        if !has_items {
            return Err(fail(
                "the schema is not an array schema with `items`".into(),
            ));
        }
        let items = schema::resolve(root, &push(at, "items")).map_err(fail)?;
        apply_schema_all(&self.ops, root, direction, &items)
    }
}
