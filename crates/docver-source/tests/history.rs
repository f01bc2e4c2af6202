//! The history rules through the library, without a process or a git repository: each rule's
//! fixture (`tests/fixtures/history/<id>/`, `old.rs` being `new.rs` at a base ref) fires it.

use std::collections::BTreeMap;
use std::path::Path;

use docver_check::rules::history::HISTORY_RULES;
use docver_source::{Check, Policy, SourceFile, Sources};

fn sources(text: &str) -> Sources {
    Sources::scan(vec![SourceFile::new("new.rs", text.to_owned())])
}

/// The rules a check of `new` against `old` fires under `policies`.
fn fired(old: &str, new: &str, policies: &BTreeMap<String, Policy>) -> Vec<String> {
    let check = Check::from_sources(sources(new), Some(sources(old)), Default::default());
    let checked = check.run(policies).unwrap();
    checked
        .comparisons
        .iter()
        .flat_map(|c| c.report.findings.iter().map(|f| f.rule.clone()))
        .collect()
}

#[test]
fn every_history_fixture_fires_its_rule_through_the_library() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/history");
    for info in HISTORY_RULES {
        let read = |name: &str| std::fs::read_to_string(dir.join(info.id).join(name)).unwrap();
        // The one policy a fixture carries is `live` for `note` (live-version-removed's).
        let mut policies = BTreeMap::new();
        if info.example_policy.is_some() {
            policies.insert(
                "note".to_owned(),
                Policy {
                    live: Some(vec![1, 2]),
                    transitive: true,
                    ..Policy::default()
                },
            );
        }
        let rules = fired(&read("old.rs"), &read("new.rs"), &policies);
        assert!(rules.iter().any(|r| r == info.id), "{}: {rules:?}", info.id);
    }
}

#[test]
fn without_a_base_no_history_rule_fires() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/history");
    for info in HISTORY_RULES {
        let new = std::fs::read_to_string(dir.join(info.id).join("new.rs")).unwrap();
        let check = Check::from_sources(sources(&new), None, Default::default());
        let checked = check.run(&BTreeMap::new()).unwrap();
        assert!(
            checked
                .comparisons
                .iter()
                .flat_map(|c| &c.report.findings)
                .all(|f| HISTORY_RULES.iter().all(|r| r.id != f.rule)),
            "{}",
            info.id
        );
    }
}

#[test]
fn the_policy_picks_the_pairs() {
    let all = Policy::default();
    assert_eq!(all.pairs(&[1, 2, 3]), [(1, 2), (2, 3), (1, 3)]);
    let neighbours = Policy {
        live: Some(vec![2, 3]),
        transitive: false,
        ..Policy::default()
    };
    // v1 is in no store: not compared.
    assert_eq!(neighbours.pairs(&[1, 2, 3]), [(2, 3)]);
}
