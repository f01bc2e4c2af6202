//! The model's values (defaults and table entries) traded for others of another type, the
//! structure kept: how the derive turns Rust expressions into references to values computed at
//! run time, and how the run time puts the JSON values in their place.

use super::{Convert, Head, In, LensOp, Map, Property, Wrap};

impl<N, V> LensOp<N, V> {
    /// The same operation with every value passed through `f`, in the order the values appear
    /// (an operation's fields in declaration order, nested operations depth first); the first
    /// error stops the walk.
    pub fn try_map_values<W, E>(
        self,
        f: &mut impl FnMut(V) -> Result<W, E>,
    ) -> Result<LensOp<N, W>, E> {
        Ok(match self {
            LensOp::Add(p) => LensOp::Add(p.try_map_values(f)?),
            LensOp::Remove(p) => LensOp::Remove(p.try_map_values(f)?),
            LensOp::Rename(r) => LensOp::Rename(r),
            LensOp::Hoist(m) => LensOp::Hoist(m),
            LensOp::Plunge(m) => LensOp::Plunge(m),
            LensOp::Wrap(Wrap { name, default }) => LensOp::Wrap(Wrap {
                name,
                default: default.map(&mut *f).transpose()?,
            }),
            LensOp::Head(Head { name, default }) => LensOp::Head(Head {
                name,
                default: default.map(&mut *f).transpose()?,
            }),
            LensOp::In(In { name, ops }) => LensOp::In(In {
                name,
                ops: map_all(ops, f)?,
            }),
            LensOp::Map(Map { ops }) => LensOp::Map(Map {
                ops: map_all(ops, f)?,
            }),
            LensOp::Convert(c) => LensOp::Convert(c.try_map_values(f)?),
        })
    }
}

impl<N, V> Property<N, V> {
    fn try_map_values<W, E>(
        self,
        f: &mut impl FnMut(V) -> Result<W, E>,
    ) -> Result<Property<N, W>, E> {
        Ok(Property {
            name: self.name,
            default: self.default.map(&mut *f).transpose()?,
            schema: self.schema,
            required: self.required,
        })
    }
}

impl<N, V> Convert<N, V> {
    fn try_map_values<W, E>(
        self,
        f: &mut impl FnMut(V) -> Result<W, E>,
    ) -> Result<Convert<N, W>, E> {
        Ok(Convert {
            name: self.name,
            forward: map_table(self.forward, f)?,
            forward_default: self.forward_default.map(&mut *f).transpose()?,
            reverse: self.reverse.map(|t| map_table(t, f)).transpose()?,
            reverse_default: self.reverse_default.map(&mut *f).transpose()?,
            schema: self.schema,
            reverse_schema: self.reverse_schema,
        })
    }
}

fn map_all<N, V, W, E>(
    ops: Vec<LensOp<N, V>>,
    f: &mut impl FnMut(V) -> Result<W, E>,
) -> Result<Vec<LensOp<N, W>>, E> {
    ops.into_iter().map(|op| op.try_map_values(f)).collect()
}

fn map_table<V, W, E>(
    table: Vec<(V, V)>,
    f: &mut impl FnMut(V) -> Result<W, E>,
) -> Result<Vec<(W, W)>, E> {
    table
        .into_iter()
        .map(|(key, value)| Ok((f(key)?, f(value)?)))
        .collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn values_are_visited_in_order_and_put_back_in_place() {
        let op: LensOp = serde_json::from_value(json!({"op": "in", "name": "meta", "ops": [
            {"op": "add", "name": "a", "default": 1},
            {"op": "map", "ops": [{"op": "convert", "name": "c", "forward": [[2, 3]], "forward_default": 4}]},
            {"op": "head", "name": "h", "default": 5},
        ]}))
        .unwrap();
        let mut seen = Vec::new();
        let indexed = op
            .clone()
            .try_map_values(&mut |v| {
                seen.push(v);
                Ok::<_, ()>(seen.len() - 1)
            })
            .unwrap();
        assert_eq!(seen, [json!(1), json!(2), json!(3), json!(4), json!(5)]);
        let back = indexed
            .try_map_values(&mut |i| seen.get(i).cloned().ok_or(()))
            .unwrap();
        assert_eq!(back, op);
    }
}
