//! `docver check` on annotated Rust source: diagnostics in the `.rs` file, the policy file,
//! formats, the matrix, and history against a git ref.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn docver_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_docver"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

fn code(o: &Output) -> i32 {
    o.status.code().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A policy file in a temporary directory, for `--config`.
fn policy_file(text: &str) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("docver.toml");
    std::fs::write(&path, text).unwrap();
    let path = path.to_str().unwrap().to_owned();
    (dir, path)
}

#[test]
fn the_todo_source_passes_with_its_policy_and_its_migrations_named() {
    let out = docver_in(&root(), &["check", "examples/todo", "--format", "json"]);
    assert_eq!(code(&out), 0, "{}{}", stdout(&out), stderr(&out));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let change = report["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["rule"] == "type-changed")
        .unwrap();
    let message = change["message"].as_str().unwrap();
    assert!(
        message.contains("migrated backward by lens `convert` `status` (step to v3), lossless")
            && message.contains("migrated forward by lens `convert` `status` (step to v3), lossy"),
        "{message}"
    );
}

#[test]
fn the_todo_source_breaks_at_v3_with_diagnostics_in_the_rust_file() {
    // Deployed `live`, old apps meet v3 documents as they are: the forward break stays.
    let (_dir, policy) = policy_file("[families.todo-item]\nstrategy = \"live\"\n");
    let live = ["--config", policy.as_str()];
    let args = |format: &'static str| {
        let mut args = vec!["check", "examples/todo/src", "--format", format];
        args.extend(live);
        args
    };
    let out = docver_in(&root(), &args("json"));
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let change = report["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["rule"] == "type-changed")
        .unwrap();
    assert_eq!(change["new_file"], "examples/todo/src/lib.rs");
    let lib = std::fs::read_to_string(root().join("examples/todo/src/lib.rs")).unwrap();
    let line = lib
        .lines()
        .position(|l| l.contains("pub status: Progress"))
        .unwrap()
        + 1;
    assert_eq!(change["new_span"]["line"], line);
    let sarif: Value = serde_json::from_slice(&docver_in(&root(), &args("sarif")).stdout).unwrap();
    let result = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == "type-changed")
        .unwrap();
    assert_eq!(
        result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "examples/todo/src/lib.rs"
    );
    let junit = stdout(&docver_in(&root(), &args("junit")));
    assert!(
        junit.starts_with("<?xml")
            && junit.contains(
                "<failure message=\"type changed from boolean to string (v2 → v3, field `status`"
            ),
        "{junit}"
    );
}

#[test]
fn the_policy_file_sets_live_versions_mode_and_rule_levels() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        root().join("examples/todo/src/lib.rs"),
        dir.path().join("lib.rs"),
    )
    .unwrap();
    // Only v3 and v4 are live, and only new apps reading old documents matters.
    std::fs::write(
        dir.path().join("docver.toml"),
        "[families.todo-item]\nlive = [3, 4]\nmode = \"backward\"\n",
    )
    .unwrap();
    let out = docver_in(dir.path(), &["check", "lib.rs"]);
    assert_eq!(code(&out), 0, "{}{}", stdout(&out), stderr(&out));
    // Full mode passes with per-version documents (the default strategy): old readers get
    // their copy from `join_status`…
    std::fs::write(
        dir.path().join("docver.toml"),
        "[families.todo-item]\nlive = [3, 4]\n",
    )
    .unwrap();
    assert_eq!(code(&docver_in(dir.path(), &["check", "lib.rs"])), 0);
    // …and fails deployed `live` on v3 → v4 (old readers miss `status`)…
    std::fs::write(
        dir.path().join("docver.toml"),
        "[families.todo-item]\nlive = [3, 4]\nstrategy = \"live\"\n",
    )
    .unwrap();
    assert_eq!(code(&docver_in(dir.path(), &["check", "lib.rs"])), 1);
    // …unless that rule is only a warning.
    std::fs::write(
        dir.path().join("docver.toml"),
        "[families.todo-item]\nlive = [3, 4]\nstrategy = \"live\"\n[rules]\nproperty-removed-required = \"warning\"\n",
    )
    .unwrap();
    assert_eq!(code(&docver_in(dir.path(), &["check", "lib.rs"])), 0);
    std::fs::write(
        dir.path().join("docver.toml"),
        "[families.todo-item]\nlive = \"all\"\n",
    )
    .unwrap();
    let bad = docver_in(dir.path(), &["check", "lib.rs"]);
    assert_eq!(code(&bad), 2);
    assert!(stderr(&bad).contains("docver.toml:2:"), "{}", stderr(&bad));
}

#[test]
fn the_matrix_shows_compatible_migrated_and_breaking_pairs() {
    let matrix_of = |extra: &[&str]| -> Value {
        let mut args = vec!["check", "examples/todo/src", "--matrix", "--format", "json"];
        args.extend(extra);
        let out = docver_in(&root(), &args);
        assert_eq!(code(&out), 0, "{}", stderr(&out));
        let all: Value = serde_json::from_slice(&out.stdout).unwrap();
        all.as_array()
            .unwrap()
            .iter()
            .find(|m| m["family"] == "todo-item")
            .unwrap()
            .clone()
    };
    let todo = matrix_of(&[]);
    // Row = writer, column = reader. A v1 writer read by v2: compatible; by v3: through the
    // `convert` lens; a v3 writer read by v2: through its lossy `down` table.
    assert_eq!(todo["writer_by_reader"][0][1], "compatible");
    assert_eq!(todo["writer_by_reader"][0][2], "migrated (lossless)");
    assert_eq!(todo["writer_by_reader"][2][1], "migrated (lossy)");
    assert_eq!(todo["writer_by_reader"][3][2], "migrated (lossless)");
    // Deployed `live`, an old reader meets new documents as they are.
    let (_dir, policy) = policy_file("[families.todo-item]\nstrategy = \"live\"\n");
    let live = matrix_of(&["--config", &policy]);
    assert_eq!(live["writer_by_reader"][3][2], "breaking");
    assert_eq!(live["writer_by_reader"][0][2], "migrated (lossless)");
}

const V1: &str = r#"
use docver::versioned;
#[versioned(schema = "note", versions = 1..=2)]
#[derive(Debug)]
pub struct Note {
    pub text: String,
    #[docver(since = 2, default)]
    pub pinned: bool,
}
"#;

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.com")
        .status()
        .unwrap();
    assert!(status.success(), "git {args:?}");
}

#[test]
fn against_a_git_ref_flags_history_offences() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q", "-b", "main"]);
    std::fs::write(d.join("model.rs"), V1).unwrap();
    git(d, &["add", "."]);
    git(d, &["commit", "-q", "-m", "v1 and v2"]);
    // Nothing changed: clean.
    assert_eq!(
        code(&docver_in(d, &["check", "model.rs", "--against", "main"])),
        0
    );
    // A released version edited in place: `text` becomes a number in v1 and v2.
    std::fs::write(
        d.join("model.rs"),
        V1.replace("pub text: String", "pub text: u32"),
    )
    .unwrap();
    let out = docver_in(
        d,
        &["check", "model.rs", "--against", "main", "--format", "json"],
    );
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let edited: Vec<_> = report["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["rule"] == "version-edited-in-place")
        .collect();
    assert_eq!(edited.len(), 2, "{report:#}");
    assert_eq!(edited[0]["new_span"]["line"], 6);
    // A live version removed, and a field name reused with another type after removal.
    let base = r#"
#[versioned(schema = "note", versions = 1..=3)]
pub struct Note {
    pub text: String,
    #[docver(until = 2, default)]
    pub tag: Option<String>,
    #[docver(since = 2, default)]
    pub pinned: bool,
}
"#;
    std::fs::write(d.join("model.rs"), base).unwrap();
    git(d, &["commit", "-q", "-am", "a tag in v1 only"]);
    let head = r#"
#[versioned(schema = "note", versions = 2..=4)]
pub struct Note {
    pub text: String,
    pub pinned: bool,
    #[docver(since = 4, default)]
    pub tag: u32,
}
"#;
    std::fs::write(d.join("model.rs"), head).unwrap();
    std::fs::write(
        d.join("docver.toml"),
        "[families.note]\nlive = [1, 2, 3, 4]\n",
    )
    .unwrap();
    let out = docver_in(
        d,
        &["check", "model.rs", "--against", "HEAD", "--format", "json"],
    );
    let report: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|_| panic!("{}{}", stdout(&out), stderr(&out)));
    let rules: Vec<&str> = report["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["rule"].as_str().unwrap())
        .collect();
    assert!(rules.contains(&"live-version-removed"), "{rules:?}");
    assert!(rules.contains(&"field-name-reused"), "{rules:?}");
    assert_eq!(code(&out), 1);
    // A ref that does not exist is bad input.
    let bad = docver_in(d, &["check", "model.rs", "--against", "no-such-branch"]);
    assert_eq!(code(&bad), 2);
    assert!(stderr(&bad).contains("no-such-branch"), "{}", stderr(&bad));
}

/// SARIF from `diff` and from `check` validates against the SARIF 2.1.0 JSON Schema.
#[test]
fn sarif_validates_against_the_2_1_0_schema() {
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/sarif-2.1.0.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    // The check can fail: a result without a message is not SARIF.
    let broken = serde_json::json!({"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "docver"}}, "results": [{"ruleId": "x"}]}]});
    assert!(!validator.is_valid(&broken));
    let runs = [
        docver_in(
            &root(),
            &["check", "examples/todo/src", "--format", "sarif"],
        ),
        docver_in(
            &root(),
            &[
                "diff",
                "examples/todo/schemas/v2.json",
                "examples/todo/schemas/v3.json",
                "--format",
                "sarif",
            ],
        ),
    ];
    for out in runs {
        let sarif: Value = serde_json::from_slice(&out.stdout).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&sarif)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{errors:#?}");
    }
}

/// The "reserved names" lesson across the whole history: a field removed two commits ago
/// comes back with another type; the base ref alone no longer shows it.
#[test]
fn field_name_reuse_is_found_in_the_whole_history() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q", "-b", "main"]);
    let with_tag = "#[versioned(schema = \"note\", versions = 1..=2)]\npub struct Note {\n    pub text: String,\n    #[docver(until = 2, default)]\n    pub tag: Option<String>,\n}\n";
    std::fs::write(d.join("model.rs"), with_tag).unwrap();
    git(d, &["add", "."]);
    git(d, &["commit", "-q", "-m", "tag in v1"]);
    let without = "#[versioned(schema = \"note\", versions = 2..=2)]\npub struct Note {\n    pub text: String,\n}\n";
    std::fs::write(d.join("model.rs"), without).unwrap();
    git(d, &["commit", "-q", "-am", "v1 retired"]);
    let reused = "#[versioned(schema = \"note\", versions = 2..=3)]\npub struct Note {\n    pub text: String,\n    #[docver(since = 3, default)]\n    pub tag: u32,\n}\n";
    std::fs::write(d.join("model.rs"), reused).unwrap();
    let out = docver_in(
        d,
        &["check", "model.rs", "--against", "HEAD", "--format", "json"],
    );
    let report: Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|_| panic!("{}", stderr(&out)));
    let reuse = report["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["rule"] == "field-name-reused");
    assert!(reuse.is_some(), "{report:#}");
    assert!(
        reuse.unwrap()["message"]
            .as_str()
            .unwrap()
            .contains("Option<String>")
    );
}

/// A new version that breaks its predecessor with no migration declared for the step.
#[test]
fn a_new_version_breaking_without_a_migration_is_flagged() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q", "-b", "main"]);
    std::fs::write(d.join("model.rs"), V1).unwrap();
    git(d, &["add", "."]);
    git(d, &["commit", "-q", "-m", "v1 and v2"]);
    // v3 makes `pinned` nullable: the derive widens `bool` to `Option<bool>` by itself, so no
    // migration is declared, but v2 readers reject the `null` v3 may write.
    let v3 = V1.replace("versions = 1..=2", "versions = 1..=3").replace(
        "    #[docver(since = 2, default)]\n    pub pinned: bool,",
        "    #[docver(since = 2, until = 3, default)]\n    pub pinned: bool,\n    #[docver(since = 3)]\n    pub pinned: Option<bool>,",
    );
    std::fs::write(d.join("model.rs"), v3).unwrap();
    let out = docver_in(
        d,
        &["check", "model.rs", "--against", "main", "--format", "json"],
    );
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let flagged: Vec<&Value> = report["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["rule"] == "breaking-without-migration")
        .collect();
    assert_eq!(flagged.len(), 1, "{report:#}");
    let message = flagged[0]["message"].as_str().unwrap();
    assert!(
        message.contains("new version 3") && message.contains("null"),
        "{message}"
    );
    assert!(
        !report["changes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["rule"] == "version-edited-in-place"),
        "{report:#}"
    );
    // The diagnostics name the field, its attribute and the versions.
    let nullable = report["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["rule"] == "nullable-added")
        .unwrap();
    let message = nullable["message"].as_str().unwrap();
    assert!(
        message.contains("v2 → v3") && message.contains("#[docver(since = 3)]"),
        "{message}"
    );
}

/// A repository whose family lives in `crates/model.rs`, committed, then edited in place (v1's
/// `text` becomes a number): the gate must fail however the paths are written.
fn repo_with_an_in_place_edit_in_a_subdirectory() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q", "-b", "main"]);
    std::fs::create_dir(d.join("crates")).unwrap();
    std::fs::write(d.join("crates/model.rs"), V1).unwrap();
    git(d, &["add", "."]);
    git(d, &["commit", "-q", "-m", "v1 and v2"]);
    std::fs::write(
        d.join("crates/model.rs"),
        V1.replace("pub text: String", "pub text: u32"),
    )
    .unwrap();
    dir
}

fn rules_fired(out: &Output) -> Vec<String> {
    let report: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|_| panic!("{}{}", stdout(out), stderr(out)));
    report["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["rule"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn against_from_a_subdirectory_reads_the_same_files_at_the_ref() {
    let dir = repo_with_an_in_place_edit_in_a_subdirectory();
    let from_root = docver_in(
        dir.path(),
        &["check", "crates", "--against", "main", "--format", "json"],
    );
    assert_eq!(code(&from_root), 1, "{}", stderr(&from_root));
    let from_subdirectory = docver_in(
        &dir.path().join("crates"),
        &["check", ".", "--against", "main", "--format", "json"],
    );
    assert_eq!(
        code(&from_subdirectory),
        1,
        "{}",
        stderr(&from_subdirectory)
    );
    assert!(rules_fired(&from_subdirectory).contains(&"version-edited-in-place".to_owned()));
}

#[test]
fn against_with_an_absolute_path_reads_the_same_files_at_the_ref() {
    let dir = repo_with_an_in_place_edit_in_a_subdirectory();
    let absolute = dir.path().join("crates").to_string_lossy().into_owned();
    for cwd in [dir.path().to_owned(), dir.path().join("crates")] {
        let out = docver_in(
            &cwd,
            &["check", &absolute, "--against", "main", "--format", "json"],
        );
        assert_eq!(code(&out), 1, "from {}: {}", cwd.display(), stderr(&out));
        assert!(rules_fired(&out).contains(&"version-edited-in-place".to_owned()));
    }
}

#[test]
fn a_path_absent_at_the_ref_is_bad_input_naming_it() {
    let dir = repo_with_an_in_place_edit_in_a_subdirectory();
    std::fs::create_dir(dir.path().join("new")).unwrap();
    std::fs::write(dir.path().join("new/model.rs"), V1).unwrap();
    let out = docver_in(dir.path(), &["check", "new", "--against", "main"]);
    assert_eq!(code(&out), 2, "{}{}", stdout(&out), stderr(&out));
    assert!(
        stderr(&out).contains("new") && stderr(&out).contains("main"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn the_policy_at_the_repository_root_applies_from_a_subdirectory() {
    let dir = repo_with_an_in_place_edit_in_a_subdirectory();
    std::fs::write(
        dir.path().join("docver.toml"),
        "[rules]\nversion-edited-in-place = \"warning\"\n",
    )
    .unwrap();
    let from_root = docver_in(dir.path(), &["check", "crates", "--against", "main"]);
    assert_eq!(code(&from_root), 0, "{}", stderr(&from_root));
    let from_subdirectory = docver_in(
        &dir.path().join("crates"),
        &["check", ".", "--against", "main"],
    );
    assert_eq!(
        code(&from_subdirectory),
        0,
        "{}{}",
        stdout(&from_subdirectory),
        stderr(&from_subdirectory)
    );
}

/// Runs `check lib.rs` on the todo source with this `docver.toml` (bytes) in the directory.
fn check_with_policy(policy: &[u8]) -> Output {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        root().join("examples/todo/src/lib.rs"),
        dir.path().join("lib.rs"),
    )
    .unwrap();
    std::fs::write(dir.path().join("docver.toml"), policy).unwrap();
    docver_in(dir.path(), &["check", "lib.rs"])
}

fn assert_policy_refused(policy: &[u8], expected: &str) {
    let out = check_with_policy(policy);
    assert_eq!(code(&out), 2, "{}{}", stdout(&out), stderr(&out));
    assert!(stderr(&out).contains(expected), "{}", stderr(&out));
}

#[test]
fn the_policy_file_is_validated() {
    // The same file with known names passes its own validation (the check then fails as usual).
    let valid = b"[families.todo-item]\nlive = [3, 4]\n[rules]\nproperty-removed-required = \"warning\"\n[[ignore]]\nrule = \"version-edited-in-place\"\n";
    assert_ne!(code(&check_with_policy(valid)), 2);
    assert_policy_refused(
        b"[rules]\ndefault-changed = \"ignore\"\nno-such-rule = \"warning\"\n",
        "docver.toml:3:1: unknown rule `no-such-rule`",
    );
    assert_policy_refused(
        b"[[ignore]]\nrule = \"annotation-changd\"\n",
        "docver.toml:2:8: unknown rule `annotation-changd`",
    );
    assert_policy_refused(
        b"[families.todo-itme]\nlive = [3, 4]\n",
        "docver.toml:1:11: unknown family `todo-itme` (the scanned paths declare: todo-status, todo-item)",
    );
    assert_policy_refused(b"[rules]\n# \xff\n", "docver.toml: not UTF-8 text");
}

#[test]
fn an_unreadable_policy_file_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("lib.rs"), V1).unwrap();
    std::fs::create_dir(dir.path().join("docver.toml")).unwrap();
    let out = docver_in(dir.path(), &["check", "lib.rs"]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("docver.toml: cannot read"),
        "{}",
        stderr(&out)
    );
    let missing = docver_in(dir.path(), &["check", "lib.rs", "--config", "nope.toml"]);
    assert_eq!(code(&missing), 2);
    assert!(
        stderr(&missing).contains("nope.toml"),
        "{}",
        stderr(&missing)
    );
}

#[test]
fn the_matrix_honours_markdown_and_refuses_finding_formats() {
    let md = docver_in(
        &root(),
        &[
            "check",
            "examples/todo/src",
            "--matrix",
            "--format",
            "markdown",
        ],
    );
    assert_eq!(code(&md), 0, "{}", stderr(&md));
    assert!(
        stdout(&md).contains("| **v1** | compatible | compatible | migrated (lossless) |"),
        "{}",
        stdout(&md)
    );
    for format in ["sarif", "github", "junit"] {
        let out = docver_in(
            &root(),
            &["check", "examples/todo/src", "--matrix", "--format", format],
        );
        assert_eq!(code(&out), 2, "{format}: {}", stdout(&out));
        assert!(stdout(&out).is_empty());
        assert!(
            stderr(&out).contains(&format!(
                "--matrix prints text, json or markdown; `--format {format}`"
            )),
            "{}",
            stderr(&out)
        );
    }
}

#[test]
fn notes_without_a_decision_and_transitive_repeats_show_with_verbose_only() {
    let quiet = stdout(&docver_in(&root(), &["check", "examples/todo"]));
    assert!(!quiet.contains("version-tag-changed"), "{quiet}");
    // The `convert` of v2 → v3 once, naming the transitive pair it also affects.
    assert_eq!(quiet.matches("note[type-changed]").count(), 1, "{quiet}");
    assert!(quiet.contains("also in v1 → v3"), "{quiet}");
    let verbose = stdout(&docver_in(
        &root(),
        &["check", "examples/todo", "--verbose"],
    ));
    assert!(verbose.contains("note[version-tag-changed]"), "{verbose}");
    assert_eq!(
        verbose.matches("note[type-changed]").count(),
        2,
        "{verbose}"
    );
    // JSON always has everything.
    let json = stdout(&docver_in(
        &root(),
        &["check", "examples/todo", "--format", "json"],
    ));
    assert!(json.contains("\"version-tag-changed\""));
}

#[test]
fn check_accepts_and_writes_a_baseline_as_diff_does() {
    let (dir, policy) = policy_file("[families.todo-item]\nstrategy = \"live\"\n");
    let baseline = dir.path().join("baseline.json");
    let baseline = baseline.to_str().unwrap();
    let with = |extra: &[&str]| {
        let mut args = vec!["check", "examples/todo/src", "--config", policy.as_str()];
        args.extend(extra);
        code(&docver_in(&root(), &args))
    };
    assert_eq!(with(&[]), 1);
    assert_eq!(with(&["--write-baseline", baseline]), 1);
    assert_eq!(with(&["--baseline", baseline]), 0);
}
