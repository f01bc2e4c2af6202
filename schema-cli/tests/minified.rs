//! Text reports on minified schemas: a source line of a one-line file is cut around its label
//! (with `…`), so the report stays near the size of the JSON report instead of printing the
//! file once per finding.

use std::path::Path;

use docver_cli::input::SchemaFile;
use docver_cli::report::DiffOutput;
use docver_cli::report::excerpt::MAX_LINE_CHARS;

fn load(relative: &str) -> SchemaFile {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join(relative)).unwrap();
    SchemaFile::from_text(Path::new(relative), text).unwrap()
}

#[test]
fn one_line_schema_text_report_is_cut_around_labels() {
    let files = [
        load("tests/data/minified/old.json"),
        load("tests/data/minified/new.json"),
    ];
    let output = DiffOutput::pair(&files);
    let text = output.plain_text().unwrap();
    insta::assert_snapshot!(text);
    // Each source line shown (`1 │ …`) is at most the limit and two ellipses.
    let source_lines = text.lines().filter_map(|l| {
        let (gutter, source) = l.split_once(" │ ")?;
        gutter.trim().parse::<usize>().ok().map(|_| source)
    });
    let mut shown = 0;
    for source in source_lines {
        shown += 1;
        assert!(
            source.chars().count() <= MAX_LINE_CHARS + 2,
            "long line in the report: {source}"
        );
    }
    assert_eq!(shown, 6, "two labelled lines per finding:\n{text}");
}

/// The measure: the text report of a minified pair is at most a few times the size
/// of the JSON report (it was the file's size times the findings).
#[test]
fn text_report_of_a_large_minified_pair_stays_near_the_json_report() {
    let property = |i: usize, kind: &str| format!("\"p{i}\":{{\"type\":\"{kind}\"}}");
    let old: Vec<String> = (0..3000).map(|i| property(i, "string")).collect();
    let mut new = old.clone();
    for i in (0..3000).step_by(100) {
        new[i] = property(i, "integer");
    }
    let schema = |props: &[String]| {
        format!(
            "{{\"type\":\"object\",\"properties\":{{{}}}}}",
            props.join(",")
        )
    };
    let files = [
        SchemaFile::from_text(Path::new("old.json"), schema(&old)).unwrap(),
        SchemaFile::from_text(Path::new("new.json"), schema(&new)).unwrap(),
    ];
    let output = DiffOutput::pair(&files);
    assert_eq!(output.comparisons[0].report.findings.len(), 30);
    let text = output.plain_text().unwrap();
    let json = serde_json::to_string(&docver_cli::report::json::to_value(&output)).unwrap();
    assert!(
        text.len() <= 3 * json.len(),
        "text report {} bytes, JSON report {} bytes",
        text.len(),
        json.len()
    );
}
