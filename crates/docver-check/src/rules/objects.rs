//! Objects closed to, or opened for, properties they do not name.

use super::{Change, Effect, Pair, Probe, Rule, RuleInfo, example};
use crate::check::instance::{counterexample, distinguishing, minimal};
use crate::model::{Additional, Resolved, Schema};
use serde_json::{Value, json};

/// A member name neither schema names, for witnesses about unknown properties.
fn unknown_name(pair: &Pair<'_>) -> String {
    let taken = |name: &str| {
        pair.o.node.object.properties.contains_key(name)
            || pair.n.node.object.properties.contains_key(name)
    };
    (0..)
        .map(|i| {
            if i == 0 {
                "unknownProperty".to_owned()
            } else {
                format!("unknownProperty{i}")
            }
        })
        .find(|name| !taken(name))
        .unwrap_or_default()
}

/// A value for an unknown member that `source`'s object accepts and `target`'s rejects.
fn unknown_value(
    source: &Schema,
    s: &Resolved<'_>,
    target: &Schema,
    t: &Resolved<'_>,
) -> Option<Value> {
    match (s.node.object.additional, t.node.object.additional) {
        (Additional::Open, Additional::Closed) => Some(json!(0)),
        (Additional::Schema(x), Additional::Closed) => minimal(source, x),
        (Additional::Open, Additional::Schema(y)) => counterexample(target, y),
        (Additional::Schema(x), Additional::Schema(y)) => distinguishing(source, x, target, y),
        _ => None,
    }
}

/// Whether `to` accepts fewer unknown members than `from`, decided on the keyword alone.
fn restricts(from: Additional, to: Additional) -> bool {
    matches!(
        (from, to),
        (Additional::Open, Additional::Closed | Additional::Schema(_))
            | (Additional::Schema(_), Additional::Closed)
    )
}

fn only_objects(pair: &Pair<'_>) -> bool {
    use crate::model::JsonType;
    let admits = |t: Option<crate::model::TypeSet>| t.is_none_or(|t| t.contains(JsonType::Object));
    admits(pair.o.effective_types()) && admits(pair.n.effective_types())
}

pub static OBJECT_CLOSED: Rule = Rule {
    info: RuleInfo {
        id: "object-closed",
        category: super::Category::Object,
        summary: "An object now rejects (or constrains) properties it does not name.",
        effect: Effect {
            backward: "breaking",
            forward: "compatible",
        },
        explanation: "Old documents may carry properties the new schema does not name (written \
            by other apps, or by newer versions and kept by an old one); a closed reader \
            (`additionalProperties: false`, serde's `deny_unknown_fields`) rejects them.",
        example_old: example!("object-closed").0,
        example_new: example!("object-closed").1,
        example_policy: None,
        scope: super::Scope::Change,
        annotation_only: false,
        closed_object: true,
    },
    check: |pair, out| {
        let (from, to) = (pair.o.node.object.additional, pair.n.node.object.additional);
        if !only_objects(pair) || !restricts(from, to) {
            return;
        }
        let name = unknown_name(pair);
        let change = Change::new(
            &OBJECT_CLOSED,
            pair,
            "the object no longer accepts properties it does not name",
        )
        .detail("additionalProperties");
        out.push(match unknown_value(pair.old, &pair.o, pair.new, &pair.n) {
            Some(value) => change.breaks_backward(Probe::Member(name, value)),
            None => change.undecided_backward(),
        });
    },
};

pub static OBJECT_OPENED: Rule = Rule {
    info: RuleInfo {
        id: "object-opened",
        category: super::Category::Object,
        summary: "An object now accepts properties it does not name.",
        effect: Effect {
            backward: "compatible",
            forward: "breaking",
        },
        explanation: "New documents may carry properties the old schema does not name; an old \
            reader that keeps the object closed rejects them.",
        example_old: example!("object-opened").0,
        example_new: example!("object-opened").1,
        example_policy: None,
        scope: super::Scope::Change,
        annotation_only: false,
        closed_object: false,
    },
    check: |pair, out| {
        let (from, to) = (pair.o.node.object.additional, pair.n.node.object.additional);
        if !only_objects(pair) || !restricts(to, from) {
            return;
        }
        let name = unknown_name(pair);
        let change = Change::new(
            &OBJECT_OPENED,
            pair,
            "the object now accepts properties it does not name",
        )
        .detail("additionalProperties");
        out.push(match unknown_value(pair.new, &pair.n, pair.old, &pair.o) {
            Some(value) => change.breaks_forward(Probe::Member(name, value)),
            None => change.undecided_forward(),
        });
    },
};
