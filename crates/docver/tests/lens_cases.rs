//! The data-driven lens suite: one JSON file per case under `tests/lens-cases/`.
//!
//! A case is `{"description", "lens", "up"?, "down"?, "schema"?, "loss"?, "invalid"?}`:
//!
//! - `up` / `down`: `{"input", "output"}` (the lens applied that way gives `output`), or
//!   `{"input", "error", "pointer"?}` (it fails with a message containing `error`, at
//!   `pointer`). Each is also checked through the reversed lens run the other way.
//! - `schema`: `{"input", "output"}` or `{"input", "error"}` for `apply_schema` going up.
//! - `loss`: `"lossless"`, or the list of `{"pointer", "op"}` the lens reports.
//! - `invalid`: the lens must be rejected with a message containing this (and
//!   `invalid_pointer`, when given, is where).

use std::path::{Path, PathBuf};

use docver::lens::{Lens, RoundTripLoss, Way};
use serde_json::Value;

fn cases_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/lens-cases")
}

fn cases() -> Vec<(String, Value)> {
    let mut cases: Vec<(String, Value)> = std::fs::read_dir(cases_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .map(|p| {
            let name = p.file_stem().unwrap().to_string_lossy().into_owned();
            let text = std::fs::read_to_string(&p).unwrap();
            let case = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
            (name, case)
        })
        .collect();
    cases.sort_by(|a, b| a.0.cmp(&b.0));
    cases
}

fn check_direction(name: &str, lens: &Lens, direction: Way, spec: &Value) {
    let input = &spec["input"];
    let reversed = lens.reverse();
    for (label, result) in [
        ("lens", lens.applied(input, direction)),
        ("reversed lens", reversed.applied(input, direction.flip())),
    ] {
        match (spec.get("output"), spec.get("error")) {
            (Some(expected), None) => {
                let got = result.unwrap_or_else(|e| {
                    panic!("{name} {direction:?} ({label}): unexpected error: {e}")
                });
                assert_eq!(&got, expected, "{name} {direction:?} ({label})");
                // Property order is part of the output (rename keeps positions).
                assert_eq!(
                    got.to_string(),
                    expected.to_string(),
                    "{name} {direction:?} ({label}): order"
                );
            }
            (None, Some(Value::String(message))) => {
                let error = result.expect_err(&format!("{name} {direction:?} ({label}) succeeded"));
                // The reversed lens names its tables the other way round; the place is the same.
                assert!(
                    label != "lens" || error.to_string().contains(message.as_str()),
                    "{name} {direction:?} ({label}): `{error}` does not say `{message}`"
                );
                if let Some(pointer) = spec.get("pointer").and_then(Value::as_str) {
                    assert_eq!(error.pointer, pointer, "{name} {direction:?} ({label})");
                }
            }
            _ => panic!("{name}: {direction:?} needs `output` or `error`"),
        }
    }
}

#[test]
fn every_case_passes() {
    let cases = cases();
    assert!(cases.len() >= 30, "only {} cases", cases.len());
    for (name, case) in &cases {
        assert!(
            case["description"].is_string(),
            "{name}: every case says what it shows"
        );
        let parsed = Lens::from_value(&case["lens"]);
        if let Some(message) = case.get("invalid").and_then(Value::as_str) {
            let error = parsed.expect_err(&format!("{name}: the lens should be invalid"));
            assert!(
                error.to_string().contains(message),
                "{name}: `{error}` does not say `{message}`"
            );
            if let Some(pointer) = case.get("invalid_pointer").and_then(Value::as_str) {
                assert_eq!(error.pointer, pointer, "{name}");
            }
            continue;
        }
        let lens = parsed.unwrap_or_else(|e| panic!("{name}: {e}"));
        // The JSON form round-trips.
        assert_eq!(
            Lens::from_value(&lens.to_value()).unwrap(),
            lens,
            "{name}: JSON form"
        );
        assert_eq!(lens.reverse().reverse(), lens, "{name}: reverse twice");
        for (key, direction) in [("up", Way::Up), ("down", Way::Down)] {
            if let Some(spec) = case.get(key) {
                check_direction(name, &lens, direction, spec);
            }
        }
        if let Some(spec) = case.get("schema") {
            let result = lens.apply_schema(&spec["input"], Way::Up);
            match (
                spec.get("output"),
                spec.get("error").and_then(Value::as_str),
            ) {
                (Some(expected), None) => {
                    let got = result.unwrap_or_else(|e| panic!("{name} schema: {e}"));
                    assert_eq!(&got, expected, "{name} schema:\n{got:#}");
                }
                (None, Some(message)) => {
                    let error = result.expect_err(&format!("{name} schema succeeded"));
                    assert!(
                        error.to_string().contains(message),
                        "{name} schema: `{error}`"
                    );
                }
                _ => panic!("{name}: `schema` needs `output` or `error`"),
            }
        }
        if let Some(expected) = case.get("loss") {
            let loss = lens.loss();
            match expected {
                Value::String(s) if s == "lossless" => {
                    assert_eq!(loss, RoundTripLoss::Lossless, "{name}: loss")
                }
                Value::Array(items) => {
                    let got: Vec<(String, String)> = loss
                        .items()
                        .iter()
                        .map(|i| (i.pointer.clone(), i.op.clone()))
                        .collect();
                    let want: Vec<(String, String)> = items
                        .iter()
                        .map(|i| {
                            (
                                i["pointer"].as_str().unwrap().to_owned(),
                                i["op"].as_str().unwrap().to_owned(),
                            )
                        })
                        .collect();
                    assert_eq!(got, want, "{name}: loss");
                    assert!(loss.items().iter().all(|i| !i.reason.is_empty()));
                }
                _ => panic!("{name}: `loss` is \"lossless\" or a list"),
            }
        }
    }
}

#[test]
fn every_operation_is_covered() {
    let all: String = cases().iter().map(|(_, c)| c["lens"].to_string()).collect();
    for op in [
        "add", "remove", "rename", "hoist", "plunge", "wrap", "head", "in", "map", "convert",
    ] {
        assert!(
            all.contains(&format!("\"op\":\"{op}\"")),
            "no case uses `{op}`"
        );
    }
}
