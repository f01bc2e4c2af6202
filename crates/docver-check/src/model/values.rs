//! `enum` values as a set: JSON equality the way JSON Schema defines it (`1` equals `1.0`,
//! object members in any order), with a hash consistent with it, so membership is one lookup
//! and comparing two enums is linear in their sizes.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};

use serde_json::Value;

use super::number::{Exact, number_equal};

/// JSON equality with numbers compared by value (`1` equals `1.0`), as JSON Schema does, and
/// integers compared exactly (`9007199254740993` differs from `9007199254740992`).
pub fn json_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => number_equal(x, y),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| json_equal(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| json_equal(v, w)))
        }
        _ => a == b,
    }
}

/// A hash that equal values (by [`json_equal`]) share.
pub fn json_hash(value: &Value) -> u64 {
    let mut hasher = DefaultHasher::new();
    write_value(value, &mut hasher);
    hasher.finish()
}

fn write_value(value: &Value, hasher: &mut DefaultHasher) {
    match value {
        Value::Null => 0u8.hash(hasher),
        Value::Bool(b) => (1u8, b).hash(hasher),
        Value::Number(n) => match Exact::of(n) {
            // Equal numbers have the same exact form.
            Exact::Integer(i) => (2u8, i).hash(hasher),
            Exact::Float(f) => (6u8, f.to_bits()).hash(hasher),
        },
        Value::String(s) => (3u8, s).hash(hasher),
        Value::Array(items) => {
            (4u8, items.len()).hash(hasher);
            for item in items {
                write_value(item, hasher);
            }
        }
        Value::Object(map) => {
            // Member order does not matter: combine the members' hashes commutatively.
            let members = map.iter().fold(0u64, |sum, (k, v)| {
                let mut member = DefaultHasher::new();
                k.hash(&mut member);
                write_value(v, &mut member);
                sum.wrapping_add(member.finish())
            });
            (5u8, map.len(), members).hash(hasher);
        }
    }
}

/// An index over a slice of values: which positions hold a value equal to a given one.
#[derive(Debug, Clone, Default)]
pub struct ValueIndex {
    buckets: HashMap<u64, Vec<usize>>,
}

impl ValueIndex {
    pub fn new(values: &[Value]) -> ValueIndex {
        let mut buckets: HashMap<u64, Vec<usize>> = HashMap::with_capacity(values.len());
        for (i, v) in values.iter().enumerate() {
            buckets.entry(json_hash(v)).or_default().push(i);
        }
        ValueIndex { buckets }
    }

    /// Whether `values` (the slice this index was built from) holds a value equal to `value`.
    pub fn contains(&self, values: &[Value], value: &Value) -> bool {
        self.buckets
            .get(&json_hash(value))
            .is_some_and(|at| at.iter().any(|i| json_equal(&values[*i], value)))
    }
}

/// A slice of values with its index.
#[derive(Debug, Clone)]
pub struct ValueSet<'a> {
    values: &'a [Value],
    index: ValueIndex,
}

impl<'a> ValueSet<'a> {
    pub fn new(values: &'a [Value]) -> ValueSet<'a> {
        ValueSet {
            values,
            index: ValueIndex::new(values),
        }
    }

    pub fn contains(&self, value: &Value) -> bool {
        self.index.contains(self.values, value)
    }

    /// The values of `self` that `other` lacks, in order.
    pub fn missing_from<'b>(
        &'b self,
        other: &'b ValueSet<'_>,
    ) -> impl Iterator<Item = &'a Value> + 'b {
        self.values.iter().filter(move |v| !other.contains(v))
    }

    /// Whether both hold the same values (duplicates aside).
    pub fn same_as(&self, other: &ValueSet<'_>) -> bool {
        self.missing_from(other).next().is_none() && other.missing_from(self).next().is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn equal_values_are_found_whatever_their_spelling() {
        let values = [
            json!(1),
            json!({"a": 1, "b": [2.0]}),
            json!("x"),
            json!(-0.0),
        ];
        let set = ValueSet::new(&values);
        for v in [
            json!(1.0),
            json!({"b": [2], "a": 1.0}),
            json!("x"),
            json!(0),
        ] {
            assert!(set.contains(&v), "{v}");
        }
        for v in [
            json!(2),
            json!({"a": 1}),
            json!("y"),
            json!(null),
            json!([1]),
        ] {
            assert!(!set.contains(&v), "{v}");
        }
    }

    #[test]
    fn integers_beyond_f64_precision_are_told_apart() {
        // 2^53 + 1 rounds to 2^53 as an `f64`.
        let (big, next) = (
            json!(9_007_199_254_740_992_u64),
            json!(9_007_199_254_740_993_u64),
        );
        assert!(!json_equal(&big, &next));
        assert!(!json_equal(&json!(u64::MAX), &json!(u64::MAX - 1)));
        assert!(!json_equal(&json!(i64::MIN), &json!(i64::MIN + 1)));
        assert!(json_equal(&json!(u64::MAX), &json!(u64::MAX)));
        let values = [big.clone()];
        let set = ValueSet::new(&values);
        assert!(set.contains(&big) && !set.contains(&next));
        // Floats that hold an integer still equal it.
        assert!(json_equal(&json!(9_007_199_254_740_992.0), &big));
        assert!(json_equal(&json!(2.5), &json!(2.5)) && !json_equal(&json!(2.5), &json!(2)));
    }

    #[test]
    fn missing_values_keep_their_order() {
        let (a, b) = ([json!(1), json!(2), json!(3)], [json!(2)]);
        let (a, b) = (ValueSet::new(&a), ValueSet::new(&b));
        assert_eq!(
            a.missing_from(&b).collect::<Vec<_>>(),
            [&json!(1), &json!(3)]
        );
        assert!(!a.same_as(&b) && a.same_as(&a));
    }
}
