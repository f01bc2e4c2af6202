//! Matching a value to the branches of a large union by a cheap signature first: when every
//! tagged branch requires one property (`"kind"`) with a fixed set of values, the branches a
//! given object may match are found by hashing its tag, and only those (and the untagged
//! branches) are validated. A 1,000-branch `oneOf` then costs a few checks per value instead of
//! a thousand.

use std::collections::HashMap;

use serde_json::Value;

use super::values::json_hash;
use super::{NodeId, Schema, Variants};

/// Below this many branches trying each one is as cheap as the index.
const MIN_BRANCHES: usize = 16;

/// The branches of a union indexed by the value of their tag property.
#[derive(Debug, Clone)]
pub struct Discriminator {
    pub property: String,
    /// Branch positions by the hash of a tag value they allow.
    by_tag: HashMap<u64, Vec<usize>>,
    /// Branches that do not require the tag (always candidates).
    untagged: Vec<usize>,
}

impl Discriminator {
    /// The index for `variants`, when it is large and has a tag property.
    pub(crate) fn build(schema: &Schema, variants: &Variants) -> Option<Discriminator> {
        if variants.branches.len() < MIN_BRANCHES {
            return None;
        }
        let property = variants
            .branches
            .iter()
            .find_map(|b| tag_values(schema, *b, None).map(|(name, _)| name))?
            .to_owned();
        let mut by_tag: HashMap<u64, Vec<usize>> = HashMap::new();
        let mut untagged = Vec::new();
        for (i, branch) in variants.branches.iter().enumerate() {
            match tag_values(schema, *branch, Some(&property)) {
                Some((_, values)) => {
                    for v in &values {
                        let at = by_tag.entry(json_hash(v)).or_default();
                        if at.last() != Some(&i) {
                            at.push(i);
                        }
                    }
                }
                None => untagged.push(i),
            }
        }
        Some(Discriminator {
            property,
            by_tag,
            untagged,
        })
    }

    /// Positions of the branches `value` may match, in order. Every other branch requires the
    /// tag with values `value` does not have, so it rejects `value`.
    pub fn candidates(&self, value: &Value) -> Vec<usize> {
        let tagged = value
            .as_object()
            .and_then(|map| map.get(&self.property))
            .and_then(|tag| self.by_tag.get(&json_hash(tag)))
            .map_or(&[][..], Vec::as_slice);
        let mut at: Vec<usize> = tagged.iter().chain(&self.untagged).copied().collect();
        at.sort_unstable();
        at.dedup();
        at
    }
}

/// The branch's required tag property (`name`, or the first one with fixed values) and the
/// values it allows, `null` included when an alias admits it.
fn tag_values<'s>(
    schema: &'s Schema,
    branch: NodeId,
    name: Option<&str>,
) -> Option<(&'s str, Vec<Value>)> {
    let r = schema.resolve(branch);
    if r.node.rejects_all {
        return None;
    }
    let object = &r.node.object;
    object
        .required
        .iter()
        .filter(|required| name.is_none_or(|n| n == required.as_str()))
        .find_map(|required| {
            let values = schema.resolve(*object.properties.get(required)?).values()?;
            Some((required.as_str(), values))
        })
}
