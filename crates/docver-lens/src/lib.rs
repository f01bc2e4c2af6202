//! `docver-lens`: Cambria-style lenses, declarative and reversible migrations between two
//! versions of a document, and the JSON pointers they report with.
//!
//! This crate holds the one typed model of lens operations ([`LensOp`] and its operation
//! types): the reference interpreter runs it over JSON (`LensOp<String, Value>`, the
//! defaults), the attribute parser of `docver-attr` builds it over Rust names and expressions
//! (`LensOp<Ident, Expr>`), and the derive emits it through its serialization. `docver`
//! re-exports it as `docver::lens` and `docver::pointer`. It depends on serde alone so that all
//! of them can.
//!
//! A [`Lens`] is a list of [`LensOp`]s. Applied [`Way::Up`] it turns a version-N document
//! into a version-N+1 document; applied [`Way::Down`] it turns it back. Every operation
//! has an inverse ([`Lens::reverse`]), so a step declared once runs both ways. The same lens
//! also edits JSON Schemas ([`Lens::apply_schema`]), which is how `diff` checks that a step's
//! declared lenses agree with its schemas (rule `lens-disagrees`).
//!
//! This module is the reference interpreter over [`serde_json::Value`]; the derive generates
//! typed code with the same semantics. The JSON form (what the derive emits and what schemas
//! carry under `x-docver-lens`) is
//!
//! ```json
//! {"from": 2, "to": 3, "ops": [{"op": "rename", "from": "name", "to": "title"}]}
//! ```
//!
//! and the semantics of each operation are documented on its type in [`ops`] and in
//! `docs/lenses.md`.

#![warn(missing_docs)]

pub mod ops;
pub mod pointer;
mod schema;

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;

pub use ops::{Convert, Head, In, LensOp, Map, Move, OpKind, Property, Rename, Wrap};

/// The root keyword under which a schema carries the lens that produced it from the previous
/// version's schema.
pub const LENS_KEYWORD: &str = "x-docver-lens";

/// Which way a lens runs: up (an upgrade) or down (a downgrade); named apart from the
/// checker's `Direction` (backward or forward compatibility).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Way {
    /// From version `from` to version `to` (an upgrade).
    Up,
    /// From version `to` back to version `from` (a downgrade).
    Down,
}

impl Way {
    /// Both ways, up first.
    pub const ALL: [Way; 2] = [Way::Up, Way::Down];

    /// The other direction.
    pub fn flip(self) -> Way {
        match self {
            Way::Up => Way::Down,
            Way::Down => Way::Up,
        }
    }

    /// `"up"` or `"down"`, as messages and the lens cases spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            Way::Up => "up",
            Way::Down => "down",
        }
    }
}

/// A lens: the operations that take a document from version `from` to version `to`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lens {
    /// The version this lens upgrades from (absent when the lens is not tied to versions).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<u64>,
    /// The version this lens upgrades to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<u64>,
    /// Applied in order going up, in reverse order (each inverted) going down.
    pub ops: Vec<LensOp>,
}

/// Why a lens could not be read, validated or applied.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}{}{message}", location(pointer), op.as_deref().map(|o| format!("{o}: ")).unwrap_or_default())]
pub struct LensError {
    /// Where: a JSON pointer into the document ([`Lens::apply`]), the schema
    /// ([`Lens::apply_schema`]) or the lens itself ([`Lens::validate`], `/ops/2/forward`).
    pub pointer: String,
    /// The operation that failed, as [`LensOp::describe`] names it (`convert `status``).
    pub op: Option<String>,
    /// What went wrong.
    pub message: String,
}

fn location(pointer: &str) -> String {
    if pointer.is_empty() {
        "at the root: ".to_owned()
    } else {
        format!("at {pointer}: ")
    }
}

impl LensError {
    pub(crate) fn new(pointer: &str, op: String, message: impl Into<String>) -> LensError {
        LensError {
            pointer: pointer.to_owned(),
            op: Some(op),
            message: message.into(),
        }
    }
}

/// What a round trip through a lens can lose.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum RoundTripLoss {
    /// `down(up(x)) == x` and `up(down(y)) == y` on the lens's domain (see `docs/lenses.md`).
    Lossless,
    /// Some round trip changes the document, at these places only.
    Lossy {
        /// The places, each with the operation and the reason.
        items: Vec<LossItem>,
    },
}

impl RoundTripLoss {
    /// Whether every round trip gives the document back unchanged.
    pub fn is_lossless(&self) -> bool {
        matches!(self, RoundTripLoss::Lossless)
    }

    /// The places that may differ after a round trip (empty when lossless).
    pub fn items(&self) -> &[LossItem] {
        match self {
            RoundTripLoss::Lossless => &[],
            RoundTripLoss::Lossy { items } => items,
        }
    }
}

/// One place where a round trip may lose data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LossItem {
    /// Where in documents, as a JSON pointer in which the token `*` stands for every element of
    /// an array (`/todos/*/status`). A round trip may change the value at this place and
    /// anything below it, nothing else.
    pub pointer: String,
    /// The operation, as [`LensOp::describe`] names it.
    pub op: String,
    /// Why a round trip may change the value there.
    pub reason: String,
}

impl Lens {
    /// A lens with no version numbers.
    pub fn new(ops: Vec<LensOp>) -> Lens {
        Lens {
            from: None,
            to: None,
            ops,
        }
    }

    /// Reads a lens from its JSON form and [validates](Lens::validate) it.
    pub fn from_value(value: &Value) -> Result<Lens, LensError> {
        let lens: Lens = serde_json::from_value(value.clone()).map_err(|e| LensError {
            pointer: String::new(),
            op: None,
            message: format!("not a lens: {e}"),
        })?;
        lens.validate()?;
        Ok(lens)
    }

    /// The JSON form.
    pub fn to_value(&self) -> Value {
        serde_json::to_value(self).expect("a lens serializes")
    }

    /// The lens whose up is this one's down: versions swapped, operations in reverse order,
    /// each inverted (`add` ↔ `remove`, `hoist` ↔ `plunge`, `wrap` ↔ `head`, a `convert` with
    /// its tables swapped, deriving the reverse table when it was left out).
    ///
    /// A `convert` whose reverse table cannot be derived is kept as is, so the reversed lens
    /// fails the same way (at `apply`, or at [`Lens::validate`]).
    pub fn reverse(&self) -> Lens {
        Lens {
            from: self.to,
            to: self.from,
            ops: ops::reverse_all(&self.ops),
        }
    }

    /// Checks what can be checked without a document: `convert` tables have distinct keys,
    /// and a missing reverse table can be derived (the forward one is a bijection); names are
    /// not empty; a rename changes the name.
    pub fn validate(&self) -> Result<(), LensError> {
        ops::validate_all(&self.ops, "/ops")
    }

    /// Runs the lens over `doc` in place. On error `doc` may be partly migrated; the error
    /// names the JSON pointer and the operation.
    pub fn apply(&self, doc: &mut Value, direction: Way) -> Result<(), LensError> {
        ops::apply_all(&self.ops, doc, direction, "")
    }

    /// [`Lens::apply`] on a copy.
    pub fn applied(&self, doc: &Value, direction: Way) -> Result<Value, LensError> {
        let mut doc = doc.clone();
        self.apply(&mut doc, direction)?;
        Ok(doc)
    }

    /// Whether a round trip loses data, and where.
    pub fn loss(&self) -> RoundTripLoss {
        let mut items = Vec::new();
        ops::loss_all(&self.ops, "", &mut items);
        if items.is_empty() {
            RoundTripLoss::Lossless
        } else {
            RoundTripLoss::Lossy { items }
        }
    }

    /// Applies the lens to a JSON Schema (draft 2020-12 as schemars 1.x emits it): version
    /// N's schema going up gives version N+1's, and back. Each operation edits `properties`
    /// and `required` of the object schema it is at, following `$ref`s into `$defs` and the
    /// non-null branch of an `anyOf`/`oneOf` (an `Option`). Schemas carried by the operations
    /// may bring their own `$defs`, merged into the result's (replacing same-named entries).
    ///
    /// The root's `x-docver-lens` keyword is removed from the result: it described the input.
    pub fn apply_schema(&self, schema: &Value, direction: Way) -> Result<Value, LensError> {
        let mut out = schema.clone();
        if let Some(root) = out.as_object_mut() {
            root.remove(LENS_KEYWORD);
        }
        let at = schema::resolve(&out, "").map_err(|message| LensError {
            pointer: String::new(),
            op: None,
            message,
        })?;
        ops::apply_schema_all(&self.ops, &mut out, direction, &at)?;
        Ok(out)
    }
}

impl fmt::Display for Lens {
    /// `2→3: rename `name` to `title`, convert `status``
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.from, self.to) {
            (Some(a), Some(b)) => write!(f, "{a}→{b}: ")?,
            (Some(a), None) => write!(f, "{a}→?: ")?,
            (None, Some(b)) => write!(f, "?→{b}: ")?,
            (None, None) => {}
        }
        let ops: Vec<String> = self.ops.iter().map(LensOp::describe).collect();
        if ops.is_empty() {
            f.write_str("no operations")
        } else {
            f.write_str(&ops.join(", "))
        }
    }
}
