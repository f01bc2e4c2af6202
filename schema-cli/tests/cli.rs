//! The `docver` binary end to end: exit codes, formats, modes, baselines, bad input.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn docver(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_docver"))
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

fn code(output: &Output) -> i32 {
    output.status.code().unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

fn json(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout).unwrap()
}

const V1: &str = "examples/todo/schemas/v1.json";
const V2: &str = "examples/todo/schemas/v2.json";
const V3: &str = "examples/todo/schemas/v3.json";

#[test]
fn readme_command_passes_on_a_compatible_step() {
    let out = docver(&["diff", V1, V2]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stdout(&out).contains("property-added-optional"));
    assert!(stdout(&out).contains("backward compatible, forward compatible"));
}

#[test]
fn breaking_step_exits_1_with_witnesses_in_json() {
    let out = docver(&["diff", V2, V3, "--format", "json"]);
    assert_eq!(code(&out), 1);
    let report = json(&out);
    assert_eq!(report["backward"], "breaking");
    assert_eq!(report["forward"], "breaking");
    let change = report["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["rule"] == "type-changed")
        .unwrap();
    assert_eq!(change["instance_path"], "/status");
    assert_eq!(change["witness"]["backward"]["status"], false);
    assert_eq!(change["new_span"]["line"], 32);
    assert_eq!(change["fingerprint"].as_str().unwrap().len(), 16);
}

#[test]
fn mode_decides_which_direction_fails() {
    let dir = "tests/fixtures/enum-value-added";
    let (old, new) = (format!("{dir}/old.json"), format!("{dir}/new.json"));
    assert_eq!(
        code(&docver(&["diff", &old, &new, "--mode", "backward"])),
        0
    );
    assert_eq!(code(&docver(&["diff", &old, &new, "--mode", "forward"])), 1);
    assert_eq!(code(&docver(&["diff", &old, &new])), 1);
}

#[test]
fn strict_mode_breaks_an_optional_addition() {
    let dir = "tests/fixtures/property-added-optional";
    let (old, new) = (format!("{dir}/old.json"), format!("{dir}/new.json"));
    assert_eq!(code(&docver(&["diff", &old, &new])), 0);
    let out = docver(&["diff", &old, &new, "--strict", "--format", "json"]);
    assert_eq!(code(&out), 1);
    assert_eq!(json(&out)["backward"], "breaking");
}

#[test]
fn transitive_checks_every_pair() {
    let adjacent = json(&docver(&["diff", V1, V2, V3, "--format", "json"]));
    assert_eq!(adjacent["pairs"].as_array().unwrap().len(), 2);
    let all = json(&docver(&[
        "diff",
        V1,
        V2,
        V3,
        "--transitive",
        "--format",
        "json",
    ]));
    let pairs = all["pairs"].as_array().unwrap();
    assert_eq!(pairs.len(), 3);
    assert_eq!(pairs[1]["old_file"], V1);
    assert_eq!(pairs[1]["new_file"], V3);
}

#[test]
fn baseline_accepts_known_findings_and_still_fails_on_new_ones() {
    let dir = tempfile::tempdir().unwrap();
    let baseline = dir.path().join("baseline.json");
    let baseline = baseline.to_str().unwrap();
    assert_eq!(
        code(&docver(&["diff", V2, V3, "--write-baseline", baseline])),
        1
    );
    let out = docver(&["diff", V2, V3, "--baseline", baseline, "--format", "json"]);
    assert_eq!(code(&out), 0, "{}", stdout(&out));
    assert!(
        json(&out)["changes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["accepted"] == true)
    );
    // A different breaking change is not covered by that baseline.
    let dir2 = "tests/fixtures/property-added-required";
    let out = docver(&[
        "diff",
        &format!("{dir2}/old.json"),
        &format!("{dir2}/new.json"),
        "--baseline",
        baseline,
    ]);
    assert_eq!(code(&out), 1);
}

#[test]
fn sarif_is_2_1_0_with_fingerprints_and_locations() {
    let out = docver(&["diff", V2, V3, "--format", "sarif"]);
    assert_eq!(code(&out), 1);
    let sarif = json(&out);
    assert_eq!(sarif["version"], "2.1.0");
    let run = &sarif["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    // The change rules, then `check`'s history rules.
    assert_eq!(rules.len(), docver_check::rules::all_rules().count());
    let result = run["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == "type-changed")
        .unwrap();
    assert_eq!(result["level"], "error");
    assert_eq!(
        rules[result["ruleIndex"].as_u64().unwrap() as usize]["id"],
        "type-changed"
    );
    let location = &result["locations"][0]["physicalLocation"];
    assert_eq!(location["artifactLocation"]["uri"], V3);
    assert_eq!(location["region"]["startLine"], 32);
    assert!(result["partialFingerprints"]["docver/v1"].is_string());
}

#[test]
fn github_and_markdown_formats() {
    let out = docver(&["diff", V2, V3, "--format", "github"]);
    assert_eq!(code(&out), 1);
    let text = stdout(&out);
    assert!(
        text.lines().any(
            |l| l.starts_with("::error file=examples/todo/schemas/v3.json,line=32,")
                && l.contains("title=docver type-changed::")
        ),
        "{text}"
    );
    let md = stdout(&docver(&["diff", V2, V3, "--format", "markdown"]));
    assert!(
        md.contains("| error | `type-changed` | `/status` | **breaking** | **breaking** |"),
        "{md}"
    );
}

#[test]
fn list_rules_text_and_json() {
    let text = stdout(&docver(&["list-rules"]));
    assert!(
        text.lines()
            .any(|l| l.starts_with("property-added-required"))
    );
    let rules = json(&docver(&["list-rules", "--format", "json"]));
    assert_eq!(
        rules.as_array().unwrap().len(),
        docver_check::rules::all_rules().count()
    );
    // The history rules are catalog entries like the others.
    for id in [
        "version-edited-in-place",
        "live-version-removed",
        "field-name-reused",
        "breaking-without-migration",
    ] {
        assert!(text.lines().any(|l| l.starts_with(id)), "{id}: {text}");
        assert!(
            rules
                .as_array()
                .unwrap()
                .iter()
                .any(|r| r["id"] == id && r["scope"] == "history"),
            "{id}"
        );
    }
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_owned()
}

fn assert_bad_input(args: &[&str], expected: &str) {
    let out = docver(args);
    assert_eq!(code(&out), 2, "{args:?}: {}", stdout(&out));
    assert!(
        stderr(&out).contains(expected),
        "{args:?}: {}",
        stderr(&out)
    );
    assert!(!stderr(&out).contains("panicked"));
}

#[test]
fn bad_input_exits_2_with_a_located_message() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let bad_json = write(
        d,
        "bad.json",
        "{\n  \"type\": \"object\",\n  \"properties\": {,}\n}",
    );
    assert_bad_input(
        &["diff", &bad_json, V1],
        "bad.json:3:18: expected a string key",
    );
    let not_schema = write(d, "doc.json", r#"{"title": "milk", "status": true}"#);
    assert_bad_input(&["diff", V1, &not_schema], "not a JSON Schema");
    let array = write(d, "array.json", "[1, 2]");
    assert_bad_input(&["diff", V1, &array], "not a JSON Schema");
    let cyclic = write(
        d,
        "cyclic.json",
        r##"{"$ref": "#/$defs/A", "$defs": {"A": {"$ref": "#/$defs/A"}}}"##,
    );
    assert_bad_input(&["diff", V1, &cyclic], "cyclic `$ref`");
    let dangling = write(
        d,
        "dangling.json",
        r##"{"properties": {"a": {"$ref": "#/$defs/Nope"}}}"##,
    );
    assert_bad_input(
        &["diff", V1, &dangling],
        "dangling.json:1:31: `$ref` target `#/$defs/Nope` does not exist",
    );
    let deep = write(
        d,
        "deep.json",
        &("{\"items\": ".repeat(10_000) + "{}" + &"}".repeat(10_000)),
    );
    assert_bad_input(&["diff", V1, &deep], "nesting deeper than");
    assert_bad_input(
        &["diff", V1, "no/such/file.json"],
        "no/such/file.json: cannot read",
    );
    assert_bad_input(&["diff", V1], "required");
    assert_bad_input(&["diff", V1, V2, "--mode", "sideways"], "sideways");
}

#[test]
fn recursive_schemas_compare_without_looping() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let tree = |extra: &str| {
        format!(
            r##"{{"$ref": "#/$defs/Node", "$defs": {{"Node": {{"type": "object", "properties": {{
                "children": {{"type": "array", "items": {{"$ref": "#/$defs/Node"}}}}{extra}}}}}}}}}"##
        )
    };
    let old = write(d, "old.json", &tree(""));
    let new = write(d, "new.json", &tree(r#", "label": {"type": "string"}"#));
    let out = docver(&["diff", &old, &new, "--format", "json"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let changes = json(&out)["changes"].as_array().unwrap().clone();
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0]["rule"], "property-added-optional");
}

#[test]
fn a_50_megabyte_schema_is_read_and_compared() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from(r#"{"type": "object", "properties": {"#);
    let mut i = 0;
    while text.len() < 50 * 1024 * 1024 {
        if i > 0 {
            text.push(',');
        }
        text.push_str(&format!(
            r#""property{i}": {{"type": "string", "description": "{}"}}"#,
            "x".repeat(200)
        ));
        i += 1;
    }
    text.push_str("}}");
    let big = write(dir.path(), "big.json", &text);
    let out = docver(&["diff", &big, &big, "--format", "json"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(json(&out)["changes"].as_array().unwrap().is_empty());
}

#[test]
fn generate_typescript_for_a_family_directory() {
    let out = docver(&[
        "generate",
        "typescript",
        "--family",
        "examples/todo/schemas/contact",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.starts_with("// @generated by `docver generate typescript`"));
    assert!(text.contains("export function readAs<V extends ContactVersion>("));
    // Bad input: a directory without reader schemas is a located error, exit 2.
    let bad = docver(&["generate", "typescript", "--family", "tests/fixtures"]);
    assert_eq!(code(&bad), 2);
    assert!(
        stderr(&bad).contains("no schema versions"),
        "{}",
        stderr(&bad)
    );
}

#[test]
fn generate_couchdb_validation_for_the_todo_versions() {
    let out = docver(&[
        "generate",
        "couchdb-validation",
        "examples/todo/schemas/v1.json",
        "examples/todo/schemas/v2.json",
        "examples/todo/schemas/v3.json",
        "examples/todo/schemas/v4.json",
        "--base",
        "1",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let design = json(&out);
    assert_eq!(design["_id"], "_design/todo-item");
    assert!(
        design["validate_doc_update"]
            .as_str()
            .unwrap()
            .starts_with("function (newDoc")
    );
    // Bad input: a schema without a version constant, a base that is not live.
    let bad = docver(&[
        "generate",
        "couchdb-validation",
        "tests/fixtures/type-changed/old.json",
    ]);
    assert_eq!(code(&bad), 2);
    assert!(
        stderr(&bad).contains("declares no version"),
        "{}",
        stderr(&bad)
    );
    let not_live = docver(&[
        "generate",
        "couchdb-validation",
        "examples/todo/schemas/v2.json",
        "--base",
        "1",
    ]);
    assert_eq!(code(&not_live), 2);
}
