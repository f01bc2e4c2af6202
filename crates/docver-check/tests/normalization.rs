//! The same schema spelled differently compares equal: no findings either way.

use docver_check::{DiffOptions, diff, read_schema};

fn assert_same(a: &str, b: &str) {
    let (x, y) = (
        read_schema("a.json", a).unwrap(),
        read_schema("b.json", b).unwrap(),
    );
    for (old, new) in [(&x, &y), (&y, &x)] {
        for strict in [false, true] {
            let report = diff(
                old,
                new,
                &DiffOptions {
                    strict,
                    ..DiffOptions::default()
                },
            );
            assert!(
                report.findings.is_empty(),
                "{a}\nvs\n{b}\n{:#?}",
                report.findings
            );
        }
    }
}

#[test]
fn inline_and_defs_compare_equal() {
    assert_same(
        r#"{"type": "object", "properties": {"status": {"type": "string", "enum": ["open", "done"]}}}"#,
        r##"{"type": "object", "properties": {"status": {"$ref": "#/$defs/Status"}},
             "$defs": {"Status": {"type": "string", "enum": ["open", "done"]}}}"##,
    );
}

#[test]
fn draft_07_definitions_compare_equal_to_2020_12_defs() {
    assert_same(
        r##"{"$schema": "http://json-schema.org/draft-07/schema#", "type": "object",
             "properties": {"due": {"$ref": "#/definitions/Date"}},
             "definitions": {"Date": {"type": "string", "format": "date"}}}"##,
        r##"{"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
             "properties": {"due": {"$ref": "#/$defs/Date"}},
             "$defs": {"Date": {"type": "string", "format": "date"}}}"##,
    );
}

#[test]
fn nullable_spellings_compare_equal() {
    let type_array = r#"{"type": "object", "properties": {"due": {"type": ["string", "null"]}}}"#;
    assert_same(
        type_array,
        r#"{"type": "object", "properties": {"due": {"anyOf": [{"type": "string"}, {"type": "null"}]}}}"#,
    );
    assert_same(
        type_array,
        r#"{"type": "object", "properties": {"due": {"oneOf": [{"type": "null"}, {"type": "string"}]}}}"#,
    );
    assert_same(
        type_array,
        r#"{"type": "object", "properties": {"due": {"type": "string", "nullable": true}}}"#,
    );
    // schemars' `Option<Struct>`: a nullable `$ref`.
    assert_same(
        r##"{"properties": {"a": {"anyOf": [{"$ref": "#/$defs/A"}, {"type": "null"}]}},
             "$defs": {"A": {"type": "object", "properties": {"x": {"type": "integer"}}}}}"##,
        r#"{"properties": {"a": {"type": ["object", "null"], "properties": {"x": {"type": "integer"}}}}}"#,
    );
}

#[test]
fn const_and_single_enum_compare_equal() {
    assert_same(
        r#"{"properties": {"schema": {"const": "todo-item"}}}"#,
        r#"{"properties": {"schema": {"type": "string", "enum": ["todo-item"]}}}"#,
    );
}

#[test]
fn one_element_all_of_is_its_element() {
    assert_same(
        r##"{"properties": {"s": {"allOf": [{"$ref": "#/$defs/S"}], "description": "x"}}, "$defs": {"S": {"type": "string"}}}"##,
        r##"{"properties": {"s": {"$ref": "#/$defs/S", "description": "x"}}, "$defs": {"S": {"type": "string"}}}"##,
    );
}

#[test]
fn cyclic_definitions_compare_equal_when_spelled_differently() {
    assert_same(
        r##"{"$ref": "#/$defs/Node", "$defs": {"Node": {"type": "object", "properties": {
              "next": {"anyOf": [{"$ref": "#/$defs/Node"}, {"type": "null"}]}}}}}"##,
        r##"{"$ref": "#/definitions/Node", "definitions": {"Node": {"type": "object", "properties": {
              "next": {"type": ["object", "null"], "properties": {"next": {"$ref": "#/definitions/Node/properties/next"}}}}}}}"##,
    );
}
