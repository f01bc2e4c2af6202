//! Every rule's fixture pair, run through the whole catalog: each fixture triggers its own
//! rule, every breaking finding carries a witness that the independent `jsonschema` validator
//! confirms, and each schema diffed against itself reports nothing.

use std::path::{Path, PathBuf};

use docver_check::{DiffOptions, Direction, Verdict, diff, read_schema, rule_catalog};
use serde_json::Value;

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures")
}

fn fixture(id: &str) -> (String, String) {
    let dir = fixtures_dir().join(id);
    let read = |f: &str| std::fs::read_to_string(dir.join(f)).unwrap();
    (read("old.json"), read("new.json"))
}

fn validator(schema: &str) -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(schema).unwrap();
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap()
}

/// Rules whose break is a silent loss of data rather than a rejection, so a witness exists
/// only when the schemas also make the reader reject (required names, closed objects).
const LOSSY_WITHOUT_REJECTION: &[&str] = &["property-renamed"];

fn check_witnesses(id: &str, old: &str, new: &str, strict: bool) {
    let report = diff(
        &read_schema("old.json", old).unwrap(),
        &read_schema("new.json", new).unwrap(),
        &DiffOptions {
            strict,
            ..DiffOptions::default()
        },
    );
    let (old_v, new_v) = (validator(old), validator(new));
    for finding in &report.findings {
        for direction in Direction::ALL {
            let verdict = finding.verdict(direction);
            let witness = finding.witness(direction);
            if verdict == Verdict::Breaking
                && !LOSSY_WITHOUT_REJECTION.contains(&finding.rule.as_str())
            {
                assert!(
                    witness.is_some(),
                    "{id}: {} {direction:?} breaking without witness",
                    finding.rule
                );
            }
            if let Some(w) = witness {
                let (source, target) = match direction {
                    Direction::Backward => (&old_v, &new_v),
                    Direction::Forward => (&new_v, &old_v),
                };
                assert!(
                    source.is_valid(&w.document),
                    "{id}: {} witness {} invalid under its source",
                    finding.rule,
                    w.document
                );
                assert!(
                    !target.is_valid(&w.document),
                    "{id}: {} witness {} accepted by the reader",
                    finding.rule,
                    w.document
                );
            }
        }
    }
}

#[test]
fn every_rule_has_a_fixture_that_triggers_it() {
    for info in rule_catalog() {
        let (old, new) = fixture(info.id);
        let report = diff(
            &read_schema("old.json", &old).unwrap(),
            &read_schema("new.json", &new).unwrap(),
            &DiffOptions::default(),
        );
        assert!(
            report.findings.iter().any(|f| f.rule == info.id),
            "fixture {} does not trigger its rule: {:#?}",
            info.id,
            report.findings
        );
    }
}

#[test]
fn every_fixture_directory_belongs_to_a_rule() {
    for entry in std::fs::read_dir(fixtures_dir()).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        assert!(
            rule_catalog().any(|r| r.id == name),
            "fixture {name} has no rule"
        );
    }
}

#[test]
fn witnesses_are_confirmed_by_jsonschema_in_both_modes() {
    for info in rule_catalog() {
        let (old, new) = fixture(info.id);
        check_witnesses(info.id, &old, &new, false);
        check_witnesses(info.id, &old, &new, true);
        // Reversed, each fixture is a fixture for the opposite change.
        check_witnesses(info.id, &new, &old, false);
    }
}

#[test]
fn a_schema_diffed_against_itself_reports_nothing() {
    for info in rule_catalog() {
        let (old, new) = fixture(info.id);
        for text in [old, new] {
            let schema = read_schema("s.json", &text).unwrap();
            for strict in [false, true] {
                let report = diff(
                    &schema,
                    &schema,
                    &DiffOptions {
                        strict,
                        ..DiffOptions::default()
                    },
                );
                assert!(
                    report.findings.is_empty(),
                    "{}: {:#?}",
                    info.id,
                    report.findings
                );
            }
        }
    }
}
