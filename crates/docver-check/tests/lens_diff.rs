//! `diff` and the lens a schema carries (`x-docver-lens`, rule `lens-disagrees`), and the
//! schema rendering the check applies lenses to.

use std::path::{Path, PathBuf};

use docver_check::check::render::to_json;
use docver_check::{DiffOptions, Verdict, diff, read_schema, rule_catalog};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn read(relative: &str) -> String {
    std::fs::read_to_string(root().join(relative)).unwrap()
}

fn lens_findings(old: &str, new: &str) -> Vec<docver_check::Finding> {
    let report = diff(
        &read_schema("old.json", old).unwrap(),
        &read_schema("new.json", new).unwrap(),
        &DiffOptions::default(),
    );
    report
        .findings
        .into_iter()
        .filter(|f| f.rule == "lens-disagrees")
        .collect()
}

#[test]
fn a_lens_that_produces_new_reports_nothing() {
    let old = read("tests/fixtures/lens-disagrees/agrees/old.json");
    let new = read("tests/fixtures/lens-disagrees/agrees/new.json");
    assert_eq!(lens_findings(&old, &new), vec![]);
    // The keyword is read, not warned about.
    assert!(read_schema("new.json", &new).unwrap().warnings.is_empty());
}

#[test]
fn a_lens_that_does_not_produce_new_is_reported_per_difference() {
    let old = read("tests/fixtures/lens-disagrees/old.json");
    let new = read("tests/fixtures/lens-disagrees/new.json");
    let findings = lens_findings(&old, &new);
    let places: Vec<(&str, &str)> = findings
        .iter()
        .map(|f| (f.pointer.as_str(), f.instance_path.as_str()))
        .collect();
    assert_eq!(
        places,
        [
            ("/properties/note", "/note"),
            ("/properties/status", "/status"),
            ("/properties/status", "/status"),
        ]
    );
    assert!(findings[0].message.contains("no operation declares"));
    assert!(findings[1].message.contains("convert `status`"));
    for f in &findings {
        assert_eq!(
            (f.backward, f.forward),
            (Verdict::Undecided, Verdict::Undecided)
        );
        assert!(f.old.is_none() && f.new.is_some());
    }
}

#[test]
fn lenses_for_other_steps_and_failing_lenses() {
    let old = read("tests/fixtures/lens-disagrees/old.json");
    let new = read("tests/fixtures/lens-disagrees/new.json");
    // A lens from another version is not this step's.
    let other = new.replace("\"from\": 2", "\"from\": 1");
    assert_eq!(lens_findings(&old, &other), vec![]);
    // A lens that refers to a property OLD lacks.
    let missing = new.replace("\"from\": \"done\"", "\"from\": \"finished\"");
    let findings = lens_findings(&old, &missing);
    assert_eq!(findings.len(), 1, "{findings:#?}");
    assert!(
        findings[0].message.contains("cannot be applied")
            && findings[0].message.contains("no property `finished`"),
        "{}",
        findings[0].message
    );
    // Not a lens at all.
    let invalid = new.replace("\"rename\"", "\"explode\"");
    let findings = lens_findings(&old, &invalid);
    assert!(findings[0].message.contains("not a valid lens"));
    // A lens leading to another version.
    let wrong_to = new.replace("\"to\": 3", "\"to\": 4");
    let findings = lens_findings(&old, &wrong_to);
    assert!(
        findings
            .iter()
            .any(|f| f.message.contains("leads to version 4"))
    );
    // Versions unknown: the lens is checked unless OLD carries the same one.
    let unversioned = |s: &str| {
        s.replace("\"version\": {\"const\": 2},", "")
            .replace("\"version\": {\"const\": 3},", "")
            .replace("\"version\", ", "")
    };
    assert_eq!(
        lens_findings(&unversioned(&old), &unversioned(&new)).len(),
        3
    );
    assert_eq!(
        lens_findings(&unversioned(&new), &unversioned(&new)),
        vec![]
    );
}

#[test]
fn rendering_a_schema_reads_back_as_the_same_schema() {
    let mut files = Vec::new();
    for info in rule_catalog() {
        for side in ["old", "new"] {
            files.push(format!("tests/fixtures/{}/{side}.json", info.id));
        }
    }
    for v in [
        "v1",
        "v2",
        "v3",
        "v4",
        "v2.writer",
        "v3.writer",
        "v4.writer",
    ] {
        files.push(format!("examples/todo/schemas/{v}.json"));
    }
    for file in files {
        let Ok(text) = std::fs::read_to_string(root().join(&file)) else {
            continue;
        };
        let schema = read_schema(&file, &text).unwrap();
        let rendered = serde_json::to_string(&to_json(&schema)).unwrap();
        let again = read_schema("rendered.json", &rendered)
            .unwrap_or_else(|e| panic!("{file}: {e}\n{rendered}"));
        for strict in [false, true] {
            let options = DiffOptions {
                strict,
                ..DiffOptions::default()
            };
            for (a, b) in [(&schema, &again), (&again, &schema)] {
                let report = diff(a, b, &options);
                assert!(
                    report.findings.is_empty(),
                    "{file}: {:#?}\n{rendered}",
                    report.findings
                );
            }
        }
    }
}
