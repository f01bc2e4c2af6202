//! `add` and `remove`: a property that exists on one side of the step only.
//!
//! `add` going up inserts `name` with `default` (null when there is none) when the property is
//! missing and leaves a present value alone; going down it removes the property. `remove` is
//! the same operation the other way round: going up it removes `name`, going down it inserts
//! `default`.
//!
//! Loss: the removed value is replaced by the default on the way back. With a default that is
//! the declared behaviour (lossless on documents holding the default); without one, the way
//! back inserts `null`, which is reported as lossy.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::{LensOp, object_mut, present, push};
use crate::schema;
use crate::{LensError, LossItem, Way};

/// The property of an `add` or `remove`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(bound(deserialize = "N: Deserialize<'de>, V: Deserialize<'de>"))]
pub struct Property<N = String, V = Value> {
    /// The property added or removed.
    pub name: N,
    /// The value inserted where the property is added (`null` is a default; absent is none).
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub default: Option<V>,
    /// The property's JSON Schema, for [`crate::Lens::apply_schema`] (`{}` if absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<Value>,
    /// Whether the property is listed in `required` where it exists (always written, so that
    /// a lens's JSON form says so either way).
    #[serde(default)]
    pub required: bool,
}

impl Property {
    fn describe(&self, adding: bool) -> String {
        format!("{} `{}`", if adding { "add" } else { "remove" }, self.name)
    }

    /// `add` in `direction` (`remove` is `add` in the other direction).
    pub(crate) fn apply_add(
        &self,
        doc: &mut Value,
        direction: Way,
        at: &str,
    ) -> Result<(), LensError> {
        let op = self.describe(direction == Way::Up);
        let object = object_mut(doc, at, &op)?;
        match direction {
            Way::Up => {
                if !object.contains_key(&self.name) {
                    object.insert(
                        self.name.clone(),
                        self.default.clone().unwrap_or(Value::Null),
                    );
                }
            }
            Way::Down => {
                object.shift_remove(&self.name);
            }
        }
        Ok(())
    }

    /// Going up adds the property's `schema` (and `required` entry); going down removes it.
    pub(crate) fn schema_add(
        &self,
        root: &mut Value,
        direction: Way,
        at: &str,
    ) -> Result<(), LensError> {
        let op = self.describe(direction == Way::Up);
        let result = match direction {
            Way::Up => {
                let property = match &self.schema {
                    Some(s) => schema::adopt(root, s),
                    None => json!({}),
                };
                schema::put_property(root, at, &self.name, property, self.required)
            }
            Way::Down => schema::take_property(root, at, &self.name).map(|_| ()),
        };
        result.map_err(|m| LensError::new(at, op, m))
    }

    pub(crate) fn loss(&self, op: &LensOp, at: &str, out: &mut Vec<LossItem>) {
        if self.default.is_some() {
            return;
        }
        let reason = match op {
            LensOp::Add(_) => format!(
                "`{}` has no default: a document going down loses it, and coming back up gets null",
                self.name
            ),
            _ => format!(
                "`{}` has no default: a document going up loses it, and coming back down gets null",
                self.name
            ),
        };
        out.push(LossItem {
            pointer: push(at, &self.name),
            op: op.describe(),
            reason,
        });
    }
}
