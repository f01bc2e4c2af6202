//! Adapter generation: determinism, and what the todo example's steps and the rule fixtures
//! generate. That the output compiles (and passes clippy) is tested by the
//! `adapters-compile-test` crate in `tests/adapters/`, which includes it.

use std::path::PathBuf;

use docver_codegen::CodegenError;
use docver_codegen::adapters::{Builder, Options, generate};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn read(path: &str) -> String {
    std::fs::read_to_string(root().join(path)).unwrap()
}

fn pair(old: &str, new: &str) -> String {
    generate(old, &read(old), new, &read(new), &Options::default()).unwrap()
}

fn todo(from: u32, to: u32) -> String {
    pair(
        &format!("examples/todo/schemas/v{from}.json"),
        &format!("examples/todo/schemas/v{to}.json"),
    )
}

fn fixture(rule: &str) -> String {
    pair(
        &format!("tests/fixtures/{rule}/old.json"),
        &format!("tests/fixtures/{rule}/new.json"),
    )
}

/// The doc comment and signature of the trait method `name`.
fn method<'a>(code: &'a str, name: &str) -> &'a str {
    let needle = format!("fn {name}(");
    let sig = code
        .match_indices(&needle)
        .map(|(i, _)| i)
        .find(|&i| code[i + needle.len()..].trim_start().starts_with("&self"))
        .unwrap_or_else(|| panic!("no method `{name}` in\n{code}"));
    // Back to the end of the previous item (`;` or `{`).
    let start = code[..sig].rfind([';', '{']).map_or(0, |i| i + 1);
    let end = sig + code[sig..].find(';').unwrap();
    &code[start..=end]
}

#[test]
fn output_is_deterministic() {
    for (from, to) in [(1, 2), (2, 3), (3, 4)] {
        assert_eq!(todo(from, to), todo(from, to));
    }
    for entry in std::fs::read_dir(root().join("tests/fixtures")).unwrap() {
        let rule = entry.unwrap().file_name().to_string_lossy().into_owned();
        assert_eq!(fixture(&rule), fixture(&rule), "{rule}");
    }
}

#[test]
fn todo_v1_v2_needs_no_decisions() {
    let code = todo(1, 2);
    assert!(code.contains("pub mod old {"), "{code}");
    assert!(code.contains("pub mod new {"), "{code}");
    assert!(code.contains("pub trait Decisions {}"), "{code}");
    assert!(code.contains("impl Decisions for () {}"), "{code}");
    assert!(code.contains(
        "pub fn upgrade(old: old::TodoItem, decisions: &impl Decisions) -> new::TodoItem"
    ));
    assert!(code.contains(
        "pub fn downgrade(new: new::TodoItem, decisions: &impl Decisions) -> old::TodoItem"
    ));
    // The added property: a default function, filled in on upgrade, kept on downgrade.
    assert!(code.contains("#[serde(default = \"default_todo_item_important\")]"));
    assert!(code.contains("pub fn default_todo_item_important() -> bool"));
    assert!(code.contains("`property-added-optional` at `/properties/important`"));
    assert!(code.contains("stash_unknown(&mut unknown, \"important\", &new.important);"));
    // The version tag is set, and the rule cited.
    assert!(code.contains("version: 2,"), "{code}");
    assert!(code.contains("version: 1,"), "{code}");
    assert!(code.contains("`version-tag-changed` at `/properties/version`"));
    assert!(!code.contains("todo!"));
    assert!(!code.contains("unimplemented!"));
}

#[test]
fn todo_v2_v3_asks_for_the_status_both_ways() {
    let code = todo(2, 3);
    let up = method(&code, "upgrade_status");
    assert!(
        up.contains("fn upgrade_status(&self, old: &old::TodoItem) -> new::Progress;"),
        "{up}"
    );
    assert!(up.contains("`type-changed` at `/$defs/Progress`"), "{up}");
    assert!(up.contains("type changed from boolean to string"), "{up}");
    assert!(up.contains("at `/status` in documents"), "{up}");
    let down = method(&code, "downgrade_status");
    assert!(
        down.contains("fn downgrade_status(&self, new: &new::TodoItem) -> bool;"),
        "{down}"
    );
    assert!(
        down.contains("`type-changed` at `/$defs/Progress`"),
        "{down}"
    );
    // The enum, with the JSON spelling of every value.
    assert!(code.contains("pub enum Progress {"), "{code}");
    for value in ["open", "started", "blocked", "rejected", "completed"] {
        assert!(
            code.contains(&format!("#[serde(rename = \"{value}\")]")),
            "{value}"
        );
    }
    assert!(code.contains("let decided_status = decisions.upgrade_status(&old);"));
    assert!(code.contains("status: decided_status,"));
    // Only the two decisions.
    assert_eq!(code.matches("(&self,").count(), 2, "{code}");
}

#[test]
fn todo_v3_v4_keeps_the_removed_status() {
    let code = todo(3, 4);
    assert!(
        code.contains("stash_unknown(&mut unknown, \"status\", &old.status);"),
        "{code}"
    );
    let down = method(&code, "downgrade_status");
    assert!(down.contains("-> old::Progress;"), "{down}");
    assert!(
        down.contains("`property-removed-required` at `/properties/status`"),
        "{down}"
    );
    assert!(!code.contains("fn upgrade_status(&self"), "{code}");
}

#[test]
fn breaking_fixture_changes_become_decisions() {
    let cases = [
        (
            "type-changed",
            "fn upgrade_status(&self, old: &old::Todo) -> String;",
        ),
        (
            "type-changed",
            "fn downgrade_status(&self, new: &new::Todo) -> bool;",
        ),
        (
            "property-added-required",
            "fn upgrade_important(&self, old: &old::Todo) -> bool;",
        ),
        (
            "property-renamed",
            "fn upgrade_completed(&self, old: &old::Todo) -> bool;",
        ),
        (
            "property-renamed",
            "fn downgrade_done(&self, new: &new::Todo) -> bool;",
        ),
        (
            "required-added",
            "fn upgrade_important(&self, old: &old::Todo) -> bool;",
        ),
        (
            "type-widened",
            "fn downgrade_priority(&self, new: &new::Todo) -> i64;",
        ),
        (
            "nullable-added",
            "fn downgrade_due(&self, new: &new::Todo) -> String;",
        ),
        (
            "enum-value-added",
            "fn downgrade_status(&self, new: &new::Todo) -> old::Status;",
        ),
        (
            "numeric-bound-tightened",
            "fn upgrade_priority(&self, old: &old::Todo) -> i64;",
        ),
        (
            "variant-added",
            "fn downgrade_document(&self, new: &new::Status) -> old::Status;",
        ),
    ];
    for (rule, signature) in cases {
        let code = fixture(rule);
        assert!(
            code.contains(signature),
            "{rule}: no `{signature}` in\n{code}"
        );
        assert!(
            code.contains(&format!("`{rule}` at ")),
            "{rule}: not cited in\n{code}"
        );
    }
    let code = fixture("object-closed");
    let m = method(&code, "upgrade_unknown_fields");
    assert!(m.contains("`object-closed` at the root"), "{m}");
    assert!(
        m.contains("-> serde_json::Map<String, serde_json::Value>;"),
        "{m}"
    );
}

#[test]
fn compatible_fixture_changes_are_filled_in() {
    for rule in [
        "annotation-changed",
        "default-changed",
        "property-added-optional",
        "property-removed-optional",
        "ref-target-changed",
        "version-tag-changed",
    ] {
        let code = fixture(rule);
        assert!(code.contains("pub trait Decisions {}"), "{rule}:\n{code}");
    }
    let code = fixture("type-widened");
    assert!(code.contains("priority: old.priority as f64,"), "{code}");
    let code = fixture("nullable-added");
    assert!(code.contains("due: Some(old.due),"), "{code}");
    let code = fixture("enum-value-added");
    assert!(
        code.contains("old::Status::Open => new::Status::Open,"),
        "{code}"
    );
}

#[test]
fn unions_become_values_with_a_reason() {
    let code = fixture("variant-added");
    assert!(
        code.contains("pub type Status = serde_json::Value;"),
        "{code}"
    );
    assert!(
        code.contains("unions are not mapped to Rust types"),
        "{code}"
    );
}

#[test]
fn bad_input_names_the_file_and_place() {
    let err = generate(
        "old.json",
        "{\n  \"type\": \"object\",\n  oops\n}",
        "new.json",
        "{}",
        &Options::default(),
    )
    .unwrap_err();
    assert!(matches!(err, CodegenError::Schema { ref name, .. } if name == "old.json"));
    assert!(err.to_string().starts_with("old.json:3:"), "{err}");
    let options = Options {
        module: Some("Not A Module".into()),
        ..Options::default()
    };
    let err = generate("a.json", "{}", "b.json", "{}", &options).unwrap_err();
    assert!(matches!(err, CodegenError::ModuleName { .. }), "{err}");
}

#[test]
fn builder_writes_one_module_per_pair() {
    let dir = tempfile::tempdir().unwrap();
    let written = Builder::new()
        .pair(
            "todo_v2_v3",
            root().join("examples/todo/schemas/v2.json"),
            root().join("examples/todo/schemas/v3.json"),
        )
        .write_to(dir.path())
        .unwrap();
    assert_eq!(written, vec![dir.path().join("todo_v2_v3.rs")]);
    let code = std::fs::read_to_string(&written[0]).unwrap();
    assert!(code.starts_with("pub mod todo_v2_v3 {"), "{code}");
    assert!(code.contains("#![allow("), "{code}");

    let err = Builder::new()
        .pair(
            "missing",
            dir.path().join("nope.json"),
            dir.path().join("nope.json"),
        )
        .write_to(dir.path())
        .unwrap_err();
    assert!(matches!(err, CodegenError::Io { .. }), "{err}");
}

fn mapped(old: &str, new: &str, map: &[(&str, &str)]) -> String {
    let options = Options {
        type_map: map
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect(),
        ..Options::default()
    };
    generate("old.json", old, "new.json", new, &options).unwrap()
}

/// A task whose `status` is a `$defs/Progress` enum with `values`.
fn task(version: u32, values: &[&str], extra: &str) -> String {
    let values: Vec<String> = values.iter().map(|v| format!("\"{v}\"")).collect();
    format!(
        r##"{{"title": "Task", "type": "object",
            "properties": {{"version": {{"const": {version}}},
                "status": {{"$ref": "#/$defs/Progress"}},
                "history": {{"type": "array", "items": {{"$ref": "#/$defs/Progress"}}}}{extra}}},
            "required": ["version", "status"],
            "$defs": {{"Progress": {{"type": "string", "enum": [{}]}}}}}}"##,
        values.join(", ")
    )
}

#[test]
fn type_map_refers_to_the_existing_type() {
    let old = read("examples/todo/schemas/v2.json");
    let new = read("examples/todo/schemas/v3.json");
    let code = mapped(&old, &new, &[("Progress", "crate::model::Progress")]);
    // Not generated; re-exported under its name in `new`, and used by that name.
    assert!(!code.contains("pub enum Progress"), "{code}");
    assert!(code.contains("pub use crate::model::Progress;"), "{code}");
    assert!(code.contains("pub status: Progress,"), "{code}");
    // The breaking type change still needs its decisions, now in terms of the mapped type.
    let up = method(&code, "upgrade_status");
    assert!(up.contains("-> new::Progress;"), "{up}");
    assert!(up.contains("`type-changed` at `/$defs/Progress`"), "{up}");
    assert!(method(&code, "downgrade_status").contains("-> bool;"));
    assert_eq!(
        code,
        mapped(&old, &new, &[("Progress", "crate::model::Progress")])
    );
    // Keyed by the `$defs` key as well, and by the title; another name maps nothing.
    let by_title = r#"{"title": "Task", "type": "object",
        "properties": {"owner": {"title": "person-ref", "type": "object",
            "properties": {"name": {"type": "string"}}}}}"#;
    let code = mapped(by_title, by_title, &[("person-ref", "crate::Person")]);
    assert!(
        code.contains("pub use crate::Person as PersonRef;"),
        "{code}"
    );
    assert!(!code.contains("pub struct PersonRef"), "{code}");
    let code = mapped(by_title, by_title, &[("Other", "crate::Person")]);
    assert!(code.contains("pub struct PersonRef"), "{code}");
}

#[test]
fn the_same_mapped_type_on_both_sides_is_moved() {
    let values = ["open", "done"];
    let old = task(1, &values, "");
    let new = task(2, &values, r#", "note": {"type": "string"}"#);
    let unmapped = mapped(&old, &new, &[]);
    assert!(unmapped.contains("fn upgrade_progress("), "{unmapped}");
    let code = mapped(&old, &new, &[("Progress", "crate::Progress")]);
    assert_eq!(
        code.matches("pub use crate::Progress;").count(),
        2,
        "{code}"
    );
    // No per-pair conversion, no decision: the value is moved.
    assert!(!code.contains("fn upgrade_progress("), "{code}");
    assert!(!code.contains("fn downgrade_progress("), "{code}");
    assert!(code.contains("pub trait Decisions {}"), "{code}");
    assert!(code.contains("status: old.status,"), "{code}");
    assert!(code.contains("history: old.history,"), "{code}");
    assert!(code.contains("status: new.status,"), "{code}");
    assert!(code.contains("- `status`: moved."), "{code}");
}

#[test]
fn a_breaking_change_to_a_mapped_type_keeps_its_decision() {
    let old = task(1, &["open", "blocked", "done"], "");
    let new = task(2, &["open", "done"], "");
    let code = mapped(&old, &new, &[("Progress", "crate::Progress")]);
    assert!(!code.contains("pub enum Progress"), "{code}");
    let up = method(&code, "upgrade_status");
    assert!(up.contains("-> new::Progress;"), "{up}");
    assert!(up.contains("`enum-value-removed`"), "{up}");
    assert!(
        code.contains("let decided_status = decisions.upgrade_status(&old);"),
        "{code}"
    );
    // The direction nothing breaks is still a move.
    assert!(code.contains("status: new.status,"), "{code}");
    assert!(!code.contains("fn downgrade_status(&self"), "{code}");
}

#[test]
fn x_rust_type_in_the_schema_maps_like_the_type_map() {
    let schema = |person: &str| {
        format!(
            r##"{{"title": "Task", "type": "object",
                "properties": {{
                    "owner": {{"$ref": "#/$defs/Person"}},
                    "tags": {{"type": "array", "items": {{"type": "string"}},
                              "x-rust-type": "std::collections::BTreeSet<String>"}}}},
                "required": ["owner"],
                "$defs": {{"Person": {{"type": "object", {person}
                    "properties": {{"name": {{"type": "string"}}}}}}}}}}"##
        )
    };
    let with = schema(r#""x-rust-type": "crate::people::Person","#);
    let code = mapped(&with, &with, &[]);
    assert!(code.contains("pub use crate::people::Person;"), "{code}");
    assert!(!code.contains("pub struct Person"), "{code}");
    assert!(code.contains("(`x-rust-type`)"), "{code}");
    // Not a plain path: an alias.
    assert!(
        code.contains("pub type Tags = std::collections::BTreeSet<String>;"),
        "{code}"
    );
    assert!(code.contains("owner: old.owner,"), "{code}");
    assert!(code.contains("tags: old.tags,"), "{code}");
    assert!(code.contains("pub trait Decisions {}"), "{code}");

    // Mapped on one side only: no mechanical conversion, so a decision.
    let without = schema("");
    let code = mapped(&with, &without, &[]);
    let up = method(&code, "upgrade_owner");
    assert!(up.contains("-> new::Person;"), "{up}");
    assert!(up.contains("has no mechanical conversion"), "{up}");

    // Not a Rust type: an error naming the file and the place.
    let bad = schema(r#""x-rust-type": "not a type!","#);
    let err = generate("old.json", &bad, "new.json", &with, &Options::default()).unwrap_err();
    assert!(matches!(err, CodegenError::Schema { ref name, .. } if name == "old.json"));
    let text = err.to_string();
    assert!(text.starts_with("old.json: `x-rust-type` maps"), "{text}");
    assert!(text.contains("`/properties/owner`"), "{text}");
}

#[test]
fn builder_type_map_applies_to_every_pair() {
    let dir = tempfile::tempdir().unwrap();
    let written = Builder::new()
        .type_map("Progress", "crate::Progress")
        .pair(
            "todo_v3_v4",
            root().join("examples/todo/schemas/v3.json"),
            root().join("examples/todo/schemas/v4.json"),
        )
        .write_to(dir.path())
        .unwrap();
    let code = std::fs::read_to_string(&written[0]).unwrap();
    assert!(code.contains("pub use crate::Progress;"), "{code}");
    assert!(!code.contains("pub enum Progress"), "{code}");
    assert!(
        method(&code, "downgrade_status").contains("-> old::Progress;"),
        "{code}"
    );
}
