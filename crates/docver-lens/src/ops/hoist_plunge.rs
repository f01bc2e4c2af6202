//! `hoist` and `plunge`: a property moves between a nested object (`host`) and the current
//! object.
//!
//! `hoist` going up moves `host.name` to `name`; going down it moves `name` back into `host`,
//! creating `host` as `{}` when it is missing or null. `plunge` is the same operation the
//! other way round. Nothing happens when the property to move is missing (or the host is
//! missing or null going up). Moving onto a property that exists is an error, not an
//! overwrite, so the pair is lossless on documents without such a collision.
//!
//! Schema: the property schema moves between the host's `properties` and the current
//! object's. Hoisted, the property is required when it was required in the host and the host
//! is required; plunged, it is required in the host when it was required where it was.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::{kind, object_mut, push};
use crate::schema;
use crate::{LensError, Way};

/// The property and its host object of a `hoist` or `plunge`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Move<N = String> {
    /// The object property the value moves out of (hoist) or into (plunge).
    pub host: N,
    /// The property that moves.
    pub name: N,
}

impl Move {
    fn describe(&self, hoisting: bool) -> String {
        if hoisting {
            format!("hoist `{}` out of `{}`", self.name, self.host)
        } else {
            format!("plunge `{}` into `{}`", self.name, self.host)
        }
    }

    /// `hoist` in `direction` (`plunge` is `hoist` in the other direction).
    pub(crate) fn apply_hoist(
        &self,
        doc: &mut Value,
        direction: Way,
        at: &str,
    ) -> Result<(), LensError> {
        let op = self.describe(direction == Way::Up);
        let object = object_mut(doc, at, &op)?;
        match direction {
            // Out of the host.
            Way::Up => {
                let host_at = push(at, &self.host);
                let value = match object.get_mut(&self.host) {
                    None | Some(Value::Null) => return Ok(()),
                    Some(Value::Object(host)) => match host.shift_remove(&self.name) {
                        Some(v) => v,
                        None => return Ok(()),
                    },
                    Some(other) => {
                        return Err(LensError::new(
                            &host_at,
                            op,
                            format!("expected an object, found {}", kind(other)),
                        ));
                    }
                };
                if object.contains_key(&self.name) {
                    return Err(LensError::new(
                        at,
                        op,
                        format!("`{}` already exists", self.name),
                    ));
                }
                object.insert(self.name.clone(), value);
            }
            // Into the host.
            Way::Down => {
                if !object.contains_key(&self.name) {
                    return Ok(());
                }
                let host_at = push(at, &self.host);
                let host = object.entry(self.host.clone()).or_insert(Value::Null);
                if host.is_null() {
                    *host = json!({});
                }
                let found = kind(host);
                let Some(host) = host.as_object_mut() else {
                    return Err(LensError::new(
                        &host_at,
                        op,
                        format!("expected an object, found {found}"),
                    ));
                };
                if host.contains_key(&self.name) {
                    return Err(LensError::new(
                        &host_at,
                        op,
                        format!("`{}` already exists", self.name),
                    ));
                }
                let value = object.shift_remove(&self.name).expect("present");
                object
                    .get_mut(&self.host)
                    .and_then(Value::as_object_mut)
                    .expect("host is an object")
                    .insert(self.name.clone(), value);
            }
        }
        Ok(())
    }

    pub(crate) fn schema_hoist(
        &self,
        root: &mut Value,
        direction: Way,
        at: &str,
    ) -> Result<(), LensError> {
        let op = self.describe(direction == Way::Up);
        let fail = |m: String| LensError::new(at, op.clone(), m);
        if schema::property(root, at, &self.host).is_none() {
            match direction {
                Way::Up => {
                    return Err(fail(format!("the schema has no property `{}`", self.host)));
                }
                Way::Down => {
                    schema::put_property(
                        root,
                        at,
                        &self.host,
                        json!({"type": "object", "properties": {}}),
                        false,
                    )
                    .map_err(fail)?;
                }
            }
        }
        let host_at =
            schema::resolve(root, &schema::property_pointer(at, &self.host)).map_err(fail)?;
        let host_required = schema::is_required(root, at, &self.host);
        match direction {
            Way::Up => {
                let (property, required) =
                    schema::take_property(root, &host_at, &self.name).map_err(fail)?;
                schema::put_property(root, at, &self.name, property, required && host_required)
                    .map_err(fail)
            }
            Way::Down => {
                let (property, required) =
                    schema::take_property(root, at, &self.name).map_err(fail)?;
                schema::put_property(root, &host_at, &self.name, property, required).map_err(fail)
            }
        }
    }
}
