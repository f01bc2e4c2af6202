//! A family directory is the derived family as data: loaded from the exported schemas and
//! `family.toml`, the lens interpreter migrates every document exactly as the derived code does.
//!
//! Law (fuzzed): for every contact document at any version and every target version, the
//! directory family and `ContactFamily` give the same document, the same loss, or both an
//! error. `DOCVER_FUZZ_CASES` raises the bounded default, `DOCVER_FUZZ_SEED` moves the seed.

use std::path::{Path, PathBuf};

use docver::{DocumentSet, Family};
use docver_migrate::family_dir::FamilyDir;
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use serde_json::{Value, json};

fn schemas(sub: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(todo::SCHEMA_DIR)
        .join(sub)
}

fn env(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(default)
}

/// A contact at version 1, hostile strings and unknown fields included.
fn v1_contact() -> impl Strategy<Value = Value> {
    let text = prop_oneof![".{0,8}", Just("\u{2028}\"</script>".to_owned())];
    (
        text.clone(),
        text.clone(),
        text.clone(),
        prop::collection::vec(text.clone(), 0..3),
        prop::option::of(text),
    )
        .prop_map(|(name, email, city, phones, extra)| {
            let mut doc = json!({
                "schema": "contact", "version": 1, "name": name, "email": email,
                "address": {"street": "1 Main St", "city": city},
                "phones": phones.iter().map(|n| json!({"num": n})).collect::<Vec<_>>(),
                "note": "",
            });
            if let Some(extra) = extra {
                doc["x_unknown"] = json!({"kept": extra});
            }
            doc
        })
}

#[test]
fn fuzz_directory_family_migrates_as_the_derived_family() {
    let dir = FamilyDir::load(&schemas("contact")).unwrap();
    let derived = todo::contact::ContactFamily;
    assert_eq!(dir.versions(), derived.versions());
    assert_eq!(dir.schema_name(), derived.schema_name());
    let mut bytes = [0u8; 32];
    bytes[..8].copy_from_slice(&env("DOCVER_FUZZ_SEED", 16).to_le_bytes());
    let mut runner = TestRunner::new_with_rng(
        Config {
            cases: env("DOCVER_FUZZ_CASES", 48) as u32,
            failure_persistence: None,
            ..Config::default()
        },
        TestRng::from_seed(RngAlgorithm::ChaCha, &bytes),
    );
    runner
        .run(
            &(v1_contact(), 1u32..=5, 1u32..=5),
            |(v1, start, target)| {
                // The start document as the derived family writes it at `start`.
                let set = DocumentSet::single(Some("c1".into()), v1);
                let start_doc = derived.migrate(set, start).unwrap().docs;
                let ours = dir.migrate(start_doc.clone(), target);
                let theirs = derived.migrate(start_doc, target);
                match (ours, theirs) {
                    (Ok(ours), Ok(theirs)) => {
                        prop_assert_eq!(&ours.docs.main, &theirs.docs.main);
                        prop_assert_eq!(ours.loss.is_lossless(), theirs.loss.is_lossless());
                    }
                    (ours, theirs) => prop_assert!(
                        ours.is_err() && theirs.is_err(),
                        "one failed: {ours:?} / {theirs:?}"
                    ),
                }
                Ok(())
            },
        )
        .unwrap();
}

#[test]
fn a_step_written_in_rust_is_refused_with_the_way_to_run_it() {
    let dir = FamilyDir::load(&schemas("")).unwrap();
    assert_eq!(dir.part_schemas(4), vec!["todo-status".to_owned()]);
    // v2 → v3 is a lens; v1 → v2 (a field with a computed default) and v3 → v4 (a split) are not.
    let v2 = json!({"schema": "todo-item", "version": 2, "title": "buy milk", "status": true,
                    "important": false});
    let v3 = dir
        .migrate(DocumentSet::single(Some("t1".into()), v2.clone()), 3)
        .unwrap();
    assert_eq!(v3.docs.main["status"], json!("completed"));
    for (doc, target, step) in [
        (v2, 4, "3 to 4"),
        (json!({"title": "a", "status": false}), 2, "1 to 2"),
    ] {
        let error = dir
            .migrate(DocumentSet::single(Some("t1".into()), doc), target)
            .unwrap_err()
            .to_string();
        assert!(error.contains("document t1"), "{error}");
        assert!(
            error.contains(&format!("step from version {step} has no lens")),
            "{error}"
        );
        assert!(error.contains("docver_migrate::cli::run"), "{error}");
    }
}

#[test]
fn a_document_that_does_not_match_its_version_names_its_id_and_field() {
    let dir = FamilyDir::load(&schemas("contact")).unwrap();
    let bad = json!({"schema": "contact", "version": 2, "full_name": 7, "email": "a@b",
                     "address": {"street": "s", "city": "c"}, "phones": [], "note": ""});
    let error = dir
        .migrate(DocumentSet::single(Some("c9".into()), bad), 5)
        .unwrap_err()
        .to_string();
    assert!(error.contains("document c9"), "{error}");
    assert!(error.contains("/full_name"), "{error}");
}

/// A copy of the contact directory with `family.toml` replaced by `manifest`.
fn with_manifest(manifest: &str) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(schemas("contact")).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), tmp.path().join(entry.file_name())).unwrap();
    }
    std::fs::write(tmp.path().join("family.toml"), manifest).unwrap();
    tmp
}

#[test]
fn a_bad_manifest_is_a_located_error() {
    let cases = [
        (
            "name = \"contact\"\nbase = 1\ncolour = \"red\"\n",
            "3:1",
            "colour",
        ),
        (
            "name = \"contact\"\nbase = 9\n",
            "2:8",
            "not one of the versions",
        ),
        ("name = \"con/tact\"\n", "1:8", "`name`"),
        (
            "name = \"contact\"\nid-scheme = \"uuid\"\n",
            "2:13",
            "not supported",
        ),
        ("name = \"contacts\"\n", "v1.json", "names the family"),
        (
            "name = \"contact\"\n[parts]\nx = [\"a\"]\n",
            "3:1",
            "version numbers",
        ),
    ];
    for (manifest, location, message) in cases {
        let tmp = with_manifest(manifest);
        let error = FamilyDir::load(tmp.path()).unwrap_err();
        assert!(error.contains(location), "{manifest:?}: {error}");
        assert!(error.contains(message), "{manifest:?}: {error}");
    }
}

#[test]
fn a_missing_version_or_a_misplaced_lens_is_refused() {
    let tmp = with_manifest("name = \"contact\"\nbase = 1\n");
    std::fs::remove_file(tmp.path().join("v3.json")).unwrap();
    let error = FamilyDir::load(tmp.path()).unwrap_err();
    assert!(error.contains("v3.json is missing"), "{error}");

    let tmp = with_manifest("name = \"contact\"\nbase = 1\n");
    let path = tmp.path().join("v4.json");
    let mut v4: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    v4["x-docver-lens"]["from"] = json!(1);
    std::fs::write(&path, v4.to_string()).unwrap();
    let error = FamilyDir::load(tmp.path()).unwrap_err();
    assert!(
        error.contains("v4.json") && error.contains("expected from 3 to 4"),
        "{error}"
    );
}
