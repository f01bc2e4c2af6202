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

/// Each history fixture fires its rule, and no other history rule.
#[test]
fn every_history_fixture_fires_its_rule() {
    for info in docver_check::rules::history::HISTORY_RULES {
        let fired: Vec<String> = docver_cli::command::check::example(info, |output| {
            Ok(output
                .findings()
                .map(|(_, f)| f.rule.clone())
                .filter(|rule| {
                    docver_check::rules::rule_info(rule).is_some_and(|r| r.scope == Scope::History)
                })
                .collect())
        })
        .unwrap();
        assert_eq!(fired, vec![info.id.to_owned()], "{}", info.id);
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
