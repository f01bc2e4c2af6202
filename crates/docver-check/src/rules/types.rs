//! Type changes, and `null` admitted or refused.

use super::{Change, Effect, Pair, Probe, Rule, RuleInfo, example};
use crate::model::{JsonType, Resolved, TypeSet};
use serde_json::Value;

/// The non-null types a node admits (`None` = unrestricted = every type).
fn non_null(r: &Resolved<'_>) -> TypeSet {
    r.effective_types()
        .unwrap_or_else(TypeSet::any)
        .without(JsonType::Null)
}

fn admits_null(r: &Resolved<'_>) -> bool {
    r.effective_types()
        .is_none_or(|t| t.contains(JsonType::Null))
}

enum Relation {
    Same,
    Widened,
    Narrowed,
    Changed,
}

fn relation(pair: &Pair<'_>) -> Relation {
    let (o, n) = (non_null(&pair.o), non_null(&pair.n));
    match (o.admitted_by(n), n.admitted_by(o)) {
        (true, true) => Relation::Same,
        (true, false) => Relation::Widened,
        (false, true) => Relation::Narrowed,
        (false, false) => Relation::Changed,
    }
}

fn message(pair: &Pair<'_>, verb: &str) -> String {
    format!(
        "type {verb} from {} to {}",
        non_null(&pair.o).names(),
        non_null(&pair.n).names()
    )
}

fn detail(pair: &Pair<'_>) -> String {
    format!(
        "{}->{}",
        non_null(&pair.o).names(),
        non_null(&pair.n).names()
    )
}

pub static TYPE_CHANGED: Rule = Rule {
    info: RuleInfo {
        id: "type-changed",
        category: super::Category::Type,
        summary: "The type changed to one that neither includes nor is included in the old one.",
        effect: Effect {
            backward: "breaking",
            forward: "breaking",
        },
        explanation: "Old documents hold values of the old type, which a new reader rejects, and \
            new documents values of the new type, which an old reader rejects. This is the \
            seed's `status: boolean` → progress string change.",
        example_old: example!("type-changed").0,
        example_new: example!("type-changed").1,
        example_policy: None,
        scope: super::Scope::Change,
        annotation_only: false,
        closed_object: false,
    },
    check: |pair, out| {
        if let Relation::Changed = relation(pair) {
            out.push(
                Change::new(&TYPE_CHANGED, pair, message(pair, "changed"))
                    .detail(detail(pair))
                    .breaks_backward(Probe::Search)
                    .breaks_forward(Probe::Search),
            );
        }
    },
};

pub static TYPE_WIDENED: Rule = Rule {
    info: RuleInfo {
        id: "type-widened",
        category: super::Category::Type,
        summary: "The type now admits more (e.g. integer → number, or a second type).",
        effect: Effect {
            backward: "compatible",
            forward: "breaking",
        },
        explanation: "Every old value is still valid, but new documents may hold values an old \
            reader cannot read (1.5 where it expects an integer).",
        example_old: example!("type-widened").0,
        example_new: example!("type-widened").1,
        example_policy: None,
        scope: super::Scope::Change,
        annotation_only: false,
        closed_object: false,
    },
    check: |pair, out| {
        if let Relation::Widened = relation(pair) {
            out.push(
                Change::new(&TYPE_WIDENED, pair, message(pair, "widened"))
                    .detail(detail(pair))
                    .breaks_forward(Probe::Search),
            );
        }
    },
};

pub static TYPE_NARROWED: Rule = Rule {
    info: RuleInfo {
        id: "type-narrowed",
        category: super::Category::Type,
        summary: "The type now admits less (e.g. number → integer, or a type dropped).",
        effect: Effect {
            backward: "breaking",
            forward: "compatible",
        },
        explanation: "Old documents may hold values of the dropped type, which a new reader \
            rejects.",
        example_old: example!("type-narrowed").0,
        example_new: example!("type-narrowed").1,
        example_policy: None,
        scope: super::Scope::Change,
        annotation_only: false,
        closed_object: false,
    },
    check: |pair, out| {
        if let Relation::Narrowed = relation(pair) {
            out.push(
                Change::new(&TYPE_NARROWED, pair, message(pair, "narrowed"))
                    .detail(detail(pair))
                    .breaks_backward(Probe::Search),
            );
        }
    },
};

pub static NULLABLE_ADDED: Rule = Rule {
    info: RuleInfo {
        id: "nullable-added",
        category: super::Category::Type,
        summary: "The value may now be null.",
        effect: Effect {
            backward: "compatible",
            forward: "breaking",
        },
        explanation: "New documents may hold `null` where an old reader expects a value \
            (`T` became `Option<T>`).",
        example_old: example!("nullable-added").0,
        example_new: example!("nullable-added").1,
        example_policy: None,
        scope: super::Scope::Change,
        annotation_only: false,
        closed_object: false,
    },
    check: |pair, out| {
        if !admits_null(&pair.o) && admits_null(&pair.n) {
            out.push(
                Change::new(&NULLABLE_ADDED, pair, "the value may now be null")
                    .detail("null")
                    .at(Some(pair.old_origin), Some(pair.new_origin))
                    .breaks_forward(Probe::Value(Value::Null)),
            );
        }
    },
};

pub static NULLABLE_REMOVED: Rule = Rule {
    info: RuleInfo {
        id: "nullable-removed",
        category: super::Category::Type,
        summary: "The value may no longer be null.",
        effect: Effect {
            backward: "breaking",
            forward: "compatible",
        },
        explanation: "Old documents may hold `null` here, which a new reader rejects \
            (`Option<T>` became `T`).",
        example_old: example!("nullable-removed").0,
        example_new: example!("nullable-removed").1,
        example_policy: None,
        scope: super::Scope::Change,
        annotation_only: false,
        closed_object: false,
    },
    check: |pair, out| {
        if admits_null(&pair.o) && !admits_null(&pair.n) {
            out.push(
                Change::new(&NULLABLE_REMOVED, pair, "the value may no longer be null")
                    .detail("null")
                    .at(Some(pair.old_origin), Some(pair.new_origin))
                    .breaks_backward(Probe::Value(Value::Null)),
            );
        }
    },
};
