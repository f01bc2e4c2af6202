//! The kinds of operation by name: the JSON form's `"op"` tag, which is also the operation's
//! name in the attribute language (`lens(rename(...), convert(...))`).

use super::LensOp;

/// Which operation a [`LensOp`] is, without its arguments.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OpKind {
    /// `add`: a property appears.
    Add,
    /// `remove`: a property goes.
    Remove,
    /// `rename`: a property takes a new name.
    Rename,
    /// `hoist`: a value moves out of an object property.
    Hoist,
    /// `plunge`: a value moves into an object property.
    Plunge,
    /// `wrap`: a scalar becomes a one-element array.
    Wrap,
    /// `head`: an array becomes its first element.
    Head,
    /// `in`: operations inside an object property.
    In,
    /// `map`: operations on every array element.
    Map,
    /// `convert`: values mapped through a table.
    Convert,
}

impl OpKind {
    /// Every kind, in the order the documentation lists them.
    pub const ALL: [OpKind; 10] = [
        OpKind::Add,
        OpKind::Remove,
        OpKind::Rename,
        OpKind::Hoist,
        OpKind::Plunge,
        OpKind::Wrap,
        OpKind::Head,
        OpKind::In,
        OpKind::Map,
        OpKind::Convert,
    ];

    /// The name, as the `"op"` tag of the JSON form spells it.
    pub fn name(self) -> &'static str {
        match self {
            OpKind::Add => "add",
            OpKind::Remove => "remove",
            OpKind::Rename => "rename",
            OpKind::Hoist => "hoist",
            OpKind::Plunge => "plunge",
            OpKind::Wrap => "wrap",
            OpKind::Head => "head",
            OpKind::In => "in",
            OpKind::Map => "map",
            OpKind::Convert => "convert",
        }
    }

    /// The kind named `name` in the JSON form or the attribute language, if any.
    pub fn from_name(name: &str) -> Option<OpKind> {
        OpKind::ALL.into_iter().find(|kind| kind.name() == name)
    }
}

impl<N, V> LensOp<N, V> {
    /// Which operation this is.
    pub fn kind(&self) -> OpKind {
        match self {
            LensOp::Add(_) => OpKind::Add,
            LensOp::Remove(_) => OpKind::Remove,
            LensOp::Rename(_) => OpKind::Rename,
            LensOp::Hoist(_) => OpKind::Hoist,
            LensOp::Plunge(_) => OpKind::Plunge,
            LensOp::Wrap(_) => OpKind::Wrap,
            LensOp::Head(_) => OpKind::Head,
            LensOp::In(_) => OpKind::In,
            LensOp::Map(_) => OpKind::Map,
            LensOp::Convert(_) => OpKind::Convert,
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;

    /// One operation of every kind, in its JSON form.
    fn every_kind() -> Vec<Value> {
        vec![
            json!({"op": "add", "name": "a"}),
            json!({"op": "remove", "name": "a"}),
            json!({"op": "rename", "from": "a", "to": "b"}),
            json!({"op": "hoist", "host": "h", "name": "a"}),
            json!({"op": "plunge", "host": "h", "name": "a"}),
            json!({"op": "wrap", "name": "a"}),
            json!({"op": "head", "name": "a"}),
            json!({"op": "in", "name": "a", "ops": []}),
            json!({"op": "map", "ops": []}),
            json!({"op": "convert", "name": "a", "forward": []}),
        ]
    }

    #[test]
    fn a_kind_is_named_as_its_json_tag() {
        let ops = every_kind();
        assert_eq!(ops.len(), OpKind::ALL.len());
        for (json, kind) in ops.into_iter().zip(OpKind::ALL) {
            let op: LensOp = serde_json::from_value(json.clone()).unwrap();
            assert_eq!(op.kind(), kind);
            assert_eq!(json["op"], kind.name());
            assert_eq!(OpKind::from_name(kind.name()), Some(kind));
        }
    }
}
