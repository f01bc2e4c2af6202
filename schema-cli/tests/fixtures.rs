//! Snapshots of the text and JSON output for every rule fixture, and the rule reference page
//! kept in sync with the catalog.

use std::path::{Path, PathBuf};

use docver_check::rules::Scope;
use docver_cli::input::SchemaFile;
use docver_cli::report::DiffOutput;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn load(relative: &str) -> SchemaFile {
    let text = std::fs::read_to_string(root().join(relative)).unwrap();
    SchemaFile::from_text(Path::new(relative), text).unwrap()
}

fn outputs(id: &str) -> (String, String) {
    let files = [
        load(&format!("tests/fixtures/{id}/old.json")),
        load(&format!("tests/fixtures/{id}/new.json")),
    ];
    let output = DiffOutput::pair(&files);
    let json = serde_json::to_string_pretty(&docver_cli::report::json::to_value(&output)).unwrap();
    (output.plain_text().unwrap(), json)
}

/// A history rule's fixture, run through `docver check` as if `old.rs` were `new.rs` at a ref.
fn history_outputs(info: &docver_check::RuleInfo) -> (String, String) {
    docver_cli::command::check::example(info, |output| {
        let json =
            serde_json::to_string_pretty(&docver_cli::report::json::to_value(output)).unwrap();
        Ok((output.plain_text().unwrap(), json))
    })
    .unwrap()
}

#[test]
fn every_fixture_renders_as_snapshotted() {
    for info in docver_check::rules::all_rules() {
        let (text, json) = match info.scope {
            Scope::Change => outputs(info.id),
            Scope::History => history_outputs(info),
        };
        insta::assert_snapshot!(format!("{}__text", info.id), text);
        insta::assert_snapshot!(format!("{}__json", info.id), json);
    }
}

/// Every history rule has a fixture directory, and every such directory belongs to one.
#[test]
fn history_fixtures_and_rules_match() {
    let dir = root().join("crates/docver-source/tests/fixtures/history");
    let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    on_disk.sort();
    let mut rules: Vec<String> = docver_check::rules::history::HISTORY_RULES
        .iter()
        .map(|r| r.id.to_owned())
        .collect();
    rules.sort();
    assert_eq!(on_disk, rules);
}

/// Rules a fixture fires besides its own: the change it shows cannot be made alone (a union
/// that widens the type, a lens step that also moves the version tag, a history fixture that
/// also adds a version).
const ALSO_FIRES: &[(&str, &[&str])] = &[
    ("composition-changed", &["type-widened"]),
    (
        "lens-disagrees",
        &[
            "property-added-optional",
            "property-added-required",
            "property-removed-required",
            "version-tag-changed",
        ],
    ),
    ("variant-changed", &["required-added"]),
    // A rename is only suggested: the removal and the addition are what readers meet.
    (
        "property-renamed",
        &["property-added-required", "property-removed-required"],
    ),
    (
        "breaking-without-migration",
        &["nullable-added", "required-removed", "version-tag-changed"],
    ),
    (
        "field-name-reused",
        &["property-added-optional", "version-tag-changed"],
    ),
];

/// The rules a fixture's report names, sorted and without repeats.
fn rules_fired(info: &docver_check::RuleInfo) -> Vec<String> {
    let collect = |output: &DiffOutput<'_>| {
        let mut fired: Vec<String> = output.findings().map(|(_, f)| f.rule.clone()).collect();
        fired.sort();
        fired.dedup();
        fired
    };
    match info.scope {
        Scope::Change => {
            let files = [
                load(&format!("tests/fixtures/{}/old.json", info.id)),
                load(&format!("tests/fixtures/{}/new.json", info.id)),
            ];
            collect(&DiffOutput::pair(&files))
        }
        Scope::History => {
            docver_cli::command::check::example(info, |output| Ok(collect(output))).unwrap()
        }
    }
}

/// Every fixture fires exactly its rule and the ones [`ALSO_FIRES`] lists for it.
#[test]
fn every_fixture_fires_exactly_its_rules() {
    for info in docver_check::rules::all_rules() {
        let mut expected = vec![info.id.to_owned()];
        if let Some((_, also)) = ALSO_FIRES.iter().find(|(id, _)| *id == info.id) {
            expected.extend(also.iter().map(|r| (*r).to_owned()));
        }
        expected.sort();
        assert_eq!(rules_fired(info), expected, "fixture {}", info.id);
    }
}

#[test]
fn rules_reference_is_in_sync_with_the_catalog() {
    let path = root().join("docs/rules.md");
    let generated = docver_cli::command::list_rules::rules_markdown();
    if std::env::var_os("DOCVER_BLESS").is_some() {
        std::fs::write(&path, &generated).unwrap();
    }
    let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        on_disk == generated,
        "docs/rules.md is out of date: run `cargo run -p docver-cli -- list-rules --format markdown > docs/rules.md` \
         (or DOCVER_BLESS=1 cargo test -p docver-cli)"
    );
}
