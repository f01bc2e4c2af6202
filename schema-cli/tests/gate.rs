//! `docver check` as a review gate: green where the declared migrations carry every breaking
//! change, red (naming the field) where they don't. Each case under `tests/data/gate/<case>/`
//! is `new.rs` (the working tree), optionally `old.rs` (the same file at the base ref) and a
//! `docver.toml`; the rendered report is snapshotted with whether it passes.

use std::path::{Path, PathBuf};

use docver_cli::config::Config;
use docver_source::{Check, SourceFile, Sources};

fn case_dir(case: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/gate")
        .join(case)
}

/// `passes: …` and the text report of checking the case.
fn gate(case: &str) -> (bool, String) {
    let dir = case_dir(case);
    let read = |name: &str| std::fs::read_to_string(dir.join(name)).ok();
    let sources = |text: String| Sources::scan(vec![SourceFile::new("new.rs", text)]);
    let check = Check::from_sources(
        sources(read("new.rs").unwrap()),
        read("old.rs").map(sources),
        Default::default(),
    );
    let config = match read("docver.toml") {
        Some(text) => Config::parse(Path::new("docver.toml"), &text).unwrap(),
        None => Config::default(),
    };
    let quiet = docver_cli::command::check::Presentation {
        quiet: true,
        ..Default::default()
    };
    docver_cli::command::check::with_output(&check, &config, &quiet, |output| {
        Ok((output.passes(), output.plain_text().unwrap()))
    })
    .unwrap()
}

fn snapshot(case: &str, expected_to_pass: bool) {
    let (passes, text) = gate(case);
    assert_eq!(passes, expected_to_pass, "{case}:\n{text}");
    insta::assert_snapshot!(case, format!("passes: {passes}\n\n{text}"));
}

#[test]
fn a_rename_declared_by_a_lens_is_migrated() {
    snapshot("rename-with-lens", true);
}

#[test]
fn a_rename_without_a_lens_is_a_removal_and_an_addition() {
    let (_, text) = gate("rename-without-lens");
    assert!(
        !text.contains("property-renamed"),
        "check never guesses: {text}"
    );
    snapshot("rename-without-lens", false);
}

#[test]
fn a_lens_that_does_not_produce_the_next_version_fails() {
    snapshot("lens-disagrees", false);
}

#[test]
fn a_lossy_downgrade_fails_where_the_policy_requires_lossless() {
    snapshot("lossy-downgrade-required-lossless", false);
}

#[test]
fn a_forward_break_fails_when_old_readers_meet_new_documents() {
    snapshot("forward-break-deployed-live", false);
}

#[test]
fn an_in_place_edit_of_a_released_version_names_the_field() {
    let (_, text) = gate("edited-in-place");
    assert!(text.contains("at /color in documents"), "{text}");
    snapshot("edited-in-place", false);
}
