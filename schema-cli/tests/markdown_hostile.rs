//! `--format markdown` with names that carry Markdown syntax: a backtick in a property name
//! (which rule messages quote between backticks) must not break a code span, and nothing in a
//! name may open emphasis, a link or HTML, or a new table cell.

use std::path::Path;

use docver_cli::input::SchemaFile;
use docver_cli::report::{self, Color, DiffOutput, Format};
use serde_json::json;

fn markdown(name: &str) -> String {
    let old = json!({"type": "object", "properties": {name: {"type": "string"}},
                     "required": [name]});
    let new = json!({"type": "object", "properties": {}, "required": []});
    let files = [
        SchemaFile::from_text(Path::new("old.json"), old.to_string()).unwrap(),
        SchemaFile::from_text(Path::new("new.json"), new.to_string()).unwrap(),
    ];
    let mut out = Vec::new();
    report::render(
        &DiffOutput::pair(&files),
        Format::Markdown,
        Color::Never,
        &mut out,
    )
    .unwrap();
    String::from_utf8(out).unwrap()
}

/// The last cell of the row of `rule`: the change message.
fn message_cell(out: &str, rule: &str) -> String {
    let row = out
        .lines()
        .find(|l| l.contains(&format!("`{rule}`")))
        .unwrap_or_else(|| panic!("no {rule} row in\n{out}"));
    let cells: Vec<&str> = row.split(" | ").collect();
    assert_eq!(cells.len(), 6, "a name opened or closed a cell: {row}");
    cells[5].trim_end_matches(" |").to_owned()
}

/// Every Markdown-significant character in `cell` is escaped: no backtick, `*`, `_`, `[`, `<`
/// or `|` stands alone.
fn all_escaped(cell: &str) -> bool {
    let mut escaped = false;
    for c in cell.chars() {
        if !escaped && matches!(c, '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '&') {
            return false;
        }
        escaped = !escaped && c == '\\';
    }
    true
}

#[test]
fn a_backtick_in_a_property_name_does_not_break_the_message() {
    for name in [
        "a`b",
        "``",
        "`x` **y** <b>[z](http://e)",
        "x|y_z_&amp;",
        "a\\`b",
    ] {
        let out = markdown(name);
        let cell = message_cell(&out, "property-removed-required");
        assert!(all_escaped(&cell), "{name:?}: {cell}");
        // What the escapes leave is the message as written, the name whole.
        let mut shown = String::new();
        let mut chars = cell.chars();
        while let Some(c) = chars.next() {
            shown.push(if c == '\\' { chars.next().unwrap() } else { c });
        }
        assert!(shown.contains(&format!("`{name}`")), "{name:?}: {shown}");
    }
}
