//! Properties added, removed, renamed, made required or optional.

use super::{Change, Probe, Rule, RuleInfo, example};
use crate::check::equivalence::equivalent;
use crate::check::instance::{counterexample, distinguishing, minimal};
use crate::model::{Additional, Resolved, Schema};
use crate::rules::Effect;

/// Property names of OLD and NEW at one object, with likely renames paired up.
#[derive(Debug, Default)]
pub struct PropertyDiff {
    pub added: Vec<String>,
    pub removed: Vec<String>,
    /// `(old name, new name)`: the one property removed and the one added at this object,
    /// with an equivalent schema (a suggestion: both are also in `removed` and `added`).
    pub renamed: Vec<(String, String)>,
    pub common: Vec<String>,
    /// Names newly required, other than properties added (and required) in the same step.
    pub required_added: Vec<String>,
    /// Names no longer required, other than properties removed in the same step.
    pub required_removed: Vec<String>,
}

impl PropertyDiff {
    pub fn between(old: &Schema, o: &Resolved<'_>, new: &Schema, n: &Resolved<'_>) -> Self {
        let (op, np) = (&o.node.object.properties, &n.node.object.properties);
        let (or, nr) = (&o.node.object.required, &n.node.object.required);
        // A name may be required without being a property; such a name counts as a property
        // for added/removed only when `properties` names it.
        let required_added: Vec<String> = nr
            .iter()
            .filter(|k| !or.contains(*k) && (op.contains_key(*k) || !np.contains_key(*k)))
            .cloned()
            .collect();
        let required_removed: Vec<String> = or
            .iter()
            .filter(|k| !nr.contains(*k) && (np.contains_key(*k) || !op.contains_key(*k)))
            .cloned()
            .collect();
        if op.is_empty() && np.is_empty() {
            return PropertyDiff {
                required_added,
                required_removed,
                ..PropertyDiff::default()
            };
        }
        let removed: Vec<String> = op
            .keys()
            .filter(|k| !np.contains_key(*k))
            .cloned()
            .collect();
        let added: Vec<String> = np
            .keys()
            .filter(|k| !op.contains_key(*k))
            .cloned()
            .collect();
        let common = op.keys().filter(|k| np.contains_key(*k)).cloned().collect();
        // A rename is only suggested, never inferred: exactly one property removed and one
        // added at this object, with the same requiredness and an equivalent schema. Both
        // stay a removal and an addition (what a reader meets unless a migration renames).
        let renamed = match (removed.as_slice(), added.as_slice()) {
            ([old_name], [new_name])
                if or.contains(old_name) == nr.contains(new_name)
                    && equivalent(old, op[old_name], new, np[new_name]) =>
            {
                vec![(old_name.clone(), new_name.clone())]
            }
            _ => Vec::new(),
        };
        PropertyDiff {
            added,
            removed,
            renamed,
            common,
            required_added,
            required_removed,
        }
    }
}

fn is_closed(r: &Resolved<'_>) -> bool {
    r.node.object.additional == Additional::Closed
}

/// A value an open object of `schema` would accept for an unknown property, which the node
/// `prop` of `other` rejects (strict mode: an old document may carry any value there).
fn unknown_member_value(
    schema: &Schema,
    object: &Resolved<'_>,
    other: &Schema,
    prop: crate::model::NodeId,
) -> Option<serde_json::Value> {
    match object.node.object.additional {
        Additional::Schema(extra) => distinguishing(schema, extra, other, prop),
        Additional::Open => counterexample(other, prop),
        Additional::Closed => None,
    }
}

pub static PROPERTY_ADDED_OPTIONAL: Rule = Rule {
    info: RuleInfo {
        id: "property-added-optional",
        category: super::Category::Property,
        summary: "An optional property was added to an open object.",
        effect: Effect {
            backward: "compatible (breaking with --strict)",
            forward: "compatible",
        },
        explanation: "Old documents do not have the property, and the new reader does not require \
            it; old readers ignore it in new documents. Under --strict an old document may \
            already carry the name with a value of another type, so backward breaks.",
        example_old: example!("property-added-optional").0,
        example_new: example!("property-added-optional").1,
        example_policy: None,
        scope: super::Scope::Change,
        annotation_only: false,
        closed_object: false,
    },
    check: |pair, out| {
        if is_closed(&pair.o) {
            return;
        }
        for name in &pair.properties.added {
            if pair.n.node.object.required.contains(name) {
                continue;
            }
            let prop = pair.n.node.object.properties[name];
            let mut change = Change::new(
                &PROPERTY_ADDED_OPTIONAL,
                pair,
                format!("optional property `{name}` was added"),
            )
            .detail(name)
            .property(name)
            .at(Some(pair.o.id), Some(prop));
            if pair.strict
                && let Some(value) = unknown_member_value(pair.old, &pair.o, pair.new, prop)
            {
                change = change.breaks_backward(Probe::Member(name.clone(), value));
            }
            out.push(change);
        }
    },
};

pub static PROPERTY_ADDED_REQUIRED: Rule = Rule {
    info: RuleInfo {
        id: "property-added-required",
        category: super::Category::Property,
        summary: "A required property was added to an open object.",
        effect: Effect {
            backward: "breaking",
            forward: "compatible",
        },
        explanation: "Documents written before the change lack the property, so a new reader \
            that requires it rejects them. Give it a default (make it optional) or migrate old \
            documents.",
        example_old: example!("property-added-required").0,
        example_new: example!("property-added-required").1,
        example_policy: None,
        scope: super::Scope::Change,
        annotation_only: false,
        closed_object: false,
    },
    check: |pair, out| {
        if is_closed(&pair.o) {
            return;
        }
        for name in &pair.properties.added {
            if !pair.n.node.object.required.contains(name) {
                continue;
            }
            let prop = pair.n.node.object.properties[name];
            out.push(
                Change::new(
                    &PROPERTY_ADDED_REQUIRED,
                    pair,
                    format!("required property `{name}` was added"),
                )
                .detail(name)
                .property(name)
                .at(Some(pair.o.id), Some(prop))
                .breaks_backward(Probe::Minimal),
            );
        }
    },
};

pub static PROPERTY_ADDED_TO_CLOSED_OBJECT: Rule = Rule {
    info: RuleInfo {
        id: "property-added-to-closed-object",
        category: super::Category::Property,
        summary: "A property was added to an object that old readers keep closed.",
        effect: Effect {
            backward: "compatible (breaking if required)",
            forward: "breaking",
        },
        explanation: "The old schema forbids unknown properties (`additionalProperties: false`, \
            serde's `deny_unknown_fields`), so an old reader rejects every new document that \
            carries the new property.",
        example_old: example!("property-added-to-closed-object").0,
        example_new: example!("property-added-to-closed-object").1,
        example_policy: None,
        scope: super::Scope::Change,
        annotation_only: false,
        closed_object: true,
    },
    check: |pair, out| {
        if !is_closed(&pair.o) {
            return;
        }
        for name in &pair.properties.added {
            let prop = pair.n.node.object.properties[name];
            let required = pair.n.node.object.required.contains(name);
            let mut change = Change::new(
                &PROPERTY_ADDED_TO_CLOSED_OBJECT,
                pair,
                format!(
                    "{} property `{name}` was added to an object old readers keep closed",
                    if required { "required" } else { "optional" }
                ),
            )
            .detail(name)
            .property(name)
            .at(Some(pair.o.id), Some(prop));
            if let Some(value) = minimal(pair.new, prop) {
                change = change.breaks_forward(Probe::Member(name.clone(), value));
            } else {
                change = change.undecided_forward();
            }
            if required {
                change = change.breaks_backward(Probe::Minimal);
            }
            out.push(change);
        }
    },
};

pub static PROPERTY_REMOVED_OPTIONAL: Rule = Rule {
    info: RuleInfo {
        id: "property-removed-optional",
        category: super::Category::Property,
        summary: "An optional property was removed from an open object.",
        effect: Effect {
            backward: "compatible",
            forward: "compatible (breaking with --strict)",
        },
        explanation: "New readers ignore the property in old documents; old readers did not \
            require it. The data it held in old documents is no longer read. Under --strict a \
            new document may carry the name with any value, which an old reader may reject.",
        example_old: example!("property-removed-optional").0,
        example_new: example!("property-removed-optional").1,
        example_policy: None,
        scope: super::Scope::Change,
        annotation_only: false,
        closed_object: false,
    },
    check: |pair, out| {
        if is_closed(&pair.n) {
            return;
        }
        for name in &pair.properties.removed {
            if pair.o.node.object.required.contains(name) {
                continue;
            }
            let prop = pair.o.node.object.properties[name];
            let mut change = Change::new(
                &PROPERTY_REMOVED_OPTIONAL,
                pair,
                format!("optional property `{name}` was removed"),
            )
            .detail(name)
            .property(name)
            .at(Some(prop), Some(pair.n.id))
            .pointer_in_old();
            if pair.strict
                && let Some(value) = unknown_member_value(pair.new, &pair.n, pair.old, prop)
            {
                change = change.breaks_forward(Probe::Member(name.clone(), value));
            }
            out.push(change);
        }
    },
};

pub static PROPERTY_REMOVED_REQUIRED: Rule = Rule {
    info: RuleInfo {
        id: "property-removed-required",
        category: super::Category::Property,
        summary: "A required property was removed from an open object.",
        effect: Effect {
            backward: "compatible",
            forward: "breaking",
        },
        explanation: "New documents no longer carry the property, and old readers require it, \
            so old apps reject documents written by new ones.",
        example_old: example!("property-removed-required").0,
        example_new: example!("property-removed-required").1,
        example_policy: None,
        scope: super::Scope::Change,
        annotation_only: false,
        closed_object: false,
    },
    check: |pair, out| {
        if is_closed(&pair.n) {
            return;
        }
        for name in &pair.properties.removed {
            if !pair.o.node.object.required.contains(name) {
                continue;
            }
            let prop = pair.o.node.object.properties[name];
            out.push(
                Change::new(
                    &PROPERTY_REMOVED_REQUIRED,
                    pair,
                    format!("required property `{name}` was removed"),
                )
                .detail(name)
                .property(name)
                .at(Some(prop), Some(pair.n.id))
                .pointer_in_old()
                .breaks_forward(Probe::Minimal),
            );
        }
    },
};

pub static PROPERTY_REMOVED_FROM_CLOSED_OBJECT: Rule = Rule {
    info: RuleInfo {
        id: "property-removed-from-closed-object",
        category: super::Category::Property,
        summary: "A property was removed from an object that new readers keep closed.",
        effect: Effect {
            backward: "breaking",
            forward: "compatible (breaking if it was required)",
        },
        explanation: "Old documents carry the property; the new schema forbids unknown \
            properties, so a new reader (serde with `deny_unknown_fields`) rejects them. \
            Confluent's LENIENT policy lets this pass; serde readers do not.",
        example_old: example!("property-removed-from-closed-object").0,
        example_new: example!("property-removed-from-closed-object").1,
        example_policy: None,
        scope: super::Scope::Change,
        annotation_only: false,
        closed_object: true,
    },
    check: |pair, out| {
        if !is_closed(&pair.n) {
            return;
        }
        for name in &pair.properties.removed {
            let prop = pair.o.node.object.properties[name];
            let required = pair.o.node.object.required.contains(name);
            let mut change = Change::new(
                &PROPERTY_REMOVED_FROM_CLOSED_OBJECT,
                pair,
                format!("property `{name}` was removed from an object new readers keep closed"),
            )
            .detail(name)
            .property(name)
            .at(Some(prop), Some(pair.n.id))
            .pointer_in_old();
            change = match minimal(pair.old, prop) {
                Some(value) => change.breaks_backward(Probe::Member(name.clone(), value)),
                None => change.undecided_backward(),
            };
            if required {
                change = change.breaks_forward(Probe::Minimal);
            }
            out.push(change);
        }
    },
};

/// The `(old, new)` names of a `property-renamed` finding, from its `detail` (`old->new`).
pub fn renamed(detail: &str) -> Option<(&str, &str)> {
    detail.split_once("->")
}

pub static PROPERTY_RENAMED: Rule = Rule {
    info: RuleInfo {
        id: "property-renamed",
        category: super::Category::Property,
        summary: "The one property removed and the one added at an object have the same schema: maybe a rename.",
        effect: Effect {
            backward: "compatible",
            forward: "compatible",
        },
        explanation: "A suggestion, never a verdict of its own: the removal and the addition are \
            reported as what they are (a new reader looks for the new name in old documents, an \
            old reader for the old name in new ones). When exactly one property is removed and \
            one added at the same object with an equivalent schema and the same requiredness, \
            this note suggests declaring the rename: a lens `rename(from = old, to = new)` on the \
            step (`x-docver-lens` on NEW for `docver diff`), or serde `alias`. Nothing is \
            suggested when NEW carries a lens (renames come from it), between two variants of a \
            union, or between versions more than one step apart; `docver check` never guesses, \
            it reads the family's declared lens operations.",
        example_old: example!("property-renamed").0,
        example_new: example!("property-renamed").1,
        example_policy: None,
        scope: super::Scope::Change,
        annotation_only: false,
        closed_object: false,
    },
    check: |pair, out| {
        // A declared lens says what was renamed (and `lens-disagrees` what it misses); two
        // variants of a union are not one object; across a skipped step, a rename may be two.
        if pair.new.lens.is_some() || across_variants(pair) || across_skipped_steps(pair) {
            return;
        }
        for (old_name, new_name) in &pair.properties.renamed {
            let old_prop = pair.o.node.object.properties[old_name];
            let new_prop = pair.n.node.object.properties[new_name];
            let change = Change::new(
                &PROPERTY_RENAMED,
                pair,
                format!("help: `{old_name}` (removed) and `{new_name}` (added) have the same schema; if it is a rename, declare it: lens `rename(from = {old_name}, to = {new_name})`"),
            )
            .detail(format!("{old_name}->{new_name}"))
            .property(new_name)
            .at(Some(old_prop), Some(new_prop));
            out.push(change);
        }
    },
};

/// Whether OLD's and NEW's objects sit in different branches of a union (`anyOf`/`oneOf`).
fn across_variants(pair: &super::Pair<'_>) -> bool {
    let branches = |schema: &Schema, id: crate::model::NodeId| -> Vec<String> {
        let pointer = &schema.nodes[id.0 as usize].pointer;
        let tokens: Vec<&str> = pointer.split('/').collect();
        tokens
            .windows(2)
            .filter(|w| matches!(w[0], "anyOf" | "oneOf"))
            .map(|w| w.join("/"))
            .collect()
    };
    branches(pair.old, pair.old_origin) != branches(pair.new, pair.new_origin)
}

/// Whether the schemas' version tags are known and more than one step apart.
fn across_skipped_steps(pair: &super::Pair<'_>) -> bool {
    use crate::check::lens_agreement::version;
    match (
        version(pair.old, pair.version_field),
        version(pair.new, pair.version_field),
    ) {
        (Some(old), Some(new)) => new.abs_diff(old) > 1,
        _ => false,
    }
}

pub static REQUIRED_ADDED: Rule = Rule {
    info: RuleInfo {
        id: "required-added",
        category: super::Category::Property,
        summary: "An existing optional property became required.",
        effect: Effect {
            backward: "breaking",
            forward: "compatible",
        },
        explanation: "Old documents may omit the property; a new reader that requires it rejects \
            them.",
        example_old: example!("required-added").0,
        example_new: example!("required-added").1,
        example_policy: None,
        scope: super::Scope::Change,
        annotation_only: false,
        closed_object: false,
    },
    check: |pair, out| {
        for name in &pair.properties.required_added {
            let object =
                |r: &Resolved<'_>| r.node.object.properties.get(name).copied().unwrap_or(r.id);
            out.push(
                Change::new(
                    &REQUIRED_ADDED,
                    pair,
                    format!("property `{name}` became required"),
                )
                .detail(name)
                .property(name)
                .at(Some(object(&pair.o)), Some(object(&pair.n)))
                .breaks_backward(Probe::Minimal),
            );
        }
    },
};

pub static REQUIRED_REMOVED: Rule = Rule {
    info: RuleInfo {
        id: "required-removed",
        category: super::Category::Property,
        summary: "A required property became optional.",
        effect: Effect {
            backward: "compatible",
            forward: "breaking",
        },
        explanation: "New documents may omit the property; an old reader that requires it \
            rejects them.",
        example_old: example!("required-removed").0,
        example_new: example!("required-removed").1,
        example_policy: None,
        scope: super::Scope::Change,
        annotation_only: false,
        closed_object: false,
    },
    check: |pair, out| {
        for name in &pair.properties.required_removed {
            let object =
                |r: &Resolved<'_>| r.node.object.properties.get(name).copied().unwrap_or(r.id);
            out.push(
                Change::new(
                    &REQUIRED_REMOVED,
                    pair,
                    format!("property `{name}` is no longer required"),
                )
                .detail(name)
                .property(name)
                .at(Some(object(&pair.o)), Some(object(&pair.n)))
                .breaks_forward(Probe::Minimal),
            );
        }
    },
};
