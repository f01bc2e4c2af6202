//! `wrap` and `head`: a property changes between a single value and an array.
//!
//! `wrap` going up turns a value into a one-element array (`null` into `[]`); going down it
//! is `head` (with the wrap's optional `default`). `head` going up turns an array into its first element, or into
//! `default` (null when absent) when the array is empty, the property is null, or it is
//! missing; going down it is `wrap`. A `head` of anything else than an array or null is an
//! error. A missing property stays missing under `wrap`.
//!
//! Loss: `head` keeps only the first element, so both operations are reported lossy at the
//! property (for `wrap`, the way down drops the extra elements).
//!
//! Schema: `wrap` turns the property schema `s` into `{"type": "array", "items": s}` (without
//! null, since null becomes `[]`); `head` turns an array schema into its `items`, made
//! nullable when the default is null (an empty array becomes null).

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::{kind, object_mut, present, push};
use crate::schema;
use crate::{LensError, LossItem, Way};

/// `wrap`: a scalar becomes a one-element array (`head` reversed).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(bound(deserialize = "N: Deserialize<'de>, V: Deserialize<'de>"))]
pub struct Wrap<N = String, V = Value> {
    /// The property wrapped.
    pub name: N,
    /// Going down (a `head`), the value for an empty array (`null` when absent). Optional;
    /// it is what makes `head` reversed twice keep its default.
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub default: Option<V>,
}

/// `head`: an array becomes its first element (`wrap` reversed).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(bound(deserialize = "N: Deserialize<'de>, V: Deserialize<'de>"))]
pub struct Head<N = String, V = Value> {
    /// The property whose array is cut to its head.
    pub name: N,
    /// The value for an empty, null or missing array (`null` when absent).
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub default: Option<V>,
}

impl Wrap {
    pub(crate) fn reverse(&self) -> Head {
        Head {
            name: self.name.clone(),
            default: self.default.clone(),
        }
    }

    pub(crate) fn apply(&self, doc: &mut Value, direction: Way, at: &str) -> Result<(), LensError> {
        let op = format!("wrap `{}`", self.name);
        match direction {
            Way::Up => wrap(doc, &self.name, at, &op),
            Way::Down => head(doc, &self.name, self.default.as_ref(), at, &op),
        }
    }

    pub(crate) fn apply_schema(
        &self,
        root: &mut Value,
        direction: Way,
        at: &str,
    ) -> Result<(), LensError> {
        let op = format!("wrap `{}`", self.name);
        match direction {
            Way::Up => wrap_schema(root, &self.name, at, &op),
            Way::Down => head_schema(root, &self.name, self.default.as_ref(), at, &op),
        }
    }

    pub(crate) fn loss(&self, at: &str, out: &mut Vec<LossItem>) {
        out.push(LossItem {
            pointer: push(at, &self.name),
            op: format!("wrap `{}`", self.name),
            reason: "going down keeps only the first element of the array".into(),
        });
    }
}

impl Head {
    pub(crate) fn reverse(&self) -> Wrap {
        Wrap {
            name: self.name.clone(),
            default: self.default.clone(),
        }
    }

    pub(crate) fn apply(&self, doc: &mut Value, direction: Way, at: &str) -> Result<(), LensError> {
        let op = format!("head `{}`", self.name);
        match direction {
            Way::Up => head(doc, &self.name, self.default.as_ref(), at, &op),
            Way::Down => wrap(doc, &self.name, at, &op),
        }
    }

    pub(crate) fn apply_schema(
        &self,
        root: &mut Value,
        direction: Way,
        at: &str,
    ) -> Result<(), LensError> {
        let op = format!("head `{}`", self.name);
        match direction {
            Way::Up => head_schema(root, &self.name, self.default.as_ref(), at, &op),
            Way::Down => wrap_schema(root, &self.name, at, &op),
        }
    }

    pub(crate) fn loss(&self, at: &str, out: &mut Vec<LossItem>) {
        out.push(LossItem {
            pointer: push(at, &self.name),
            op: format!("head `{}`", self.name),
            reason: "going up keeps only the first element of the array".into(),
        });
    }
}

fn wrap(doc: &mut Value, name: &str, at: &str, op: &str) -> Result<(), LensError> {
    let object = object_mut(doc, at, op)?;
    if let Some(value) = object.get_mut(name) {
        *value = match value.take() {
            Value::Null => json!([]),
            other => json!([other]),
        };
    }
    Ok(())
}

fn head(
    doc: &mut Value,
    name: &str,
    default: Option<&Value>,
    at: &str,
    op: &str,
) -> Result<(), LensError> {
    let object = object_mut(doc, at, op)?;
    let default = || default.cloned().unwrap_or(Value::Null);
    let slot = object.entry(name.to_owned()).or_insert(Value::Null);
    *slot = match slot.take() {
        Value::Null => default(),
        Value::Array(items) => items.into_iter().next().unwrap_or_else(default),
        other => {
            return Err(LensError::new(
                &push(at, name),
                op.to_owned(),
                format!("expected an array, found {}", kind(&other)),
            ));
        }
    };
    Ok(())
}

fn wrap_schema(root: &mut Value, name: &str, at: &str, op: &str) -> Result<(), LensError> {
    let fail = |m: String| LensError::new(at, op.to_owned(), m);
    let property = schema::property(root, at, name)
        .ok_or_else(|| fail(format!("the schema has no property `{name}`")))?;
    let array = json!({"type": "array", "items": schema::non_null(property)});
    schema::replace_property(root, at, name, array).map_err(fail)?;
    Ok(())
}

fn head_schema(
    root: &mut Value,
    name: &str,
    default: Option<&Value>,
    at: &str,
    op: &str,
) -> Result<(), LensError> {
    let fail = |m: String| LensError::new(at, op.to_owned(), m);
    if schema::property(root, at, name).is_none() {
        return Err(fail(format!("the schema has no property `{name}`")));
    }
    let array_at = schema::resolve(root, &schema::property_pointer(at, name)).map_err(fail)?;
    let items = root
        .pointer(&array_at)
        .and_then(|a| a.get("items"))
        .cloned()
        .unwrap_or_else(|| json!({}));
    let element = match default {
        None | Some(Value::Null) => schema::nullable(&items),
        Some(_) => items,
    };
    schema::replace_property(root, at, name, element).map_err(fail)?;
    Ok(())
}
