//! Every report format with what could break it: property names and file names carrying the
//! characters each format gives a meaning to, and budgets that ran out (which every format
//! must show, since they make a change undecided).

use std::path::Path;

use docver_cli::input::SchemaFile;
use docver_cli::report::{self, Color, DiffOutput, Format};
use docver_testkit::hostile_schemas::diamond_chain;
use serde_json::{Value, json};

/// A property name with a backtick, a line break, `%`, `::`, `,`, `<`, `|` and `]]>`.
const HOSTILE: &str = "a`b\n50%::x,<y>|]]>";

fn file(name: &str, schema: &Value) -> SchemaFile {
    SchemaFile::from_text(Path::new(name), schema.to_string()).unwrap()
}

/// OLD has no properties, NEW adds the property `name`.
fn property_added(name: &str, new_file: &str) -> [SchemaFile; 2] {
    let old = json!({"type": "object", "properties": {}, "additionalProperties": false});
    let new = json!({"type": "object", "properties": {name: {"type": "string"}},
                     "additionalProperties": false});
    [file("old.json", &old), file(new_file, &new)]
}

fn rendered(output: &DiffOutput<'_>, format: Format) -> String {
    let mut out = Vec::new();
    report::render(output, format, Color::Never, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

fn budget_files() -> [SchemaFile; 2] {
    let new = json!({"type": "object", "properties": {"x": {"type": "string"}}});
    [
        file("old.json", &diamond_chain(10, 4)),
        file("new.json", &new),
    ]
}

/// Where the budget warning points: the changed node in NEW, as `file:line:column`.
fn budget_site(files: &[SchemaFile; 2]) -> String {
    let output = DiffOutput::pair(files);
    let warning = &output.comparisons[0].report.warnings[0];
    let at = warning.new.as_ref().expect("located in NEW");
    let (line, column) = files[1].line_col(at.span.start);
    format!("new.json:{line}:{column}")
}

#[test]
fn budget_files_run_out_of_the_witness_search_budget() {
    let files = budget_files();
    let output = DiffOutput::pair(&files);
    let warnings = &output.comparisons[0].report.warnings;
    assert_eq!(warnings.len(), 1, "{warnings:#?}");
    assert_eq!(warnings[0].budget.id(), "witness-search");
}

#[test]
fn text_shows_budget_warnings_located_and_counts_them() {
    let files = budget_files();
    let text = DiffOutput::pair(&files).plain_text().unwrap();
    let line = text
        .lines()
        .find(|l| l.starts_with("warning: ") && l.contains("witness search budget ran out"))
        .unwrap_or_else(|| panic!("no budget warning in:\n{text}"));
    assert!(
        line.starts_with(&format!(
            "warning: {}: composition-changed:",
            budget_site(&files)
        )),
        "{line}"
    );
    assert!(line.contains("(at #;"), "{line}");
    assert!(text.contains(", 1 budget warning)"), "{text}");
}

#[test]
fn json_lists_budget_warnings_in_warnings() {
    let files = budget_files();
    let report = report::json::to_value(&DiffOutput::pair(&files));
    let warnings = report["warnings"].as_array().unwrap();
    let budget = warnings
        .iter()
        .find(|w| w.get("budget").is_some())
        .unwrap_or_else(|| panic!("{report:#}"));
    assert_eq!(budget["budget"], "witness-search");
    assert_eq!(budget["rule"], "composition-changed");
    assert_eq!(budget["pointer"], "");
    assert_eq!(budget["file"], "new.json");
    assert_eq!(
        format!("new.json:{}:{}", budget["line"], budget["column"]),
        budget_site(&files)
    );
    // The streamed report says the same as the tree.
    let streamed: Value =
        serde_json::from_str(&rendered(&DiffOutput::pair(&files), Format::Json)).unwrap();
    assert_eq!(streamed["warnings"], report["warnings"]);
}

#[test]
fn sarif_reports_budget_warnings_as_located_notifications() {
    let files = budget_files();
    let sarif = report::sarif::to_value(&DiffOutput::pair(&files));
    let invocation = &sarif["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], true);
    let notification = &invocation["toolExecutionNotifications"][0];
    assert_eq!(notification["level"], "warning");
    assert_eq!(notification["descriptor"]["id"], "witness-search");
    assert_eq!(notification["associatedRule"]["id"], "composition-changed");
    let location = &notification["locations"][0]["physicalLocation"];
    assert_eq!(location["artifactLocation"]["uri"], "new.json");
    assert_eq!(
        format!(
            "new.json:{}:{}",
            location["region"]["startLine"], location["region"]["startColumn"]
        ),
        budget_site(&files)
    );
    // Without warnings the run has no invocation (the shape code scanning saw before).
    let quiet = property_added("x", "new.json");
    let sarif = report::sarif::to_value(&DiffOutput::pair(&quiet));
    assert!(sarif["runs"][0].get("invocations").is_none());
}

#[test]
fn github_annotates_budget_warnings() {
    let files = budget_files();
    let out = rendered(&DiffOutput::pair(&files), Format::Github);
    let line = out
        .lines()
        .find(|l| l.starts_with("::warning ") && l.contains("witness search budget ran out"))
        .unwrap_or_else(|| panic!("{out}"));
    let site = budget_site(&files);
    let (_, line_col) = site.split_once(':').unwrap();
    let (l, c) = line_col.split_once(':').unwrap();
    assert!(
        line.starts_with(&format!("::warning file=new.json,line={l},col={c},")),
        "{line}"
    );
    assert!(
        line.contains("title=docver budget witness-search::"),
        "{line}"
    );
}

#[test]
fn markdown_lists_budget_warnings() {
    let files = budget_files();
    let out = rendered(&DiffOutput::pair(&files), Format::Markdown);
    assert!(out.contains("1 budget warning: "), "{out}");
    let item = out
        .lines()
        .find(|l| l.starts_with("- warning: "))
        .unwrap_or_else(|| panic!("{out}"));
    assert!(
        item.contains(&format!("`{}`", budget_site(&files))),
        "{item}"
    );
    assert!(item.contains("witness search budget ran out"), "{item}");
}

#[test]
fn markdown_code_spans_hold_backticks() {
    let files = property_added(HOSTILE, "new.json");
    let out = rendered(&DiffOutput::pair(&files), Format::Markdown);
    let row = out
        .lines()
        .find(|l| l.contains("property-added-to-closed-object"))
        .unwrap_or_else(|| panic!("{out}"));
    // One backtick inside: a fence of two, the line break as a space, `|` escaped for the table.
    assert!(row.contains("| ``/a`b 50%::x,<y>\\|]]>`` |"), "{row}");
    // The table still has its six cells: nothing in the name opened or closed one.
    assert_eq!(row.matches(" | ").count(), 5, "{row}");
}

#[test]
fn github_annotations_escape_hostile_names() {
    let files = property_added(HOSTILE, "dir/we,ird:name%.json");
    let out = rendered(&DiffOutput::pair(&files), Format::Github);
    let findings = DiffOutput::pair(&files).findings().count();
    // One command a line: the line break in the name did not start a new one.
    assert_eq!(out.lines().count(), findings, "{out}");
    for line in out.lines() {
        assert!(line.contains("file=dir/we%2Cird%3Aname%25.json,"), "{line}");
        let (_, message) = line[2..].split_once("::").unwrap();
        assert!(message.contains("a`b%0A50%25::x,<y>|]]>"), "{message}");
    }
}

#[test]
fn junit_escapes_hostile_names() {
    let files = property_added(HOSTILE, "new.json");
    let out = rendered(&DiffOutput::pair(&files), Format::Junit);
    assert!(out.contains("a`b&#10;50%::x,&lt;y&gt;|]]&gt;"), "{out}");
    // Nothing from the name opened an element or ended a CDATA-like run.
    assert!(!out.contains("<y>") && !out.contains("]]>"), "{out}");
    // Every line is one element (the line break is a character reference).
    assert!(
        out.lines().all(|l| l.trim_start().starts_with('<')),
        "{out}"
    );
}

#[test]
fn junit_replaces_characters_xml_cannot_hold() {
    let files = property_added("bell\u{7}", "new.json");
    let out = rendered(&DiffOutput::pair(&files), Format::Junit);
    assert!(!out.contains('\u{7}'), "{out:?}");
    assert!(out.contains("bell\u{fffd}"), "{out:?}");
}

#[test]
fn sarif_and_json_keep_hostile_names_exactly() {
    let files = property_added(HOSTILE, "new.json");
    let output = DiffOutput::pair(&files);
    let path = format!("/{HOSTILE}");
    let sarif: Value = serde_json::from_str(&rendered(&output, Format::Sarif)).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert!(!results.is_empty());
    assert!(
        results
            .iter()
            .all(|r| r["properties"]["instancePath"] == path.as_str()),
        "{sarif:#}"
    );
    let report: Value = serde_json::from_str(&rendered(&output, Format::Json)).unwrap();
    assert!(
        report["changes"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["instance_path"] == path.as_str()),
        "{report:#}"
    );
}

#[test]
fn json_tells_a_null_witness_from_no_witness() {
    // NEW drops `null`: the document `null` itself is the backward witness; forward has none.
    let files = [
        file("old.json", &json!({"type": ["string", "null"]})),
        file("new.json", &json!({"type": "string"})),
    ];
    let report = report::json::to_value(&DiffOutput::pair(&files));
    let changes = report["changes"].as_array().unwrap();
    let change = changes
        .iter()
        .find(|c| c["backward"] == "breaking")
        .unwrap_or_else(|| panic!("{report:#}"));
    assert_eq!(change["witness"]["backward"], Value::Null, "{change:#}");
    assert_eq!(change["witnessed"]["backward"], true, "{change:#}");
    assert_eq!(change["witness"]["forward"], Value::Null, "{change:#}");
    assert_eq!(change["witnessed"]["forward"], false, "{change:#}");
}
