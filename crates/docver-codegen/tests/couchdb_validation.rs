//! The generated `validate_doc_update` run in a real JavaScript engine (node) on documents of
//! every live todo version, valid and invalid. The same design document is loaded into a
//! CouchDB-compatible server by the store tests.

mod node_support;

use std::collections::BTreeMap;
use std::path::PathBuf;

use docver_codegen::couchdb::{ValidationOptions, declared_version, design_document};
use node_support::{run_in_node, without_couchdb_fields};
use serde_json::{Value, json};

fn todo_schemas() -> BTreeMap<u32, Value> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/todo/schemas");
    (1..=4)
        .map(|n| {
            let text = std::fs::read_to_string(dir.join(format!("v{n}.json"))).unwrap();
            let schema: Value = serde_json::from_str(&text).unwrap();
            assert_eq!(declared_version(&schema, "version"), Some(n));
            (n, schema)
        })
        .collect()
}

fn todo(version: u32, fields: Value) -> Value {
    let mut doc =
        json!({"_id": "0b6f2c1e", "_rev": "1-abc", "schema": "todo-item", "version": version});
    doc.as_object_mut()
        .unwrap()
        .extend(fields.as_object().unwrap().clone());
    doc
}

#[test]
fn accepts_every_live_version_and_rejects_documents_matching_none() {
    let design =
        design_document("todo-item", &todo_schemas(), &ValidationOptions::default()).unwrap();
    assert!(design.warnings.is_empty(), "{:?}", design.warnings);
    let docs = [
        todo(1, json!({"title": "buy milk", "status": true})),
        todo(
            2,
            json!({"title": "buy milk", "status": false, "important": true}),
        ),
        todo(3, json!({"title": "buy milk", "status": "started"})),
        todo(4, json!({"title": "buy milk", "important": false})),
        todo(3, json!({"title": "buy milk", "status": "done"})),
        todo(1, json!({"status": true})),
        todo(2, json!({"title": "buy milk", "status": "open"})),
        todo(9, json!({"title": "buy milk"})),
        json!({"_id": "x", "schema": "todo-item", "title": "untagged version"}),
        json!({"_id": "x", "schema": "todo-item", "version": "2", "title": "t", "status": true}),
        json!({"_id": "todo-item@2:0b6f2c1e", "schema": "todo-item", "version": 3, "title": "t", "status": "open"}),
        json!({"_id": "other", "schema": "shopping-list", "version": 1}),
        json!({"_id": "legacy", "title": "no tags at all"}),
        json!({"_id": "gone", "_deleted": true}),
    ];
    let results = run_in_node(&design.validate_doc_update, &docs);
    let expected: [Option<&str>; 14] = [
        None,
        None,
        None,
        None,
        Some(
            r#"todo-item version 3: /status: must be one of "open", "started", "blocked", "rejected", "completed", found "done""#,
        ),
        Some("todo-item version 1: /title: is required but missing"),
        Some("todo-item version 2: /status: expected boolean, found string"),
        Some("todo-item version 9 is not a live version (live: 1, 2, 3, 4)"),
        Some(r#"todo-item document has no "version" tag and the family declares no base version"#),
        Some(r#"todo-item document's "version" must be an integer, found "2""#),
        Some("todo-item version 3: the id todo-item@2:0b6f2c1e names version 2"),
        None,
        None,
        None,
    ];
    for ((doc, result), expected) in docs.iter().zip(&results).zip(expected) {
        assert_eq!(result.as_deref(), expected, "for document {doc}");
    }
}

#[test]
fn untagged_documents_read_as_the_base_version_when_asked() {
    let options = ValidationOptions {
        base_version: Some(1),
        untagged_as_base: true,
        ..ValidationOptions::default()
    };
    let design = design_document("todo-item", &todo_schemas(), &options).unwrap();
    let docs = [
        json!({"_id": "legacy", "title": "written before versioning", "status": false}),
        json!({"_id": "legacy", "title": "written before versioning"}),
        json!({"_id": "tagged", "schema": "todo-item", "title": "no version", "status": true}),
    ];
    let results = run_in_node(&design.validate_doc_update, &docs);
    assert_eq!(
        results,
        vec![
            None,
            Some("todo-item version 1: /status: is required but missing".to_owned()),
            None
        ]
    );
}

#[test]
fn generation_is_deterministic_and_reads_like_code() {
    let schemas = todo_schemas();
    let options = ValidationOptions::default();
    let first = design_document("todo-item", &schemas, &options).unwrap();
    let second = design_document("todo-item", &schemas, &options).unwrap();
    assert_eq!(first, second);
    let source = &first.validate_doc_update;
    assert!(source.starts_with("function (newDoc, oldDoc, userCtx, secObj) {\n"));
    assert!(source.ends_with("}\n"));
    // ES5 only: CouchDB's engine may not know `let`, `const` declarations or arrow functions.
    for line in source.lines() {
        let statement = line.trim_start();
        for modern in ["let ", "const ", "class "] {
            assert!(!statement.starts_with(modern), "not ES5: {line}");
        }
        assert!(
            !line.contains("=>") && !line.contains('`'),
            "not ES5: {line}"
        );
    }
    assert_eq!(first.to_json()["_id"], "_design/todo-item");
}

/// A one-version family whose every name and value is `hostile`-derived, with a document that
/// matches it and two that must stay rejected.
struct HostileFamily {
    family: String,
    options: ValidationOptions,
    schema: Value,
    valid: Value,
    invalid: [Value; 3],
}

fn hostile_family(hostile: &str) -> HostileFamily {
    let options = ValidationOptions {
        schema_field: format!("s{hostile}"),
        version_field: format!("v{hostile}"),
        ..ValidationOptions::default()
    };
    let family = format!("f{hostile}");
    let (choice, text) = (format!("p{hostile}"), format!("q{hostile}"));
    let schema = json!({
        "$comment": hostile,
        "title": hostile,
        "description": hostile,
        "type": "object",
        "required": [options.schema_field, options.version_field, choice, text],
        "properties": {
            options.schema_field.as_str(): {"const": family, "description": hostile},
            options.version_field.as_str(): {"const": 1},
            choice.as_str(): {"enum": [hostile, "plain"], "title": hostile},
            text.as_str(): {"type": "string", "pattern": format!("^{}$", regex_literal(hostile))},
        },
        "additionalProperties": false,
    });
    let doc = |choice_value: &str, text_value: &str| {
        let mut doc = serde_json::Map::new();
        doc.insert("_id".to_owned(), json!("doc"));
        doc.insert(options.schema_field.clone(), json!(family));
        doc.insert(options.version_field.clone(), json!(1));
        doc.insert(choice.clone(), json!(choice_value));
        doc.insert(text.clone(), json!(text_value));
        Value::Object(doc)
    };
    let valid = doc(hostile, hostile);
    let mut missing = valid.clone();
    missing.as_object_mut().unwrap().remove(&choice);
    let invalid = [
        doc(&format!("{hostile}x"), hostile),
        doc(hostile, &format!("{hostile}x")),
        missing,
    ];
    HostileFamily {
        family,
        options,
        schema,
        valid,
        invalid,
    }
}

/// `text` as a regex that matches exactly it (escaping only syntax characters, which a `u`-flag
/// JavaScript regex accepts escaped).
fn regex_literal(text: &str) -> String {
    text.chars()
        .flat_map(|c| {
            let escape = "^$\\.*+?()[]{}|/".contains(c).then_some('\\');
            escape.into_iter().chain([c])
        })
        .collect()
}

/// Generates the family's validation and runs it on its documents: the function must compile,
/// accept the valid document and reject each invalid one with a `forbidden` message, as the
/// `jsonschema` crate does with the same schema.
fn assert_hostile_family_validates(hostile: &str) {
    let case = hostile_family(hostile);
    let versions = BTreeMap::from([(1, case.schema.clone())]);
    let design = design_document(&case.family, &versions, &case.options).unwrap();
    let source = &design.validate_doc_update;
    for unsafe_text in ['\u{2028}', '\u{2029}'] {
        assert!(
            !source.contains(unsafe_text),
            "raw line separator in {source}"
        );
    }
    assert!(!source.to_lowercase().contains("</script"), "{source}");
    let mut docs = vec![case.valid.clone()];
    docs.extend(case.invalid.iter().cloned());
    let results = run_in_node(source, &docs);
    let validator = jsonschema::validator_for(&case.schema).unwrap();
    for (doc, result) in docs.iter().zip(&results) {
        assert_eq!(
            result.is_none(),
            validator.is_valid(&without_couchdb_fields(doc)),
            "node and jsonschema disagree on {doc}: {result:?}"
        );
    }
    assert_eq!(results[0], None, "valid document rejected: {}", docs[0]);
    for (doc, result) in docs.iter().zip(&results).skip(1) {
        let message = result.as_deref().unwrap_or_default();
        assert!(
            message.starts_with(&case.family),
            "invalid document {doc} not rejected by the family: {result:?}"
        );
    }
}

/// Issue 15, item 1: a newline in the family name ended the `//` comment that named it, and
/// the rest of the name ran on the server (here: accepting every document, or not compiling).
#[test]
fn a_family_name_cannot_inject_code_into_the_validation_function() {
    assert_hostile_family_validates("todo-item\n<code>;return;//");
    assert_hostile_family_validates("todo-item\nreturn;//");
    assert_hostile_family_validates("todo-item\u{2028}throw 'pwned';//");
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig {
        cases: 24,
        failure_persistence: None,
        ..proptest::prelude::ProptestConfig::default()
    })]

    #[test]
    fn hostile_names_values_and_patterns_neither_break_nor_change_the_validation(
        fragments in proptest::collection::vec(
            proptest::sample::select(vec![
                "\n", "\r", "\r\n", "\u{2028}", "\u{2029}", "\"", "'", "`", "\\", "*/", "/*",
                "//", "</script>", "<!--", "-->", "${x}", "return;", "throw 'pwned';",
                "function", "var", "this", "}", "{", ")", "(", "é", "\u{0}", "todo",
            ]),
            1..8,
        )
    ) {
        assert_hostile_family_validates(&fragments.concat());
    }
}

#[test]
fn patterns_are_unicode_aware() {
    let versions = BTreeMap::from([(
        1,
        json!({"properties": {"name": {"type": "string", "pattern": "^\\p{L}+$"}}}),
    )]);
    let design = design_document("people", &versions, &ValidationOptions::default()).unwrap();
    let person = |name: &str| json!({"_id": "p", "schema": "people", "version": 1, "name": name});
    let results = run_in_node(
        &design.validate_doc_update,
        &[person("José"), person("Jo3")],
    );
    assert_eq!(results[0], None);
    assert!(
        results[1]
            .as_deref()
            .unwrap_or_default()
            .contains("/name: must match")
    );
}

#[test]
fn patterns_javascript_cannot_compile_are_refused_at_generation() {
    let versions = BTreeMap::from([(
        2,
        json!({"properties": {"title": {"type": "string", "pattern": "(?i)^todo$"}}}),
    )]);
    let error = design_document("todo-item", &versions, &ValidationOptions::default())
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("v2#/properties/title/pattern: \"(?i)^todo$\": inline flags `(?i...)`"),
        "{error}"
    );
}

#[test]
fn the_version_tag_must_be_an_integer() {
    let design =
        design_document("todo-item", &todo_schemas(), &ValidationOptions::default()).unwrap();
    let docs = [
        todo(1, json!({"title": "t", "status": true})),
        json!({"_id": "x", "schema": "todo-item", "version": 1.5, "title": "t", "status": true}),
        json!({"_id": "x", "schema": "todo-item", "version": true, "title": "t", "status": true}),
    ];
    let results = run_in_node(&design.validate_doc_update, &docs);
    assert_eq!(results[0], None);
    for result in &results[1..] {
        assert!(
            result
                .as_deref()
                .unwrap_or_default()
                .contains("must be an integer"),
            "{result:?}"
        );
    }
}
