//! The one way text from a schema reaches generated JavaScript: as a JSON value encoded into a
//! JavaScript literal. Nothing else from the input is ever spliced into the function's source
//! (comments included), so no family name, property name, pattern or description can end a
//! string or a comment and run as code on the server.

use serde_json::Value;

/// `value` as a JavaScript expression that evaluates to the same value, safe in any context
/// (a string literal, an object literal, an HTML `<script>` block).
///
/// JSON is not quite a subset of older JavaScript: U+2028 and U+2029 end a line there, so inside
/// a string literal they are a syntax error in engines before ES2019 (and CouchDB's may be one).
/// `<` is escaped so that `</script>` and `<!--` never appear in the text. All three can only
/// occur inside JSON strings, where their `\u` escapes mean the same character.
pub(crate) fn literal(value: &Value) -> String {
    escape_json_text(&value.to_string())
}

/// [`literal`], pretty-printed, each line after the first indented by `indent`.
pub(crate) fn pretty_literal(value: &Value, indent: &str) -> String {
    let text = serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string());
    // JSON escapes every newline inside a string, so each one here is between tokens.
    escape_json_text(&text).replace('\n', &format!("\n{indent}"))
}

/// A JavaScript string literal holding `text`.
pub(crate) fn string(text: &str) -> String {
    literal(&Value::String(text.to_owned()))
}

fn escape_json_text(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        match c {
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            '<' => out.push_str("\\u003c"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_separators_and_script_tags_are_escaped() {
        let hostile = "a\u{2028}b\u{2029}c</script><!--\n\"'`*/";
        let encoded = string(hostile);
        assert_eq!(
            encoded,
            r#""a\u2028b\u2029c\u003c/script>\u003c!--\n\"'`*/""#
        );
        // Still JSON: the escapes decode to the same text.
        assert_eq!(serde_json::from_str::<String>(&encoded).unwrap(), hostile);
    }

    #[test]
    fn pretty_literal_indents_between_tokens_only() {
        let value = serde_json::json!({"a\nb": ["x\u{2028}"]});
        let text = pretty_literal(&value, "  ");
        assert!(!text.contains('\u{2028}'));
        assert_eq!(serde_json::from_str::<Value>(&text).unwrap(), value);
        assert!(text.lines().skip(1).all(|line| line.starts_with("  ")));
    }
}
