//! Structural equivalence of two nodes, ignoring annotations: "the same schema however it is
//! spelled". Used to pair a removed property with an added one as a likely rename, and to tell
//! whether a variant changed. Coinductive (a pair under comparison is assumed equal when met
//! again), iterative, and bounded by the union matching budget: past it the answer is "not
//! equivalent", which only makes the walk compare the two nodes' insides itself.

use std::collections::HashSet;

use super::budget::{self, Allowance, enums_comparable};
use crate::model::{Additional, NodeId, Schema, ValueSet};

pub fn equivalent(old: &Schema, o: NodeId, new: &Schema, n: NodeId) -> bool {
    let mut allowance = budget::union_matching_allowance();
    let same = compare(old, o, new, n, &mut allowance);
    budget::union_matching_done(&allowance);
    same
}

fn compare(old: &Schema, o: NodeId, new: &Schema, n: NodeId, allowance: &mut Allowance) -> bool {
    let mut stack = vec![(o, n)];
    let mut seen = HashSet::new();
    while let Some((a, b)) = stack.pop() {
        let (ra, rb) = (old.resolve(a), new.resolve(b));
        if !seen.insert((ra.id, rb.id, ra.admits_null, rb.admits_null)) {
            continue;
        }
        if !allowance.step() {
            return false;
        }
        let (x, y) = (ra.node, rb.node);
        let same_values = match (ra.values(), rb.values()) {
            (None, None) => true,
            (Some(p), Some(q)) => {
                enums_comparable(p.len(), q.len()) && ValueSet::new(&p).same_as(&ValueSet::new(&q))
            }
            _ => false,
        };
        let same_array = x.array.min_items == y.array.min_items
            && x.array.max_items == y.array.max_items
            && x.array.unique_items == y.array.unique_items
            && x.array.items.is_some() == y.array.items.is_some();
        let same_object = x.object.required == y.object.required
            && x.object.properties.len() == y.object.properties.len()
            && x.object
                .properties
                .keys()
                .all(|k| y.object.properties.contains_key(k))
            && x.object.min_properties == y.object.min_properties
            && x.object.max_properties == y.object.max_properties
            && matches!(
                (x.object.additional, y.object.additional),
                (Additional::Open, Additional::Open)
                    | (Additional::Closed, Additional::Closed)
                    | (Additional::Schema(_), Additional::Schema(_))
            );
        let same_variants = match (&x.variants, &y.variants) {
            (None, None) => true,
            (Some(p), Some(q)) => {
                p.exclusive == q.exclusive && p.branches.len() == q.branches.len()
            }
            _ => false,
        };
        if ra.effective_types() != rb.effective_types()
            || x.rejects_all != y.rejects_all
            || !same_values
            || x.string != y.string
            || x.number != y.number
            || !same_array
            || !same_object
            || !same_variants
        {
            return false;
        }
        if let (Some(p), Some(q)) = (x.array.items, y.array.items) {
            stack.push((p, q));
        }
        for (name, p) in &x.object.properties {
            stack.push((*p, y.object.properties[name]));
        }
        if let (Additional::Schema(p), Additional::Schema(q)) =
            (x.object.additional, y.object.additional)
        {
            stack.push((p, q));
        }
        if let (Some(p), Some(q)) = (&x.variants, &y.variants) {
            stack.extend(p.branches.iter().copied().zip(q.branches.iter().copied()));
        }
    }
    true
}
