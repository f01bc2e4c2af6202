//! Tagged variants (`oneOf`/`anyOf`, as schemars emits Rust enums).

use super::{Change, Effect, Pair, Probe, Rule, RuleInfo, example};
use crate::check::equivalence::equivalent;
use crate::check::instance::minimal;
use crate::model::{NodeId, Schema};
use serde_json::Value;
use std::collections::{HashMap, VecDeque};

/// What identifies a branch across versions: its tag value (`{"type": {"const": "A"}}`), its
/// single key (`{"A": {…}}`, serde's external tagging), its constant (a unit variant), its
/// `$ref` target, or failing all of these its position.
pub(crate) fn variant_key(schema: &Schema, branch: NodeId, index: usize) -> String {
    let origin = schema.node(branch);
    let r = schema.resolve(branch);
    let node = r.node;
    if let Some([value]) = node.values.as_deref() {
        return format!("{value}");
    }
    let object = &node.object;
    for name in &object.required {
        if let Some(prop) = object.properties.get(name)
            && let Some([Value::String(tag)]) = schema.resolve(*prop).node.values.as_deref()
        {
            return format!("{name}={tag}");
        }
    }
    if object.required.len() == 1 && object.properties.len() == 1 {
        return object.required[0].clone();
    }
    if let Some(reference) = &origin.reference {
        return reference.rsplit('/').next().unwrap_or(reference).to_owned();
    }
    format!("#{index}")
}

/// Branches of both sides, matched by key.
#[derive(Debug, Default)]
pub(crate) struct VariantMatch {
    /// `(old index, new index, key)`.
    pub matched: Vec<(usize, usize, String)>,
    pub added: Vec<(usize, String)>,
    pub removed: Vec<(usize, String)>,
}

pub(crate) fn match_variants(pair: &Pair<'_>) -> Option<VariantMatch> {
    let (ov, nv) = (
        pair.o.node.variants.as_ref()?,
        pair.n.node.variants.as_ref()?,
    );
    let old_keys: Vec<String> = ov
        .branches
        .iter()
        .enumerate()
        .map(|(i, b)| variant_key(pair.old, *b, i))
        .collect();
    let new_keys: Vec<String> = nv
        .branches
        .iter()
        .enumerate()
        .map(|(i, b)| variant_key(pair.new, *b, i))
        .collect();
    // Keys are looked up, not scanned: a union may have thousands of branches. Branches sharing
    // a key are matched in order (the k-th old one with the k-th new one), so that a union
    // compared with itself pairs every branch with itself.
    let mut new_at: HashMap<&str, VecDeque<usize>> = HashMap::with_capacity(new_keys.len());
    for (j, key) in new_keys.iter().enumerate() {
        new_at.entry(key.as_str()).or_default().push_back(j);
    }
    let mut result = VariantMatch::default();
    for (i, key) in old_keys.iter().enumerate() {
        match new_at.get_mut(key.as_str()).and_then(VecDeque::pop_front) {
            Some(j) => result.matched.push((i, j, key.clone())),
            None => result.removed.push((i, key.clone())),
        }
    }
    let mut unmatched: Vec<usize> = new_at.into_values().flatten().collect();
    unmatched.sort_unstable();
    for j in unmatched {
        result.added.push((j, new_keys[j].clone()));
    }
    Some(result)
}

pub static VARIANT_ADDED: Rule = Rule {
    info: RuleInfo {
        id: "variant-added",
        category: super::Category::Variant,
        summary: "A variant was added to a tagged union (oneOf/anyOf).",
        effect: Effect {
            backward: "compatible",
            forward: "breaking",
        },
        explanation: "New documents may be of the new variant, which an old reader does not \
            know (a Rust enum gained a variant).",
        example_old: example!("variant-added").0,
        example_new: example!("variant-added").1,
        example_policy: None,
        scope: super::Scope::Change,
        annotation_only: false,
        closed_object: false,
    },
    check: |pair, out| {
        let Some(m) = match_variants(pair) else {
            return;
        };
        let branches = &pair
            .n
            .node
            .variants
            .as_ref()
            .map(|v| v.branches.clone())
            .unwrap_or_default();
        for (j, key) in &m.added {
            let change = Change::new(&VARIANT_ADDED, pair, format!("variant `{key}` was added"))
                .detail(key)
                .at(Some(pair.o.id), Some(branches[*j]));
            out.push(match minimal(pair.new, branches[*j]) {
                Some(v) => change.breaks_forward(Probe::Value(v)),
                None => change.undecided_forward(),
            });
        }
    },
};

pub static VARIANT_REMOVED: Rule = Rule {
    info: RuleInfo {
        id: "variant-removed",
        category: super::Category::Variant,
        summary: "A variant was removed from a tagged union.",
        effect: Effect {
            backward: "breaking",
            forward: "compatible",
        },
        explanation: "Old documents may be of the removed variant, which a new reader rejects.",
        example_old: example!("variant-removed").0,
        example_new: example!("variant-removed").1,
        example_policy: None,
        scope: super::Scope::Change,
        annotation_only: false,
        closed_object: false,
    },
    check: |pair, out| {
        let Some(m) = match_variants(pair) else {
            return;
        };
        let branches = &pair
            .o
            .node
            .variants
            .as_ref()
            .map(|v| v.branches.clone())
            .unwrap_or_default();
        for (i, key) in &m.removed {
            let change = Change::new(
                &VARIANT_REMOVED,
                pair,
                format!("variant `{key}` was removed"),
            )
            .detail(key)
            .at(Some(branches[*i]), Some(pair.n.id))
            .pointer_in_old();
            out.push(match minimal(pair.old, branches[*i]) {
                Some(v) => change.breaks_backward(Probe::Value(v)),
                None => change.undecided_backward(),
            });
        }
    },
};

pub static VARIANT_CHANGED: Rule = Rule {
    info: RuleInfo {
        id: "variant-changed",
        category: super::Category::Variant,
        summary: "A variant kept its tag but its schema changed.",
        effect: Effect {
            backward: "as the changes inside it",
            forward: "as the changes inside it",
        },
        explanation: "Heads the changes found inside one variant, with their worst verdict per \
            direction and their witnesses, so a reviewer sees which variant moved.",
        example_old: example!("variant-changed").0,
        example_new: example!("variant-changed").1,
        example_policy: None,
        scope: super::Scope::Change,
        annotation_only: false,
        closed_object: false,
    },
    check: |pair, out| {
        let Some(m) = match_variants(pair) else {
            return;
        };
        let (ob, nb) = (
            &pair
                .o
                .node
                .variants
                .as_ref()
                .map(|v| v.branches.clone())
                .unwrap_or_default(),
            &pair
                .n
                .node
                .variants
                .as_ref()
                .map(|v| v.branches.clone())
                .unwrap_or_default(),
        );
        for (i, j, key) in &m.matched {
            if equivalent(pair.old, ob[*i], pair.new, nb[*j]) {
                continue;
            }
            let mut change =
                Change::new(&VARIANT_CHANGED, pair, format!("variant `{key}` changed"))
                    .detail(key)
                    .at(Some(ob[*i]), Some(nb[*j]));
            change.branch = Some((*i, *j));
            out.push(change);
        }
    },
};

pub static COMPOSITION_CHANGED: Rule =
    Rule {
        info: RuleInfo {
            id: "composition-changed",
            category: super::Category::Variant,
            summary: "A value became, or stopped being, a union of alternatives.",
            effect: Effect {
                backward: "breaking unless shown otherwise",
                forward: "breaking unless shown otherwise",
            },
            explanation: "Comparing a union with a single schema is not decided branch by branch; \
            each direction is breaking when a witness shows it, and breaking (undecided) \
            otherwise.",
            example_old: example!("composition-changed").0,
            example_new: example!("composition-changed").1,
            example_policy: None,
            scope: super::Scope::Change,
            annotation_only: false,
            closed_object: false,
        },
        check: |pair, out| {
            let (o, n) = (
                pair.o.node.variants.is_some(),
                pair.n.node.variants.is_some(),
            );
            if o == n {
                return;
            }
            let mut change = Change::new(
                &COMPOSITION_CHANGED,
                pair,
                if n {
                    "the value is now a union of alternatives"
                } else {
                    "the value is no longer a union of alternatives"
                },
            )
            .detail(if n { "oneOf-added" } else { "oneOf-removed" });
            // A single schema that equals one of the union's branches is contained in the union.
            let is_a_branch =
                |single: &Schema, s: NodeId, union: &Schema, u: NodeId| {
                    union.resolve(u).node.variants.as_ref().is_some_and(|v| {
                        v.branches.iter().any(|b| equivalent(single, s, union, *b))
                    })
                };
            if !(n && is_a_branch(pair.old, pair.o.id, pair.new, pair.n.id)) {
                change = match crate::check::instance::distinguishing(
                    pair.old, pair.o.id, pair.new, pair.n.id,
                ) {
                    Some(v) => change.breaks_backward(Probe::Value(v)),
                    None => change.undecided_backward(),
                };
            }
            if !(o && is_a_branch(pair.new, pair.n.id, pair.old, pair.o.id)) {
                change = match crate::check::instance::distinguishing(
                    pair.new, pair.n.id, pair.old, pair.o.id,
                ) {
                    Some(v) => change.breaks_forward(Probe::Value(v)),
                    None => change.undecided_forward(),
                };
            }
            out.push(change);
        },
    };
