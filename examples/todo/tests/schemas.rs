//! `examples/todo/schemas/` is what the code exports: a test fails when they drift apart.

use docver::Family;
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
    let mut names = Vec::new();
    for sub in ["", "contact/", "notes/"] {
        for entry in std::fs::read_dir(dir.join(sub)).unwrap() {
            let entry = entry.unwrap();
            if entry.file_type().unwrap().is_file() {
                names.push(format!("{sub}{}", entry.file_name().into_string().unwrap()));
            }
        }
    }
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

/// The precise question for each step: does NEW's reader accept what OLD's writer wrote
/// (backward), and does OLD's reader accept what NEW's writer writes (forward)?
#[test]
fn writer_versus_reader_verdicts_for_every_step() {
    use docver::Contract;
    use docver_check::{DiffOptions, Verdict, diff, read_schema};
    let schema = |v: u32, c: Contract| {
        let text = serde_json::to_string(&todo::AnyTodo::json_schema(v, c).unwrap()).unwrap();
        read_schema(&format!("v{v}"), &text).unwrap()
    };
    let verdicts = |old: u32, new: u32| {
        let backward = diff(
            &schema(old, Contract::Writer),
            &schema(new, Contract::Reader),
            &DiffOptions::default(),
        );
        let forward = diff(
            &schema(old, Contract::Reader),
            &schema(new, Contract::Writer),
            &DiffOptions::default(),
        );
        (backward.backward, forward.forward)
    };
    // v2 only adds `important` with a default: compatible both ways.
    assert_eq!(verdicts(1, 2), (Verdict::Compatible, Verdict::Compatible));
    // v3 turns `status` into a progress string: breaking both ways (hence the migration).
    assert_eq!(verdicts(2, 3), (Verdict::Breaking, Verdict::Breaking));
    // v4 moves `status` out: old readers miss it (forward), new readers ignore it (backward).
    assert_eq!(verdicts(3, 4), (Verdict::Compatible, Verdict::Breaking));
}

/// `Family::write_schemas` (what the `schemas` subcommand runs) writes exactly the committed
/// files, into a directory it creates.
#[test]
fn write_schemas_writes_the_committed_files() {
    let committed = Path::new(env!("CARGO_MANIFEST_DIR")).join(todo::SCHEMA_DIR);
    let out = tempfile::tempdir().unwrap();
    for (sub, family) in todo::SCHEMA_FAMILIES {
        let dir = out.path().join("nested/schemas").join(sub);
        let written = family.write_schemas(&dir).unwrap();
        assert!(!written.is_empty(), "{sub}: nothing written");
        for path in written {
            let name = path.file_name().unwrap();
            assert_eq!(
                std::fs::read_to_string(&path).unwrap(),
                std::fs::read_to_string(committed.join(sub).join(name)).unwrap(),
                "{sub}/{name:?} differs from the committed file"
            );
        }
    }
    // An unwritable place is an error naming it, not a silent skip.
    let file = out.path().join("a-file");
    std::fs::write(&file, "").unwrap();
    let error = todo::TodoFamily
        .write_schemas(&file.join("schemas"))
        .unwrap_err();
    assert!(error.to_string().contains("a-file"), "{error}");
}
