//! The rule catalog: one rule per kind of change, each with a stable id.
//!
//! Two scopes: [`Scope::Change`] rules compare two schemas (this crate's walk runs them;
//! their fixtures are JSON Schema pairs), [`Scope::History`] rules compare a family's Rust
//! source with the same source at a git ref (`docver check --against` runs them; their
//! fixtures are `.rs` pairs, see [`history`]).
//!
//! A rule looks at one pair of nodes (the same place in OLD and NEW, found by the walk in
//! [`crate::check`]) and reports [`Change`]s with a verdict per direction and, for each
//! breaking direction, a [`Probe`] that tells the walk how to build a witness document. Every
//! rule runs on every pair; the walk handles descent, deduplication and witnesses.

mod annotations;
mod arrays;
mod bounds;
pub mod history;
mod lens;
mod objects;
mod properties;
mod strings;
mod types;
mod unsupported;
mod values;
mod variants;

use serde::Serialize;
use serde_json::Value;

use crate::finding::Verdict;
use crate::model::{NodeId, Resolved, Schema};

/// Who a change breaks, as the catalog documents it (the finding's own verdict may depend on
/// the schemas, e.g. whether a property is required).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Effect {
    pub backward: &'static str,
    pub forward: &'static str,
}

/// What kind of change a rule is about, as `list-rules` and reports group them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    Annotation,
    Array,
    Bound,
    History,
    Keyword,
    Lens,
    Object,
    Property,
    Reference,
    String,
    Type,
    Value,
    Variant,
}

impl Category {
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Annotation => "annotation",
            Category::Array => "array",
            Category::Bound => "bound",
            Category::History => "history",
            Category::Keyword => "keyword",
            Category::Lens => "lens",
            Category::Object => "object",
            Category::Property => "property",
            Category::Reference => "reference",
            Category::String => "string",
            Category::Type => "type",
            Category::Value => "value",
            Category::Variant => "variant",
        }
    }
}

impl std::fmt::Display for Category {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // `pad`, so `{:10}` aligns columns.
        f.pad(self.as_str())
    }
}

/// What a rule compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    /// Two schemas (an OLD and a NEW file, or two versions of a family).
    Change,
    /// A family's source with the same source at a git ref.
    History,
}

/// What the catalog says about one rule.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct RuleInfo {
    /// Stable kebab-case id; never reused for a different meaning.
    pub id: &'static str,
    pub category: Category,
    pub scope: Scope,
    /// The rule only reports annotations (descriptions, defaults, `$ref` names): validity
    /// does not change, so history and adapters do not count its findings as edits.
    pub annotation_only: bool,
    /// The rule is about an object that admits no unknown properties (closing one, or a
    /// property added to or removed from a closed one).
    pub closed_object: bool,
    /// One line, shown by `list-rules`.
    pub summary: &'static str,
    pub effect: Effect,
    /// A paragraph for the rule's doc section: why it breaks whom.
    pub explanation: &'static str,
    /// The rule's fixture pair, which doubles as its documented example: JSON Schemas for a
    /// change rule, Rust sources for a history rule.
    pub example_old: &'static str,
    pub example_new: &'static str,
    /// The fixture's `docver.toml`, for a history rule that needs a policy.
    pub example_policy: Option<&'static str>,
}

/// A rule: its catalog entry and the check that finds its changes in one pair of nodes.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    pub info: RuleInfo,
    pub check: fn(&Pair<'_>, &mut Vec<Change>),
}

macro_rules! example {
    ($id:literal) => {
        (
            include_str!(concat!("../../../../tests/fixtures/", $id, "/old.json")),
            include_str!(concat!("../../../../tests/fixtures/", $id, "/new.json")),
        )
    };
}
pub(crate) use example;

pub use bounds::counts_properties;
pub use lens::LENS_DISAGREES;
pub use properties::{PROPERTY_RENAMED, renamed};

/// Every rule, in the order reports list them.
pub static CATALOG: &[&Rule] = &[
    &properties::PROPERTY_ADDED_OPTIONAL,
    &properties::PROPERTY_ADDED_REQUIRED,
    &properties::PROPERTY_ADDED_TO_CLOSED_OBJECT,
    &properties::PROPERTY_REMOVED_OPTIONAL,
    &properties::PROPERTY_REMOVED_REQUIRED,
    &properties::PROPERTY_REMOVED_FROM_CLOSED_OBJECT,
    &properties::PROPERTY_RENAMED,
    &properties::REQUIRED_ADDED,
    &properties::REQUIRED_REMOVED,
    &objects::OBJECT_CLOSED,
    &objects::OBJECT_OPENED,
    &types::TYPE_CHANGED,
    &types::TYPE_WIDENED,
    &types::TYPE_NARROWED,
    &types::NULLABLE_ADDED,
    &types::NULLABLE_REMOVED,
    &values::ENUM_VALUE_ADDED,
    &values::ENUM_VALUE_REMOVED,
    &values::ENUM_INTRODUCED,
    &values::ENUM_LIFTED,
    &values::CONST_CHANGED,
    &values::VERSION_TAG_CHANGED,
    &bounds::NUMERIC_BOUND_TIGHTENED,
    &bounds::NUMERIC_BOUND_LOOSENED,
    &bounds::LENGTH_BOUND_TIGHTENED,
    &bounds::LENGTH_BOUND_LOOSENED,
    &strings::PATTERN_CHANGED,
    &strings::FORMAT_CHANGED,
    &arrays::ITEMS_CHANGED,
    &arrays::UNIQUE_ITEMS_CHANGED,
    &variants::VARIANT_ADDED,
    &variants::VARIANT_REMOVED,
    &variants::VARIANT_CHANGED,
    &variants::COMPOSITION_CHANGED,
    &annotations::DEFAULT_CHANGED,
    &annotations::ANNOTATION_CHANGED,
    &annotations::REF_TARGET_CHANGED,
    &lens::LENS_DISAGREES,
    &unsupported::UNSUPPORTED_KEYWORD_CHANGED,
];

/// The change rules' entries: the rules a schema diff runs.
pub fn rule_catalog() -> impl Iterator<Item = &'static RuleInfo> {
    CATALOG.iter().map(|rule| &rule.info)
}

/// Every rule, change rules then history rules, for `list-rules`, the docs and reports.
pub fn all_rules() -> impl Iterator<Item = &'static RuleInfo> {
    rule_catalog().chain(history::HISTORY_RULES.iter().copied())
}

pub fn rule_info(id: &str) -> Option<&'static RuleInfo> {
    all_rules().find(|info| info.id == id)
}

/// How to build the witness for one breaking direction. The walk embeds the value at the
/// pair's place in a whole document valid under the source schema, then checks that the
/// target schema rejects it; a probe that yields no such document downgrades the verdict to
/// undecided rather than claim a break it cannot show.
#[derive(Debug, Clone, PartialEq)]
pub enum Probe {
    None,
    /// This value, at the pair's place.
    Value(Value),
    /// The smallest value the source node accepts (e.g. an object without a newly required
    /// property).
    Minimal,
    /// The smallest object the source node accepts, with this member added.
    Member(String, Value),
    /// Search the usual candidates for one the source node accepts and the target rejects.
    Search,
}

/// One change found by a rule.
#[derive(Debug, Clone)]
pub struct Change {
    pub rule: &'static RuleInfo,
    pub backward: Verdict,
    pub forward: Verdict,
    pub message: String,
    pub detail: String,
    /// Nodes the diagnostic labels in each file.
    pub old_node: Option<NodeId>,
    pub new_node: Option<NodeId>,
    /// Which side's pointer names the change (NEW unless the node exists only in OLD).
    pub pointer_in_old: bool,
    /// Appended to the pair's instance path (a property name, for property rules).
    pub instance_suffix: Option<String>,
    /// Replaces the pair's instance path (a whole-schema rule reporting below the root).
    pub instance_path: Option<String>,
    pub backward_probe: Probe,
    pub forward_probe: Probe,
    /// Breaking by policy even without a rejecting witness (a rename loses data silently).
    pub breaking_without_witness: bool,
    /// For a variant that changed: the `(old, new)` branch indexes whose inner changes this
    /// change heads; its verdicts and witnesses are theirs.
    pub branch: Option<(usize, usize)>,
}

impl Change {
    pub fn new(rule: &'static Rule, pair: &Pair<'_>, message: impl Into<String>) -> Change {
        Change {
            rule: &rule.info,
            backward: Verdict::Compatible,
            forward: Verdict::Compatible,
            message: message.into(),
            detail: String::new(),
            old_node: Some(pair.old_node()),
            new_node: Some(pair.new_node()),
            pointer_in_old: false,
            instance_suffix: None,
            instance_path: None,
            backward_probe: Probe::None,
            forward_probe: Probe::None,
            breaking_without_witness: false,
            branch: None,
        }
    }

    pub fn detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = detail.into();
        self
    }

    /// Breaks NEW readers of OLD documents; `probe` builds the OLD document.
    pub fn breaks_backward(mut self, probe: Probe) -> Self {
        self.backward = Verdict::Breaking;
        self.backward_probe = probe;
        self
    }

    /// Breaks OLD readers of NEW documents; `probe` builds the NEW document.
    pub fn breaks_forward(mut self, probe: Probe) -> Self {
        self.forward = Verdict::Breaking;
        self.forward_probe = probe;
        self
    }

    pub fn undecided_backward(mut self) -> Self {
        self.backward = Verdict::Undecided;
        self
    }

    pub fn undecided_forward(mut self) -> Self {
        self.forward = Verdict::Undecided;
        self
    }

    pub fn at(mut self, old: Option<NodeId>, new: Option<NodeId>) -> Self {
        self.old_node = old;
        self.new_node = new;
        self.pointer_in_old = new.is_none();
        self
    }

    pub fn pointer_in_old(mut self) -> Self {
        self.pointer_in_old = true;
        self
    }

    pub fn property(mut self, name: &str) -> Self {
        self.instance_suffix = Some(name.to_owned());
        self
    }
}

/// The same place in OLD and NEW, as a rule sees it.
#[derive(Debug)]
pub struct Pair<'a> {
    pub old: &'a Schema,
    pub new: &'a Schema,
    /// The nodes the walk reached (a `$ref` or nullable wrapper, or the shape itself)…
    pub old_origin: NodeId,
    pub new_origin: NodeId,
    /// …and the shapes they resolve to.
    pub o: Resolved<'a>,
    pub n: Resolved<'a>,
    /// `--strict`: instance-set inclusion instead of tolerant-reader semantics.
    pub strict: bool,
    /// The top-level property holding the version tag (`version`), if any.
    pub version_field: Option<&'a str>,
    /// Where this pair sits inside documents, as a JSON pointer (`""` for the root).
    pub instance_path: &'a str,
    /// Properties matched by name, with likely renames paired up.
    pub properties: properties::PropertyDiff,
}

impl<'a> Pair<'a> {
    pub fn new(
        old: &'a Schema,
        old_origin: NodeId,
        new: &'a Schema,
        new_origin: NodeId,
        options: &'a crate::check::DiffOptions,
        instance_path: &'a str,
    ) -> Self {
        let o = old.resolve(old_origin);
        let n = new.resolve(new_origin);
        let properties = properties::PropertyDiff::between(old, &o, new, &n);
        Pair {
            old,
            new,
            old_origin,
            new_origin,
            o,
            n,
            strict: options.strict,
            version_field: options.version_field.as_deref(),
            instance_path,
            properties,
        }
    }

    /// Whether some non-null value has a type both sides admit; when not, `type-changed` says
    /// all there is to say and value-level rules stay quiet.
    pub fn types_overlap(&self) -> bool {
        use crate::model::{JsonType, TypeSet};
        let non_null = |r: &Resolved<'_>| {
            r.effective_types()
                .unwrap_or_else(TypeSet::any)
                .without(JsonType::Null)
        };
        let (o, n) = (non_null(&self.o), non_null(&self.n));
        o.iter().any(|t| n.admits(t)) || n.iter().any(|t| o.admits(t))
    }

    /// Whether this pair is the document's version tag.
    pub fn is_version_tag(&self) -> bool {
        self.version_field
            .is_some_and(|field| self.instance_path == docver::pointer::push("", field))
    }

    /// The node a shape change is reported on: the resolved shape, so a change inside a shared
    /// `$defs` entry is reported once, at the definition.
    pub fn old_node(&self) -> NodeId {
        self.o.id
    }

    pub fn new_node(&self) -> NodeId {
        self.n.id
    }
}

/// Matched variant branches `(old index, new index)`, for the walk's descent.
pub(crate) fn variants_matched(pair: &Pair<'_>) -> Option<Vec<(usize, usize)>> {
    variants::match_variants(pair).map(|m| m.matched.into_iter().map(|(i, j, _)| (i, j)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_kebab_case_and_documented() {
        let mut seen = std::collections::HashSet::new();
        for info in all_rules() {
            assert!(seen.insert(info.id), "duplicate rule id {}", info.id);
            assert!(
                info.id.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'),
                "{} is not kebab-case",
                info.id
            );
            assert!(!info.summary.is_empty() && !info.explanation.is_empty());
            assert!(
                !info.summary.contains('\n'),
                "{}: summary must be one line",
                info.id
            );
        }
    }

    #[test]
    fn typed_metadata_reads_what_the_rules_write() {
        assert!(counts_properties("maxProperties:3->2"));
        assert!(!counts_properties("maxLength:3->2"));
        assert_eq!(renamed("title->name"), Some(("title", "name")));
        let closed: Vec<&str> = all_rules()
            .filter(|r| r.closed_object)
            .map(|r| r.id)
            .collect();
        assert_eq!(
            closed,
            [
                "property-added-to-closed-object",
                "property-removed-from-closed-object",
                "object-closed"
            ]
        );
        let annotations: Vec<&str> = all_rules()
            .filter(|r| r.annotation_only)
            .map(|r| r.id)
            .collect();
        assert_eq!(
            annotations,
            [
                "default-changed",
                "annotation-changed",
                "ref-target-changed"
            ]
        );
    }

    #[test]
    fn scopes_partition_the_catalog() {
        assert!(rule_catalog().all(|info| info.scope == Scope::Change));
        assert!(
            history::HISTORY_RULES
                .iter()
                .all(|info| info.scope == Scope::History && !info.annotation_only)
        );
        assert_eq!(
            all_rules().count(),
            CATALOG.len() + history::HISTORY_RULES.len()
        );
    }
}
