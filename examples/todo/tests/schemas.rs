//! `examples/todo/schemas/` is what the code exports: a test fails when they drift apart.

use std::path::Path;

#[test]
fn checked_in_schemas_match_the_code() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(todo::SCHEMA_DIR);
    let expected = todo::schema_files();
    for (name, text) in &expected {
        let on_disk = std::fs::read_to_string(dir.join(name)).unwrap_or_default();
        assert!(
            &on_disk == text,
            "examples/todo/schemas/{name} is out of date: run `cargo run -p todo -- schemas`"
        );
    }
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    let mut wanted: Vec<_> = expected.into_iter().map(|(n, _)| n).collect();
    wanted.sort();
    assert_eq!(names, wanted, "stray files in examples/todo/schemas");
}

#[test]
fn reader_schemas_make_defaulted_fields_optional_writer_schemas_do_not() {
    let reader = todo::AnyTodo::json_schema(2, docver::Contract::Reader).unwrap();
    let writer = todo::AnyTodo::json_schema(2, docver::Contract::Writer).unwrap();
    let required = |s: &serde_json::Value| {
        s["required"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r == "important")
    };
    assert!(!required(&reader));
    assert!(required(&writer));
}
