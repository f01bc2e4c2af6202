//! `enum` and `const`: the allowed values.

use super::{Change, Effect, Pair, Probe, Rule, RuleInfo, example};
use crate::check::budget::enums_comparable;
use crate::check::instance::distinguishing;
use crate::check::validate::json_equal;
use crate::model::Node;
use serde_json::Value;

/// Non-null allowed values of each side (null is the nullable rules' business).
fn values(pair: &Pair<'_>) -> (Option<Vec<Value>>, Option<Vec<Value>>) {
    let strip = |v: Option<Vec<Value>>| {
        v.map(|v| v.into_iter().filter(|x| !x.is_null()).collect::<Vec<_>>())
    };
    (
        strip(pair.o.node.values.clone()),
        strip(pair.n.node.values.clone()),
    )
}

fn both_const(pair: &Pair<'_>) -> bool {
    pair.o.node.is_const && pair.n.node.is_const
}

/// An enum too large to compare value by value (the walk adds the budget warning).
fn too_large(rule: &'static Rule, pair: &Pair<'_>) -> Change {
    Change::new(
        rule,
        pair,
        "the enum is too large to compare value by value",
    )
    .detail("*")
}

/// Values of `from` that the node `other` does not allow (looked up in its value index: enums
/// may be large).
fn missing_from<'v>(from: &'v [Value], other: &'v Node) -> impl Iterator<Item = &'v Value> {
    from.iter().filter(move |v| !other.allows_value(v))
}

pub static ENUM_VALUE_ADDED: Rule = Rule {
    info: RuleInfo {
        id: "enum-value-added",
        category: super::Category::Value,
        summary: "A value was added to an enum.",
        effect: Effect {
            backward: "compatible",
            forward: "breaking",
        },
        explanation: "New documents may hold the new value, which an old reader does not know \
            (serde fails on an unknown enum variant unless it has a catch-all `#[serde(other)]`).",
        example_old: example!("enum-value-added").0,
        example_new: example!("enum-value-added").1,
        example_policy: None,
        scope: super::Scope::Change,
        annotation_only: false,
        closed_object: false,
    },
    check: |pair, out| {
        let (Some(o), Some(n)) = values(pair) else {
            return;
        };
        if both_const(pair) {
            return;
        }
        if !enums_comparable(o.len(), n.len()) {
            out.push(too_large(&ENUM_VALUE_ADDED, pair).undecided_forward());
            return;
        }
        for value in missing_from(&n, pair.o.node) {
            out.push(
                Change::new(
                    &ENUM_VALUE_ADDED,
                    pair,
                    format!("enum value {value} was added"),
                )
                .detail(value.to_string())
                .breaks_forward(Probe::Value(value.clone())),
            );
        }
    },
};

pub static ENUM_VALUE_REMOVED: Rule = Rule {
    info: RuleInfo {
        id: "enum-value-removed",
        category: super::Category::Value,
        summary: "A value was removed from an enum.",
        effect: Effect {
            backward: "breaking",
            forward: "compatible",
        },
        explanation: "Old documents may hold the removed value, which a new reader rejects.",
        example_old: example!("enum-value-removed").0,
        example_new: example!("enum-value-removed").1,
        example_policy: None,
        scope: super::Scope::Change,
        annotation_only: false,
        closed_object: false,
    },
    check: |pair, out| {
        let (Some(o), Some(n)) = values(pair) else {
            return;
        };
        if both_const(pair) {
            return;
        }
        if !enums_comparable(o.len(), n.len()) {
            out.push(too_large(&ENUM_VALUE_REMOVED, pair).undecided_backward());
            return;
        }
        for value in missing_from(&o, pair.n.node) {
            out.push(
                Change::new(
                    &ENUM_VALUE_REMOVED,
                    pair,
                    format!("enum value {value} was removed"),
                )
                .detail(value.to_string())
                .breaks_backward(Probe::Value(value.clone())),
            );
        }
    },
};

pub static ENUM_INTRODUCED: Rule = Rule {
    info: RuleInfo {
        id: "enum-introduced",
        category: super::Category::Value,
        summary: "A value that was free is now restricted to an enum (or const).",
        effect: Effect {
            backward: "breaking",
            forward: "compatible",
        },
        explanation: "Old documents may hold any value of the type; a new reader accepts only \
            the listed ones.",
        example_old: example!("enum-introduced").0,
        example_new: example!("enum-introduced").1,
        example_policy: None,
        scope: super::Scope::Change,
        annotation_only: false,
        closed_object: false,
    },
    check: |pair, out| {
        let (None, Some(_)) = values(pair) else {
            return;
        };
        if !pair.types_overlap() {
            return;
        }
        let change = Change::new(
            &ENUM_INTRODUCED,
            pair,
            "the value is now restricted to a fixed set",
        )
        .detail("enum");
        out.push(
            match distinguishing(pair.old, pair.o.id, pair.new, pair.n.id) {
                Some(value) => change.breaks_backward(Probe::Value(value)),
                None => change.undecided_backward(),
            },
        );
    },
};

pub static ENUM_LIFTED: Rule = Rule {
    info: RuleInfo {
        id: "enum-lifted",
        category: super::Category::Value,
        summary: "A value restricted to an enum (or const) is now free.",
        effect: Effect {
            backward: "compatible",
            forward: "breaking",
        },
        explanation: "New documents may hold values outside the old set, which an old reader \
            rejects.",
        example_old: example!("enum-lifted").0,
        example_new: example!("enum-lifted").1,
        example_policy: None,
        scope: super::Scope::Change,
        annotation_only: false,
        closed_object: false,
    },
    check: |pair, out| {
        let (Some(_), None) = values(pair) else {
            return;
        };
        if !pair.types_overlap() {
            return;
        }
        let change = Change::new(
            &ENUM_LIFTED,
            pair,
            "the value is no longer restricted to a fixed set",
        )
        .detail("enum");
        out.push(
            match distinguishing(pair.new, pair.n.id, pair.old, pair.o.id) {
                Some(value) => change.breaks_forward(Probe::Value(value)),
                None => change.undecided_forward(),
            },
        );
    },
};

pub static CONST_CHANGED: Rule = Rule {
    info: RuleInfo {
        id: "const-changed",
        category: super::Category::Value,
        summary: "A constant changed value.",
        effect: Effect {
            backward: "breaking",
            forward: "breaking",
        },
        explanation: "Each reader accepts only its own constant. A `version` tag that changes \
            from one version to the next is this rule: readers must dispatch on the tag (the \
            derive's any-version reader does) rather than validate against one version.",
        example_old: example!("const-changed").0,
        example_new: example!("const-changed").1,
        example_policy: None,
        scope: super::Scope::Change,
        annotation_only: false,
        closed_object: false,
    },
    check: |pair, out| {
        let (Some(o), Some(n)) = values(pair) else {
            return;
        };
        if !both_const(pair) || pair.is_version_tag() {
            return;
        }
        if let ([old], [new]) = (o.as_slice(), n.as_slice())
            && !json_equal(old, new)
        {
            out.push(
                Change::new(
                    &CONST_CHANGED,
                    pair,
                    format!("constant changed from {old} to {new}"),
                )
                .detail(format!("{old}->{new}"))
                .breaks_backward(Probe::Value(old.clone()))
                .breaks_forward(Probe::Value(new.clone())),
            );
        }
    },
};

pub static VERSION_TAG_CHANGED: Rule = Rule {
    info: RuleInfo {
        id: "version-tag-changed",
        category: super::Category::Value,
        summary: "The document's version tag moved to the next version.",
        effect: Effect {
            backward: "compatible",
            forward: "compatible",
        },
        explanation: "Every version carries its own `version` constant (the seed's convention), \
            and readers dispatch on it, so the tag itself changing is expected; what matters is \
            how the rest of the document changed. Pass `--version-field ''` to compare the tag \
            like any other constant (`const-changed`).",
        example_old: example!("version-tag-changed").0,
        example_new: example!("version-tag-changed").1,
        example_policy: None,
        scope: super::Scope::Change,
        annotation_only: false,
        closed_object: false,
    },
    check: |pair, out| {
        let (Some(o), Some(n)) = values(pair) else {
            return;
        };
        if !both_const(pair) || !pair.is_version_tag() {
            return;
        }
        if let ([old], [new]) = (o.as_slice(), n.as_slice())
            && !json_equal(old, new)
        {
            out.push(
                Change::new(
                    &VERSION_TAG_CHANGED,
                    pair,
                    format!("version tag changed from {old} to {new}"),
                )
                .detail(format!("{old}->{new}")),
            );
        }
    },
};
