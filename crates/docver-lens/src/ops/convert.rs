//! `convert`: a property's value is mapped through a table, one table per direction.
//!
//! Going up, a value equal (exact JSON equality) to a key of `forward` becomes its value; any
//! other value becomes `forward_default`, or is an error naming the pointer when there is no
//! default. Going down the same with `reverse` and `reverse_default`. A missing property stays
//! missing. When `reverse` is absent it is derived from `forward`, which must then be a
//! bijection (distinct keys, distinct values) without `forward_default`; otherwise the lens is
//! invalid ([`crate::Lens::validate`] says why).
//!
//! Loss: lossless exactly when neither side has a default and `reverse` is the inverse of a
//! bijective `forward` (derived or spelled out); anything else merges values somewhere.
//!
//! Schema: the property schema becomes `schema` going up and `reverse_schema` going down (the
//! destination and source types, Cambria's `destinationType`/`sourceType`); when one is left
//! out it is the `enum` of the values that side's table (and default) can produce.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{object_mut, present, push};
use crate::schema;
use crate::{LensError, LossItem, Way};

/// `convert`: the property's values mapped through a table each way.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(bound(deserialize = "N: Deserialize<'de>, V: Deserialize<'de>"))]
pub struct Convert<N = String, V = Value> {
    /// The property whose values are converted.
    pub name: N,
    /// `[old value, new value]` pairs.
    pub forward: Vec<(V, V)>,
    /// The new value for an old value not in `forward` (absent: such a value is an error).
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub forward_default: Option<V>,
    /// `[new value, old value]` pairs; derived from `forward` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reverse: Option<Vec<(V, V)>>,
    /// The old value for a new value not in the reverse table.
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub reverse_default: Option<V>,
    /// The property's schema in the new version (up).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<Value>,
    /// The property's schema in the old version (down).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reverse_schema: Option<Value>,
}

/// The first value that occurs twice among `values`.
fn duplicate<'a>(mut values: impl Iterator<Item = &'a Value>) -> Option<&'a Value> {
    let mut seen: Vec<&Value> = Vec::new();
    values.find(|v| {
        if seen.contains(v) {
            true
        } else {
            seen.push(v);
            false
        }
    })
}

impl Convert {
    fn describe(&self) -> String {
        format!("convert `{}`", self.name)
    }

    /// The reverse table: the explicit one, or `forward` inverted when that is a bijection.
    pub fn reverse_table(&self) -> Result<Vec<(Value, Value)>, String> {
        if let Some(reverse) = &self.reverse {
            return Ok(reverse.clone());
        }
        if let Some(key) = duplicate(self.forward.iter().map(|(k, _)| k)) {
            return Err(format!(
                "no reverse table, and `forward` maps {key} twice, so none can be derived"
            ));
        }
        if let Some(value) = duplicate(self.forward.iter().map(|(_, v)| v)) {
            return Err(format!(
                "no reverse table, and `forward` is not a bijection ({value} is the image of \
                 more than one value), so none can be derived"
            ));
        }
        if self.forward_default.is_some() {
            return Err(
                "no reverse table, and `forward_default` merges values, so none can be derived"
                    .into(),
            );
        }
        Ok(self
            .forward
            .iter()
            .map(|(k, v)| (v.clone(), k.clone()))
            .collect())
    }

    /// Swaps the tables, defaults and schemas. An underivable reverse table becomes an empty
    /// forward table, so the reversed lens fails on every value rather than guess.
    pub(crate) fn reverse(&self) -> Convert {
        let derived = self.reverse.is_none() && self.reverse_table().is_ok();
        Convert {
            name: self.name.clone(),
            forward: self.reverse_table().unwrap_or_default(),
            forward_default: self.reverse_default.clone(),
            // A derived reverse stays derived, so reversing twice gives the lens back.
            reverse: (!derived).then(|| self.forward.clone()),
            reverse_default: self.forward_default.clone(),
            schema: self.reverse_schema.clone(),
            reverse_schema: self.schema.clone(),
        }
    }

    pub(crate) fn validate(&self, at: &str) -> Result<(), LensError> {
        if let Some(key) = duplicate(self.forward.iter().map(|(k, _)| k)) {
            return Err(LensError::new(
                &format!("{at}/forward"),
                self.describe(),
                format!("`forward` maps {key} more than once"),
            ));
        }
        if let Some(reverse) = &self.reverse
            && let Some(key) = duplicate(reverse.iter().map(|(k, _)| k))
        {
            return Err(LensError::new(
                &format!("{at}/reverse"),
                self.describe(),
                format!("`reverse` maps {key} more than once"),
            ));
        }
        self.reverse_table()
            .map(|_| ())
            .map_err(|m| LensError::new(at, self.describe(), m))
    }

    pub(crate) fn apply(&self, doc: &mut Value, direction: Way, at: &str) -> Result<(), LensError> {
        let op = self.describe();
        let object = object_mut(doc, at, &op)?;
        let Some(value) = object.get_mut(&self.name) else {
            return Ok(());
        };
        let here = push(at, &self.name);
        let derived;
        let (table, default, table_name) = match direction {
            Way::Up => (&self.forward, &self.forward_default, "forward"),
            Way::Down => {
                derived = self
                    .reverse_table()
                    .map_err(|m| LensError::new(&here, op.clone(), m))?;
                (&derived, &self.reverse_default, "reverse")
            }
        };
        let mapped = table
            .iter()
            .find(|(k, _)| k == value)
            .map(|(_, v)| v.clone())
            .or_else(|| default.clone());
        match mapped {
            Some(new) => {
                *value = new;
                Ok(())
            }
            None => Err(LensError::new(
                &here,
                op,
                format!(
                    "{value} is not in the {table_name} table and there is no \
                     {table_name}_default"
                ),
            )),
        }
    }

    pub(crate) fn apply_schema(
        &self,
        root: &mut Value,
        direction: Way,
        at: &str,
    ) -> Result<(), LensError> {
        let fail = |m: String| LensError::new(at, self.describe(), m);
        if schema::property(root, at, &self.name).is_none() {
            return Err(fail(format!("the schema has no property `{}`", self.name)));
        }
        let (declared, table, default) = match direction {
            Way::Up => (&self.schema, self.forward.clone(), &self.forward_default),
            Way::Down => (
                &self.reverse_schema,
                self.reverse_table().map_err(fail)?,
                &self.reverse_default,
            ),
        };
        let property = match declared {
            Some(s) => schema::adopt(root, s),
            None => schema::enum_of(table.iter().map(|(_, v)| v).chain(default.iter())),
        };
        schema::replace_property(root, at, &self.name, property).map_err(fail)?;
        Ok(())
    }

    /// Why a round trip can change the value, if it can.
    pub fn lossy_because(&self) -> Option<String> {
        if self.forward_default.is_some() {
            return Some("`forward_default` maps every other value to one value".into());
        }
        if self.reverse_default.is_some() {
            return Some("`reverse_default` maps every other value to one value".into());
        }
        let reverse = match self.reverse_table() {
            Ok(r) => r,
            Err(e) => return Some(e),
        };
        if let Some(value) = duplicate(self.forward.iter().map(|(_, v)| v)) {
            return Some(format!("`forward` maps more than one value to {value}"));
        }
        let inverse = reverse.len() == self.forward.len()
            && self
                .forward
                .iter()
                .all(|(k, v)| reverse.iter().any(|(rk, rv)| rk == v && rv == k));
        (!inverse).then(|| "`reverse` is not the inverse of `forward`".into())
    }

    pub(crate) fn loss(&self, at: &str, out: &mut Vec<LossItem>) {
        if let Some(reason) = self.lossy_because() {
            out.push(LossItem {
                pointer: push(at, &self.name),
                op: self.describe(),
                reason,
            });
        }
    }
}
