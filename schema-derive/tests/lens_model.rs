//! The attribute parser, the derive and the lens interpreter share one model of lens
//! operations: a step declared with every operation comes out of `lens()` as exactly the JSON
//! form the interpreter documents (`docver::lens`), and the typed code the derive generates
//! from it migrates a document as the interpreter does.

use docver::Versioned;
use docver::lens::{Lens, LensOp, OpKind, Way};
use docver::versioned;
use serde_json::{Value, json};

#[derive(
    Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize, schemars::JsonSchema,
)]
pub enum Level {
    Low,
    High,
}

#[versioned(
    schema = "setting",
    versions = 1..=2,
    step(to = 2, lens(
        rename(from = loud, to = level),
        convert(level, up = { false => Level::Low, true => Level::High }, down = { Level::High => true, _ => false }),
        wrap(tags),
        head(aliases),
        add(comment, default = String::from("none")),
        remove(legacy, default = 7),
        hoist(host = meta, name = owner),
        plunge(host = place, name = city),
        in(items, map(rename(from = a, to = b))),
    )),
)]
#[derive(Debug, Clone, PartialEq)]
pub struct Setting {
    #[docver(until = 2)]
    pub loud: bool,
    #[docver(since = 2)]
    pub level: Level,
    #[docver(until = 2)]
    pub tags: String,
    #[docver(since = 2)]
    pub tags: Vec<String>,
    #[docver(until = 2)]
    pub aliases: Vec<String>,
    #[docver(since = 2)]
    pub aliases: String,
    #[docver(since = 2)]
    pub comment: String,
    #[docver(until = 2)]
    pub legacy: u32,
    pub meta: Value,
    #[docver(since = 2)]
    pub owner: Value,
    #[docver(until = 2)]
    pub city: String,
    pub place: Value,
    pub items: Value,
}

/// The interpreter's JSON form of the step, as `docver::lens` documents it; the property
/// schemas `lens()` adds for the schema transform are left out.
fn expected_ops() -> Value {
    json!([
        {"op": "rename", "from": "loud", "to": "level"},
        {"op": "convert", "name": "level", "forward": [[false, "Low"], [true, "High"]],
         "reverse": [["High", true]], "reverse_default": false},
        {"op": "wrap", "name": "tags", "default": ""},
        {"op": "head", "name": "aliases", "default": ""},
        {"op": "add", "name": "comment", "default": "none"},
        {"op": "remove", "name": "legacy", "default": 7},
        {"op": "hoist", "host": "meta", "name": "owner"},
        {"op": "plunge", "host": "place", "name": "city"},
        {"op": "in", "name": "items", "ops": [
            {"op": "map", "ops": [{"op": "rename", "from": "a", "to": "b"}]},
        ]},
    ])
}

fn without_schemas(mut ops: Value) -> Value {
    for op in ops.as_array_mut().expect("ops are an array") {
        let op = op.as_object_mut().expect("an op is an object");
        for key in ["schema", "reverse_schema", "required"] {
            op.shift_remove(key);
        }
    }
    ops
}

/// The kinds of `ops` and of the operations nested in them.
fn kinds(ops: &[LensOp]) -> Vec<OpKind> {
    let nested = |op: &LensOp| match op {
        LensOp::In(i) => kinds(&i.ops),
        LensOp::Map(m) => kinds(&m.ops),
        _ => Vec::new(),
    };
    ops.iter()
        .flat_map(|op| std::iter::once(op.kind()).chain(nested(op)))
        .collect()
}

#[test]
fn every_operation_reaches_the_interpreter_as_written() {
    let lens = SettingV2::lens();
    assert_eq!(
        (lens["from"].clone(), lens["to"].clone()),
        (json!(1), json!(2))
    );
    assert_eq!(without_schemas(lens["ops"].clone()), expected_ops());
    let lens = Lens::from_value(&lens).expect("the derive emits a valid lens");
    let mut every_kind = kinds(&lens.ops);
    every_kind.sort_by_key(|k| OpKind::ALL.iter().position(|a| a == k));
    every_kind.dedup();
    assert_eq!(every_kind, OpKind::ALL, "the step uses every operation");
}

fn v1() -> SettingV1 {
    SettingV1 {
        loud: true,
        tags: "a".into(),
        aliases: vec!["x".into(), "y".into()],
        // The default: the typed step keeps any other value among the unknown fields.
        legacy: 7,
        meta: json!({"owner": "ann", "since": 2020}),
        city: "Oslo".into(),
        place: json!({"street": "Main"}),
        items: json!([{"a": 1}, {"a": 2}]),
        unknown: Default::default(),
    }
}

#[test]
fn the_typed_step_migrates_as_the_interpreter_does() {
    let lens = Lens::from_value(&SettingV2::lens()).expect("a valid lens");
    let untagged = |mut doc: Value| {
        let map = doc.as_object_mut().expect("a document is an object");
        map.shift_remove(SettingV1::SCHEMA_FIELD);
        map.shift_remove(SettingV1::VERSION_FIELD);
        doc
    };
    let mut parts = docver::Parts::new(None);
    let old = untagged(v1().to_document());
    let typed = untagged(v1().upgrade(&mut parts).expect("upgrades").to_document());
    let interpreted = lens
        .applied(&old, Way::Up)
        .expect("the interpreter upgrades");
    assert_eq!(typed, interpreted);
}
