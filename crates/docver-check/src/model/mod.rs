//! The schema model: one arena of nodes per schema file, with `$ref`s as edges.
//!
//! Every subschema keeps its JSON pointer and byte span. Spelling differences that do not
//! change meaning are normalised away when the model is built or resolved:
//! `type: ["string", "null"]` and `anyOf: [{type: string}, {type: null}]` both become a string
//! node that admits null; a `$ref` and the inline schema it names resolve to the same node
//! shape; `const: x` is a one-value `enum`.

mod applicators;
mod discriminator;
mod draft;
mod number;
mod types;
mod values;

use std::sync::OnceLock;

use indexmap::{IndexMap, IndexSet};
use serde_json::Value;

use crate::span::Span;

pub use applicators::{Applicators, Condition, Contains, DynamicAnchor, DynamicRef, Resource};
pub use discriminator::Discriminator;
pub use draft::Draft;
pub use number::{approximate, number_cmp, number_equal};
pub use types::{JsonType, TypeSet};
pub use values::{ValueIndex, ValueSet, json_equal, json_hash};

/// Index of a node in its [`Schema`]'s arena.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct NodeId(pub(crate) u32);

impl NodeId {
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// One schema file, read into the model.
#[derive(Debug, Clone)]
pub struct Schema {
    /// The file name (or other label) diagnostics use.
    pub name: String,
    pub(crate) nodes: Vec<Node>,
    pub(crate) root: NodeId,
    pub warnings: Vec<SchemaWarning>,
    /// The root's `x-docver-lens` keyword, unparsed: the lens from the previous version
    /// (see [`docver::lens`]; `diff` checks it with the rule `lens-disagrees`).
    pub lens: Option<Value>,
    /// The file as read: witnesses are proven against it by an independent validator.
    pub(crate) text: std::sync::Arc<str>,
    /// The draft the file is read as (its `$schema`, else the reader's default).
    pub draft: Draft,
    /// Schema resources (the root first, then each embedded `$id`), for `$dynamicRef`.
    pub(crate) resources: Vec<Resource>,
    /// Some node uses `unevaluatedProperties`/`unevaluatedItems`, so the instance check
    /// collects which members and items were evaluated.
    pub(crate) annotates: bool,
}

/// A keyword the model does not understand, or uses only partly. The check still runs; the
/// warning says what it could not take into account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaWarning {
    pub pointer: String,
    pub span: Span,
    pub message: String,
}

/// One subschema.
#[derive(Debug, Clone, Default)]
pub struct Node {
    /// JSON pointer of this subschema in its file, e.g. `/$defs/Todo/properties/title`.
    pub pointer: String,
    pub span: Span,
    /// The span of the key this node is the value of (`"status"` in `"status": {…}`), when it
    /// has one: diagnostics underline the key and the first line rather than a whole object.
    pub key_span: Option<Span>,
    /// Set when this node stands for another one: a `$ref`, or an `anyOf`/`oneOf` whose only
    /// non-null branch is the target (nullability is then carried by `admits_null`).
    pub alias: Option<NodeId>,
    /// The `$ref` text when `alias` came from a `$ref`, for `ref-target-changed`.
    pub reference: Option<String>,
    /// `true` when this node adds `null` to whatever it aliases.
    pub admits_null: bool,
    /// Boolean schema `false`: nothing is valid.
    pub rejects_all: bool,
    /// Declared types; `None` when the schema does not restrict the type.
    pub types: Option<TypeSet>,
    /// `enum` values, or the single `const` value.
    pub values: Option<Vec<Value>>,
    pub is_const: bool,
    pub string: StringRules,
    pub number: NumberRules,
    pub array: ArrayRules,
    pub object: ObjectRules,
    pub variants: Option<Variants>,
    pub title: Option<String>,
    pub description: Option<String>,
    pub default: Option<Value>,
    /// Keywords that constrain documents but are left out of the model (`not`, `if`, an
    /// embedded `$id`, a `oneOf` that rejects null, …), as written: a change to one of them is
    /// undecided, never compatible.
    pub unsupported: Vec<(String, Value)>,
    /// Keywords the instance check reads and the diff rules do not compare (each is also in
    /// `unsupported`). Boxed: most nodes have none.
    pub applicators: Option<Box<Applicators>>,
    /// The schema resource this node is the root of (an index into the schema's resources).
    pub resource: Option<u32>,
    /// `values` indexed, built on first use (a large enum is looked up, not scanned).
    pub(crate) value_index: OnceLock<ValueIndex>,
    /// `variants` indexed by their tag, built on first use (see [`Discriminator`]).
    pub(crate) discriminator: OnceLock<Option<Discriminator>>,
}

impl Node {
    /// Whether the node's `enum`/`const` allows `value` (every value when it has neither).
    pub fn allows_value(&self, value: &Value) -> bool {
        /// Below this many values a scan is as fast as building an index.
        const SCAN: usize = 16;
        match &self.values {
            None => true,
            Some(values) if values.len() <= SCAN => values.iter().any(|v| json_equal(v, value)),
            Some(values) => self
                .value_index
                .get_or_init(|| ValueIndex::new(values))
                .contains(values, value),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct StringRules {
    pub min_length: Option<u64>,
    pub max_length: Option<u64>,
    pub pattern: Option<String>,
    pub format: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct NumberRules {
    /// As written: integers beyond 2^53 are compared exactly ([`number_cmp`]).
    pub minimum: Option<serde_json::Number>,
    pub maximum: Option<serde_json::Number>,
    pub exclusive_minimum: Option<serde_json::Number>,
    pub exclusive_maximum: Option<serde_json::Number>,
    pub multiple_of: Option<f64>,
}

#[derive(Debug, Clone, Default)]
pub struct ArrayRules {
    pub items: Option<NodeId>,
    pub min_items: Option<u64>,
    pub max_items: Option<u64>,
    pub unique_items: bool,
}

#[derive(Debug, Clone, Default)]
pub struct ObjectRules {
    pub properties: IndexMap<String, NodeId>,
    pub required: IndexSet<String>,
    pub additional: Additional,
    /// `additionalProperties: true` is written (not just absent): it evaluates the members
    /// it applies to, which `unevaluatedProperties` then skips.
    pub open_written: bool,
    pub min_properties: Option<u64>,
    pub max_properties: Option<u64>,
}

/// What an object does with properties it does not name.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Additional {
    /// Absent or `true`: unknown properties are allowed (and ignored by a serde reader).
    #[default]
    Open,
    /// `false`: unknown properties are rejected (serde's `deny_unknown_fields`).
    Closed,
    /// A schema every unknown property must satisfy (maps).
    Schema(NodeId),
}

/// `oneOf` / `anyOf` alternatives that remain after nullability is split off.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variants {
    pub exclusive: bool,
    pub branches: Vec<NodeId>,
}

/// A node after following aliases: the shape that decides validity, and whether some alias on
/// the way admitted null.
#[derive(Debug, Clone, Copy)]
pub struct Resolved<'a> {
    pub id: NodeId,
    pub node: &'a Node,
    /// The node the walk started from (where a diagnostic points).
    pub origin: &'a Node,
    pub admits_null: bool,
}

impl Schema {
    pub fn root(&self) -> NodeId {
        self.root
    }

    pub fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id.index()]
    }

    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    pub fn resource(&self, index: u32) -> &Resource {
        &self.resources[index as usize]
    }

    /// Follows aliases to the node whose keywords decide validity. The reader guarantees alias
    /// chains end (a `$ref` cycle with no schema in between is a load error), and the walk is
    /// bounded by the arena size in any case.
    pub fn resolve(&self, id: NodeId) -> Resolved<'_> {
        let origin = self.node(id);
        let mut current = id;
        let mut admits_null = false;
        for _ in 0..=self.nodes.len() {
            let node = self.node(current);
            admits_null |= node.admits_null;
            match node.alias {
                Some(next) => current = next,
                None => break,
            }
        }
        Resolved {
            id: current,
            node: self.node(current),
            origin,
            admits_null,
        }
    }
}

impl Schema {
    /// Positions of the branches of the union at `id` (a resolved node) that `value` may match:
    /// all of them, or for a large tagged union only those its tag selects.
    pub fn branches_for(&self, id: NodeId, value: &Value) -> Vec<usize> {
        let node = self.node(id);
        let Some(variants) = &node.variants else {
            return Vec::new();
        };
        match node
            .discriminator
            .get_or_init(|| Discriminator::build(self, variants))
        {
            Some(index) => index.candidates(value),
            None => (0..variants.branches.len()).collect(),
        }
    }
}

impl Resolved<'_> {
    /// Types a value here may have, `null` included when admitted by an alias, narrowed by the
    /// `enum`/`const` values when there are any. `None` means any type.
    pub fn effective_types(&self) -> Option<TypeSet> {
        let node = self.node;
        let mut types = node.types;
        if let Some(values) = &node.values {
            let of_values = values
                .iter()
                .fold(TypeSet::EMPTY, |set, v| set.with(JsonType::of(v)));
            types = Some(match types {
                Some(declared) => declared.intersect_values(of_values),
                None => of_values,
            });
        }
        if self.admits_null {
            types = types.map(|t| t.with(JsonType::Null));
        }
        if node.rejects_all {
            types = Some(TypeSet::EMPTY);
        }
        types
    }

    /// The `enum`/`const` values, plus `null` when an alias admitted it.
    pub fn values(&self) -> Option<Vec<Value>> {
        let mut values = self.node.values.clone()?;
        if self.admits_null && !values.contains(&Value::Null) {
            values.push(Value::Null);
        }
        Some(values)
    }
}
