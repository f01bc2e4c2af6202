//! The JSON-text fast paths (`from_json`, `append_json`, `to_json`, parts kept as text) agree
//! with the `Value` paths they shortcut, and fall back to the same typed errors.

use docver::{DocError, Parts, Versioned};
use serde_json::{Value, json};
use todo::{AnyTodo, TodoStatusV1, TodoV1, TodoV3, TodoV4};

fn docs() -> Vec<Value> {
    vec![
        json!({"_id": "a", "title": "milk", "status": true}),
        json!({"_id": "b", "schema": "todo-item", "version": 1, "title": "x", "status": false, "extra": {"version": 9}}),
        json!({"meta": {"version": 3}, "_id": "c", "title": "nested tag first", "status": true}),
        json!({"_id": "d", "schema": "todo-item", "version": 2, "title": "t", "status": true, "important": true}),
        json!({"_id": "e", "version": 3, "schema": "todo-item", "title": "t", "status": "blocked", "important": false, "x": [1, 2]}),
        json!({"_id": "f", "schema": "todo-item", "version": 4, "title": "t", "important": true, "_rev": "1-a"}),
        json!({"_id": "g", "title": "esc\"aped", "status": true, "k\"ey": "v"}),
    ]
}

#[test]
fn from_json_reads_what_from_document_reads() {
    for doc in docs() {
        let text = doc.to_string();
        let fast = AnyTodo::from_json(&text).unwrap();
        let slow = AnyTodo::from_document(&doc).unwrap();
        assert_eq!(fast, slow, "{text}");
        assert_eq!(fast.to_document(), slow.to_document(), "{text}");
        assert_eq!(AnyTodo::from_slice(text.as_bytes()).unwrap(), slow);
    }
    // Escaped keys are read (and kept) like plain ones.
    let raw = r#"{"_id":"h","title":"t","st\u0061tus":true,"k\"ey":"v","\u0076ersion":1}"#;
    let doc: Value = serde_json::from_str(raw).unwrap();
    assert_eq!(
        AnyTodo::from_json(raw).unwrap(),
        AnyTodo::from_document(&doc).unwrap()
    );
    // Mixed versions one after another: the reader's guess changes, the result does not.
    for doc in docs().into_iter().chain(docs().into_iter().rev()) {
        let text = doc.to_string();
        assert_eq!(
            AnyTodo::from_json(&text).unwrap(),
            AnyTodo::from_document(&doc).unwrap()
        );
    }
}

#[test]
fn from_json_errors_are_the_typed_ones() {
    let cases = [
        (
            json!({"_id": "w", "schema": "shopping", "version": 1, "title": "t", "status": true}),
            "expected schema",
        ),
        (
            json!({"_id": "n", "schema": "todo-item", "version": 9, "title": "t"}),
            "version 9 is not known",
        ),
        (
            json!({"_id": "i", "schema": "todo-item", "version": 1, "title": "t", "status": "yes"}),
            "/status",
        ),
        (
            json!({"_id": "v", "schema": "todo-item", "version": "1", "title": "t", "status": true}),
            "/version",
        ),
    ];
    for (doc, expected) in cases {
        let text = doc.to_string();
        let fast = AnyTodo::from_json(&text).unwrap_err();
        let slow = AnyTodo::from_document(&doc).unwrap_err();
        assert_eq!(fast, slow);
        assert!(fast.to_string().contains(expected), "{fast}");
        assert!(fast.to_string().contains("document "), "{fast}");
    }
    assert!(matches!(
        AnyTodo::from_json("{not json"),
        Err(DocError::Invalid { .. })
    ));
    assert!(matches!(
        AnyTodo::from_json("[1, 2]"),
        Err(DocError::Invalid { .. })
    ));
    assert!(AnyTodo::from_slice(b"\xff").is_err());
}

#[test]
fn text_out_is_the_document_out() {
    for doc in docs() {
        let mut parts = Parts::new(Some("u1".into()));
        let v4: TodoV4 = AnyTodo::from_document(&doc)
            .unwrap()
            .into_latest_with(&mut parts)
            .unwrap();
        let mut out = Vec::new();
        v4.append_json(&mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            v4.to_document().to_string()
        );
        assert_eq!(v4.to_json(), v4.to_document().to_string());
        let mut streamed = Vec::new();
        v4.to_writer(&mut streamed).unwrap();
        assert_eq!(String::from_utf8(streamed).unwrap(), v4.to_json());
        for part in parts.docs.values() {
            let value: Value = serde_json::from_str(&part.to_json()).unwrap();
            assert_eq!(&value, &**part);
            assert_eq!(value["_id"], json!("todo-status:u1"));
        }
    }
}

#[test]
fn a_stale_tag_among_unknown_fields_does_not_duplicate_the_tag() {
    let mut v1 = TodoV1::from_json(r#"{"title":"t","status":true}"#).unwrap();
    v1.unknown.insert("version".into(), json!(7));
    v1.unknown.insert("other".into(), json!(1));
    let text = v1.to_json();
    assert_eq!(
        text,
        r#"{"schema":"todo-item","version":1,"title":"t","status":true,"other":1}"#
    );
    assert_eq!(v1.to_document().to_string(), text);
}

#[test]
fn parts_round_trip_as_text_and_as_values() {
    let mut parts = Parts::new(Some("9a".into()));
    let v3 = TodoV3::from_json(
        r#"{"_id":"9a","schema":"todo-item","version":3,"title":"t","status":"started","important":true}"#,
    )
    .unwrap();
    let v4 = v3.clone().upgrade(&mut parts).unwrap();
    assert_eq!(
        parts.docs["todo-status"],
        json!({"schema": "todo-status", "version": 1, "todo": "9a", "status": "started", "_id": "todo-status:9a"})
    );
    // Taken back as text ...
    let mut text_parts = parts.clone();
    let back = v4.clone().downgrade(&mut text_parts).unwrap();
    assert_eq!(back.status, v3.status);
    assert!(text_parts.is_empty());
    // ... and after a trip through the values a store holds.
    let mut value_parts = Parts::with_docs(parts.id.clone(), parts.docs.clone().into_values());
    let status = value_parts.take::<TodoStatusV1>().unwrap().unwrap();
    assert_eq!(status.todo, "9a");
    assert_eq!(status.unknown.get("_id"), Some(&json!("todo-status:9a")));
}
