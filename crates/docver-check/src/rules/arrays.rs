//! Array `items` and `uniqueItems`. Changes inside the item schema are found by the walk,
//! which descends into `items` on both sides.

use super::{Change, Effect, Probe, Rule, RuleInfo, example};
use crate::check::instance::{counterexample, minimal};
use crate::model::{JsonType, Resolved};
use serde_json::Value;

fn admits_arrays(r: &Resolved<'_>) -> bool {
    r.effective_types()
        .is_none_or(|t| t.contains(JsonType::Array))
}

pub static ITEMS_CHANGED: Rule = Rule {
    info: RuleInfo {
        id: "items-changed",
        category: super::Category::Array,
        summary: "An array gained or lost its item schema.",
        effect: Effect {
            backward: "breaking when items become constrained",
            forward: "breaking when items become free",
        },
        explanation: "An array without `items` holds anything; adding an item schema makes a new \
            reader reject old arrays whose items do not fit, and removing it lets new documents \
            hold items an old reader rejects. Changes within an item schema are reported by the \
            rule that matches them, at `…/items`.",
        example_old: example!("items-changed").0,
        example_new: example!("items-changed").1,
        example_policy: None,
        scope: super::Scope::Change,
        annotation_only: false,
        closed_object: false,
    },
    check: |pair, out| {
        if !admits_arrays(&pair.o) || !admits_arrays(&pair.n) {
            return;
        }
        match (pair.o.node.array.items, pair.n.node.array.items) {
            (None, Some(item)) => {
                let change = Change::new(&ITEMS_CHANGED, pair, "array items are now constrained")
                    .detail("items-added");
                out.push(match counterexample(pair.new, item) {
                    Some(v) => change.breaks_backward(Probe::Value(Value::Array(vec![v]))),
                    None => change,
                });
            }
            (Some(item), None) => {
                let change = Change::new(
                    &ITEMS_CHANGED,
                    pair,
                    "array items are no longer constrained",
                )
                .detail("items-removed");
                out.push(match counterexample(pair.old, item) {
                    Some(v) => change.breaks_forward(Probe::Value(Value::Array(vec![v]))),
                    None => change,
                });
            }
            _ => {}
        }
    },
};

pub static UNIQUE_ITEMS_CHANGED: Rule = Rule {
    info: RuleInfo {
        id: "unique-items-changed",
        category: super::Category::Array,
        summary: "An array started or stopped requiring unique items.",
        effect: Effect {
            backward: "breaking when uniqueness is added",
            forward: "breaking when it is dropped",
        },
        explanation: "A `Vec` that became a set (`uniqueItems: true`) rejects old arrays with \
            repeated items; the reverse lets new documents repeat items an old set reader \
            rejects.",
        example_old: example!("unique-items-changed").0,
        example_new: example!("unique-items-changed").1,
        example_policy: None,
        scope: super::Scope::Change,
        annotation_only: false,
        closed_object: false,
    },
    check: |pair, out| {
        let (o, n) = (
            pair.o.node.array.unique_items,
            pair.n.node.array.unique_items,
        );
        if o == n || !admits_arrays(&pair.o) || !admits_arrays(&pair.n) {
            return;
        }
        let (source, node) = if n {
            (pair.old, pair.o.node)
        } else {
            (pair.new, pair.n.node)
        };
        let item = node
            .array
            .items
            .and_then(|i| minimal(source, i))
            .unwrap_or(Value::from(0));
        let twice = Value::Array(vec![item.clone(), item]);
        let change = Change::new(
            &UNIQUE_ITEMS_CHANGED,
            pair,
            if n {
                "array items must now be unique"
            } else {
                "array items need no longer be unique"
            },
        )
        .detail(if n { "added" } else { "removed" });
        out.push(if n {
            change.breaks_backward(Probe::Value(twice))
        } else {
            change.breaks_forward(Probe::Value(twice))
        });
    },
};
