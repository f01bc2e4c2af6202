//! The operations, one unit each: [`Property`] (`add`/`remove`), [`Rename`], [`Move`]
//! (`hoist`/`plunge`), [`Wrap`] and [`Head`], [`In`] and [`Map`], [`Convert`].
//!
//! Every operation runs at a *current value* (the document root, or what `in`/`map` descended
//! into). Operations on a property (all but `map`) need the current value to be an object and
//! fail otherwise; an operation whose property is missing does nothing unless its semantics
//! say otherwise (`head` and `remove` going down insert their default).

mod add_remove;
mod convert;
mod hoist_plunge;
mod in_map;
mod kind;
mod rename;
mod values;
mod wrap_head;

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map as JsonMap, Value};

pub use add_remove::Property;
pub use convert::Convert;
pub use hoist_plunge::Move;
pub use in_map::{In, Map};
pub use kind::OpKind;
pub use rename::Rename;
pub use wrap_head::{Head, Wrap};

use super::{LensError, LossItem, Way};

/// One operation of a lens, tagged by `"op"` in its JSON form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "lowercase")]
#[serde(bound(
    serialize = "N: Serialize, V: Serialize",
    deserialize = "N: Deserialize<'de>, V: Deserialize<'de>"
))]
pub enum LensOp<N = String, V = Value> {
    /// Up: insert a property (with its default) when missing. Down: remove it.
    Add(Property<N, V>),
    /// Up: remove a property. Down: insert it with its default (null when there is none).
    Remove(Property<N, V>),
    /// Rename a property.
    Rename(Rename<N>),
    /// Up: move `host.name` to `name`. Down: move it back.
    Hoist(Move<N>),
    /// Up: move `name` into `host.name`. Down: move it back out.
    Plunge(Move<N>),
    /// Up: a value becomes a one-element array (null: empty). Down: the first element.
    Wrap(Wrap<N, V>),
    /// Up: an array becomes its first element (or the default). Down: a one-element array.
    Head(Head<N, V>),
    /// Apply operations inside the value of a property.
    In(In<N, V>),
    /// Apply operations to every element of the current array.
    Map(Map<N, V>),
    /// Map a property's value through a table.
    Convert(Convert<N, V>),
}

impl LensOp {
    /// How errors and reports name the operation: `add `important``, `convert `status``.
    pub fn describe(&self) -> String {
        match self {
            LensOp::Add(p) => format!("add `{}`", p.name),
            LensOp::Remove(p) => format!("remove `{}`", p.name),
            LensOp::Rename(r) => format!("rename `{}` to `{}`", r.from, r.to),
            LensOp::Hoist(m) => format!("hoist `{}` out of `{}`", m.name, m.host),
            LensOp::Plunge(m) => format!("plunge `{}` into `{}`", m.name, m.host),
            LensOp::Wrap(w) => format!("wrap `{}`", w.name),
            LensOp::Head(h) => format!("head `{}`", h.name),
            LensOp::In(i) => format!("in `{}`", i.name),
            LensOp::Map(_) => "map".to_owned(),
            LensOp::Convert(c) => format!("convert `{}`", c.name),
        }
    }

    /// The operation whose up is this one's down.
    pub fn reverse(&self) -> LensOp {
        match self {
            LensOp::Add(p) => LensOp::Remove(p.clone()),
            LensOp::Remove(p) => LensOp::Add(p.clone()),
            LensOp::Rename(r) => LensOp::Rename(r.reverse()),
            LensOp::Hoist(m) => LensOp::Plunge(m.clone()),
            LensOp::Plunge(m) => LensOp::Hoist(m.clone()),
            LensOp::Wrap(w) => LensOp::Head(w.reverse()),
            LensOp::Head(h) => LensOp::Wrap(h.reverse()),
            LensOp::In(i) => LensOp::In(i.reverse()),
            LensOp::Map(m) => LensOp::Map(m.reverse()),
            LensOp::Convert(c) => LensOp::Convert(c.reverse()),
        }
    }

    /// Checks the operation itself; `at` is its pointer inside the lens (`/ops/2`).
    pub fn validate(&self, at: &str) -> Result<(), LensError> {
        let names: Vec<&str> = match self {
            LensOp::Add(p) | LensOp::Remove(p) => vec![&p.name],
            LensOp::Rename(r) => vec![&r.from, &r.to],
            LensOp::Hoist(m) | LensOp::Plunge(m) => vec![&m.host, &m.name],
            LensOp::Wrap(w) => vec![&w.name],
            LensOp::Head(h) => vec![&h.name],
            LensOp::In(i) => vec![&i.name],
            LensOp::Map(_) => vec![],
            LensOp::Convert(c) => vec![&c.name],
        };
        if names.iter().any(|n| n.is_empty()) {
            return Err(LensError::new(
                at,
                self.describe(),
                "property names must not be empty",
            ));
        }
        match self {
            LensOp::Rename(r) => r.validate(at),
            LensOp::In(i) => validate_all(&i.ops, &format!("{at}/ops")),
            LensOp::Map(m) => validate_all(&m.ops, &format!("{at}/ops")),
            LensOp::Convert(c) => c.validate(at),
            _ => Ok(()),
        }
    }

    /// Runs the operation on the current value `doc`, found at `at` in the document.
    pub fn apply(&self, doc: &mut Value, direction: Way, at: &str) -> Result<(), LensError> {
        match self {
            LensOp::Add(p) => p.apply_add(doc, direction, at),
            LensOp::Remove(p) => p.apply_add(doc, direction.flip(), at),
            LensOp::Rename(r) => r.apply(doc, direction, at),
            LensOp::Hoist(m) => m.apply_hoist(doc, direction, at),
            LensOp::Plunge(m) => m.apply_hoist(doc, direction.flip(), at),
            LensOp::Wrap(w) => w.apply(doc, direction, at),
            LensOp::Head(h) => h.apply(doc, direction, at),
            LensOp::In(i) => i.apply(doc, direction, at),
            LensOp::Map(m) => m.apply(doc, direction, at),
            LensOp::Convert(c) => c.apply(doc, direction, at),
        }
    }

    /// Edits the object schema at `at` (a pointer into `root`, already resolved through
    /// `$ref`s and nullable wrappers).
    pub fn apply_schema(
        &self,
        root: &mut Value,
        direction: Way,
        at: &str,
    ) -> Result<(), LensError> {
        match self {
            LensOp::Add(p) => p.schema_add(root, direction, at),
            LensOp::Remove(p) => p.schema_add(root, direction.flip(), at),
            LensOp::Rename(r) => r.apply_schema(root, direction, at),
            LensOp::Hoist(m) => m.schema_hoist(root, direction, at),
            LensOp::Plunge(m) => m.schema_hoist(root, direction.flip(), at),
            LensOp::Wrap(w) => w.apply_schema(root, direction, at),
            LensOp::Head(h) => h.apply_schema(root, direction, at),
            LensOp::In(i) => i.apply_schema(root, direction, at),
            LensOp::Map(m) => m.apply_schema(root, direction, at),
            LensOp::Convert(c) => c.apply_schema(root, direction, at),
        }
    }

    /// Adds what a round trip through this operation can lose; `at` is the instance path.
    pub fn loss(&self, at: &str, out: &mut Vec<LossItem>) {
        match self {
            LensOp::Add(p) => p.loss(self, at, out),
            LensOp::Remove(p) => p.loss(self, at, out),
            LensOp::Rename(_) | LensOp::Hoist(_) | LensOp::Plunge(_) => {}
            LensOp::Wrap(w) => w.loss(at, out),
            LensOp::Head(h) => h.loss(at, out),
            LensOp::In(i) => loss_all(&i.ops, &push(at, &i.name), out),
            LensOp::Map(m) => loss_all(&m.ops, &push(at, "*"), out),
            LensOp::Convert(c) => c.loss(at, out),
        }
    }

    /// The document paths (relative to the current value, `*` for every element) this
    /// operation reads or writes, for naming the operation behind a schema difference.
    pub fn touches(&self, at: &str) -> Vec<String> {
        match self {
            LensOp::Add(p) | LensOp::Remove(p) => vec![push(at, &p.name)],
            LensOp::Rename(r) => vec![push(at, &r.from), push(at, &r.to)],
            LensOp::Hoist(m) | LensOp::Plunge(m) => {
                vec![push(at, &m.name), push(&push(at, &m.host), &m.name)]
            }
            LensOp::Wrap(w) => vec![push(at, &w.name)],
            LensOp::Head(h) => vec![push(at, &h.name)],
            LensOp::In(i) => {
                let inner = push(at, &i.name);
                let mut all: Vec<String> = i.ops.iter().flat_map(|o| o.touches(&inner)).collect();
                all.push(inner);
                all
            }
            LensOp::Map(m) => {
                let inner = push(at, "*");
                m.ops.iter().flat_map(|o| o.touches(&inner)).collect()
            }
            LensOp::Convert(c) => vec![push(at, &c.name)],
        }
    }
}

/// Applies `ops` in order going up, in reverse order going down.
pub(crate) fn apply_all(
    ops: &[LensOp],
    doc: &mut Value,
    direction: Way,
    at: &str,
) -> Result<(), LensError> {
    match direction {
        Way::Up => ops.iter().try_for_each(|op| op.apply(doc, direction, at)),
        Way::Down => ops
            .iter()
            .rev()
            .try_for_each(|op| op.apply(doc, direction, at)),
    }
}

pub(crate) fn apply_schema_all(
    ops: &[LensOp],
    root: &mut Value,
    direction: Way,
    at: &str,
) -> Result<(), LensError> {
    match direction {
        Way::Up => ops
            .iter()
            .try_for_each(|op| op.apply_schema(root, direction, at)),
        Way::Down => ops
            .iter()
            .rev()
            .try_for_each(|op| op.apply_schema(root, direction, at)),
    }
}

pub(crate) fn reverse_all(ops: &[LensOp]) -> Vec<LensOp> {
    ops.iter().rev().map(LensOp::reverse).collect()
}

pub(crate) fn validate_all(ops: &[LensOp], at: &str) -> Result<(), LensError> {
    ops.iter()
        .enumerate()
        .try_for_each(|(i, op)| op.validate(&format!("{at}/{i}")))
}

pub(crate) fn loss_all(ops: &[LensOp], at: &str, out: &mut Vec<LossItem>) {
    for op in ops {
        op.loss(at, out);
    }
}

/// Appends one token to a JSON pointer.
pub(crate) fn push(pointer: &str, token: &str) -> String {
    crate::pointer::push(pointer, token)
}

/// The current value as an object, or an error naming what it is instead.
pub(crate) fn object_mut<'a>(
    doc: &'a mut Value,
    at: &str,
    op: &str,
) -> Result<&'a mut JsonMap<String, Value>, LensError> {
    let kind = kind(doc);
    doc.as_object_mut().ok_or_else(|| {
        LensError::new(
            at,
            op.to_owned(),
            format!("expected an object, found {kind}"),
        )
    })
}

/// `null`, `a boolean`, `a number`, `a string`, `an array`, `an object`.
pub(crate) fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// For optional fields whose explicit `null` differs from their absence (`"default": null`).
pub(crate) fn present<'de, D: Deserializer<'de>, V: Deserialize<'de>>(
    d: D,
) -> Result<Option<V>, D::Error> {
    V::deserialize(d).map(Some)
}
