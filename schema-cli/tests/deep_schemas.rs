//! `docver diff` as a binary on schemas 10,000 levels deep: nested inline, it is a located
//! error (exit 2); as a chain of `$ref`s, it is compared. Never a stack overflow (which would
//! kill the process with a signal, no exit code).

use std::process::Command;

use serde_json::{Map, json};

/// Runs `docver diff old new` on the two texts; (exit code, stdout, stderr).
fn diff(old: &str, new: &str) -> (Option<i32>, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let (o, n) = (dir.path().join("old.json"), dir.path().join("new.json"));
    std::fs::write(&o, old).unwrap();
    std::fs::write(&n, new).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_docver"))
        .arg("diff")
        .args([&o, &n])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    (out.status.code(), text(&out.stdout), text(&out.stderr))
}

#[test]
fn ten_thousand_nested_levels_are_a_located_error() {
    let depth = 10_000;
    let text = format!("{}true{}", r#"{"items":"#.repeat(depth), "}".repeat(depth));
    let (code, _, stderr) = diff(&text, &text);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("old.json:1:"), "{stderr}");
    assert!(stderr.contains("deeper than"), "{stderr}");
}

#[test]
fn a_ten_thousand_long_ref_chain_is_compared() {
    let chain = |leaf: &str| {
        let mut defs = Map::new();
        for i in 0..10_000 {
            let next = format!("#/$defs/A{}", i + 1);
            defs.insert(
                format!("A{i}"),
                json!({"type": "array", "items": {"$ref": next}}),
            );
        }
        defs.insert("A10000".to_owned(), json!({"type": leaf}));
        json!({"$ref": "#/$defs/A0", "$defs": defs}).to_string()
    };
    let (code, stdout, stderr) = diff(&chain("string"), &chain("integer"));
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stdout.contains("type-changed"), "{stdout}");
}
