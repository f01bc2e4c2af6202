//! Keywords that apply subschemas beyond the shape `diff` compares: `allOf` beside siblings,
//! `not`, `if`/`then`/`else`, `patternProperties`, tuples, `contains`, `unevaluated*`,
//! `$dynamicRef`, …
//!
//! The instance check ([`crate::check::validate`]) reads all of them, so witnesses are checked
//! against what the schema says. The diff rules do not compare them: the reader also lists
//! each one in [`super::Node::unsupported`], so a change to one is undecided, never compatible.

use super::NodeId;

#[derive(Debug, Clone, Default)]
pub struct Applicators {
    /// Schemas the value must also satisfy: `allOf` beside other keywords, a `$ref` beside
    /// other keywords (2019-09 and later).
    pub all_of: Vec<NodeId>,
    /// An `anyOf` beside a `oneOf` (the `oneOf` is the node's `variants`).
    pub any_of: Option<Vec<NodeId>>,
    pub not: Option<NodeId>,
    pub condition: Option<Condition>,
    /// `patternProperties`, in order: every member whose name matches is checked.
    pub pattern_properties: Vec<(String, NodeId)>,
    pub property_names: Option<NodeId>,
    /// `dependentRequired`, and the array form of draft-07's `dependencies`.
    pub dependent_required: Vec<(String, Vec<String>)>,
    /// `dependentSchemas`, and the schema form of draft-07's `dependencies`.
    pub dependent_schemas: Vec<(String, NodeId)>,
    /// `prefixItems`, or the array form of `items` before 2020-12.
    pub prefix_items: Option<Vec<NodeId>>,
    /// What items after the prefix must satisfy (`items` beside `prefixItems`, or
    /// `additionalItems` beside an array `items`).
    pub rest_items: Option<NodeId>,
    pub contains: Option<Contains>,
    pub unevaluated_properties: Option<NodeId>,
    pub unevaluated_items: Option<NodeId>,
    pub dynamic_ref: Option<DynamicRef>,
}

/// `if`/`then`/`else`.
#[derive(Debug, Clone, Copy)]
pub struct Condition {
    pub test: NodeId,
    pub then: Option<NodeId>,
    pub otherwise: Option<NodeId>,
}

/// `contains` with `minContains`/`maxContains`.
#[derive(Debug, Clone, Copy)]
pub struct Contains {
    pub schema: NodeId,
    pub min: u64,
    pub max: Option<u64>,
}

/// `$dynamicRef` (2020-12) or `$recursiveRef` (2019-09).
#[derive(Debug, Clone)]
pub struct DynamicRef {
    /// Where the reference points when no outer resource overrides it.
    pub target: NodeId,
    /// The anchor looked up in the dynamic scope: set when the static target declares it
    /// (`$dynamicAnchor`), `None` when the reference behaves like a plain `$ref`.
    pub anchor: Option<DynamicAnchor>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DynamicAnchor {
    /// `$dynamicAnchor: name`.
    Named(String),
    /// `$recursiveAnchor: true`.
    Recursive,
}

/// A schema resource: the document root or a subschema with its own `$id`. The instance check
/// keeps the resources it has entered (the dynamic scope) to resolve `$dynamicRef`.
#[derive(Debug, Clone, Default)]
pub struct Resource {
    pub root: NodeId,
    /// `$dynamicAnchor`s declared in this resource.
    pub dynamic_anchors: Vec<(String, NodeId)>,
    /// `$recursiveAnchor: true` at the resource root.
    pub recursive_anchor: bool,
}

impl Resource {
    pub fn dynamic_anchor(&self, anchor: &DynamicAnchor) -> Option<NodeId> {
        match anchor {
            DynamicAnchor::Named(name) => self
                .dynamic_anchors
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, id)| *id),
            DynamicAnchor::Recursive => self.recursive_anchor.then_some(self.root),
        }
    }
}
