//! A version's own `Serialize` writes its tag, so a document serialized by plain serde says
//! what it is; its `Deserialize` reads the tag aside and refuses another version's. A version
//! with a `#[serde(flatten)]` field writes the flattened keys once, round-trips byte for byte,
//! and after an edit of the flattened enum carries only the new variant's keys.

use docver::{Versioned, versioned};
use serde::{Deserialize, Serialize};

/// Version 1 untagged documents are read as (`base = 1`); version 2 adds a pin.
#[versioned(schema = "note", versions = 1..=2, base = 1)]
#[derive(Debug, Clone, PartialEq)]
pub struct Note {
    pub body: String,
    #[docver(since = 2, default)]
    pub pinned: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Form {
    Circle { radius: f64 },
    Square { side: f64 },
}

#[versioned(schema = "shape", versions = 1..=1, base = 1)]
#[derive(Debug, Clone, PartialEq)]
pub struct Shape {
    pub name: String,
    #[serde(flatten)]
    pub form: Form,
}

#[test]
fn plain_serialize_writes_the_tag_first() {
    let note = NoteV2 {
        body: "milk".into(),
        pinned: true,
        unknown: Default::default(),
    };
    let text = serde_json::to_string(&note).unwrap();
    assert_eq!(
        text,
        r#"{"schema":"note","version":2,"body":"milk","pinned":true}"#
    );
    assert_eq!(text, note.to_json());
    assert_eq!(serde_json::to_value(&note).unwrap(), note.to_document());
}

#[test]
fn a_serialized_version_reads_back_as_itself_not_as_the_base() {
    let note = NoteV2 {
        body: "milk".into(),
        pinned: true,
        unknown: Default::default(),
    };
    let text = serde_json::to_string(&note).unwrap();
    assert_eq!(
        AnyNote::from_json(&text).unwrap(),
        AnyNote::V2(note.clone())
    );
    // The tag is read aside, not kept as an unknown field.
    let back: NoteV2 = serde_json::from_str(&text).unwrap();
    assert_eq!(back, note);
    // Under the base version, a version 2 document is refused rather than misread.
    let err = serde_json::from_str::<NoteV1>(&text)
        .unwrap_err()
        .to_string();
    assert!(err.contains("version 2, not 1"), "{err}");
    let other = r#"{"schema":"todo","body":"milk"}"#;
    assert!(serde_json::from_str::<NoteV1>(other).is_err());
    // Untagged text is still read as the version asked for.
    let untagged: NoteV1 = serde_json::from_str(r#"{"body":"milk","x":1}"#).unwrap();
    assert_eq!(untagged.unknown["x"], 1);
}

#[test]
fn flattened_enum_round_trips_byte_for_byte() {
    for text in [
        r#"{"schema":"shape","version":1,"name":"a","kind":"circle","radius":2.0,"_id":"s1"}"#,
        r#"{"schema":"shape","version":1,"name":"b","kind":"square","side":5.5}"#,
    ] {
        let shape = ShapeV1::from_json(text).unwrap();
        assert!(!shape.unknown.contains_key("kind"), "{:?}", shape.unknown);
        assert_eq!(shape.to_json(), text);
        assert_eq!(serde_json::to_string(&shape).unwrap(), text);
        let any = AnyShape::from_json(text).unwrap();
        assert_eq!(any.to_json(), text);
    }
}

#[test]
fn flattened_keys_are_not_unknown_fields() {
    let text = r#"{"name":"a","kind":"circle","radius":2.0,"zip":"1"}"#;
    let shape: ShapeV1 = serde_json::from_str(text).unwrap();
    let unknown: Vec<&str> = shape.unknown.keys().map(String::as_str).collect();
    assert_eq!(unknown, ["zip"]);
    let doc = AnyShape::from_document(&serde_json::from_str(text).unwrap()).unwrap();
    assert_eq!(doc.to_json(), shape.to_json());
}

#[test]
fn an_edit_to_another_variant_leaves_only_its_keys() {
    let text = r#"{"schema":"shape","version":1,"name":"a","kind":"circle","radius":2.0}"#;
    let mut shape = ShapeV1::from_json(text).unwrap();
    shape.form = Form::Square { side: 5.0 };
    let expected = r#"{"schema":"shape","version":1,"name":"a","kind":"square","side":5.0}"#;
    assert_eq!(shape.to_json(), expected);
    assert_eq!(serde_json::to_string(&shape).unwrap(), expected);
    assert_eq!(shape.to_document().to_string(), expected);
}
