//! A JSON parser that keeps the byte span of every value.
//!
//! serde_json throws positions away once a value is built; diagnostics need them for every
//! schema node, so schema files are read with this parser. It is iterative where depth could
//! grow without bound only up to [`MAX_DEPTH`]; deeper input is a located error, never a stack
//! overflow.

use std::borrow::Cow;

use crate::span::Span;

/// Nesting deeper than this is refused. Real schemas nest a few dozen levels; a limit keeps a
/// hostile 10,000-deep file from exhausting the stack.
pub const MAX_DEPTH: usize = 256;

/// A JSON value with the byte span it was read from. Strings without escapes borrow from the
/// text: a schema is mostly keys and short strings, and copying each would cost more than
/// reading it.
#[derive(Debug, Clone, PartialEq)]
pub struct Json<'t> {
    pub span: Span,
    pub value: JsonValue<'t>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum JsonValue<'t> {
    Null,
    Bool(bool),
    Number(serde_json::Number),
    String(Cow<'t, str>),
    Array(Vec<Json<'t>>),
    Object(Vec<Member<'t>>),
}

/// One `"key": value` pair of an object, in source order.
#[derive(Debug, Clone, PartialEq)]
pub struct Member<'t> {
    pub key: Cow<'t, str>,
    pub key_span: Span,
    pub value: Json<'t>,
}

/// Why a text is not JSON, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub message: String,
    pub span: Span,
}

impl<'t> Json<'t> {
    pub fn as_object(&self) -> Option<&[Member<'t>]> {
        match &self.value {
            JsonValue::Object(members) => Some(members),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            JsonValue::String(s) => Some(s),
            _ => None,
        }
    }

    /// The JSON type name, for messages ("expected an object, found an array").
    pub fn kind(&self) -> &'static str {
        match self.value {
            JsonValue::Null => "null",
            JsonValue::Bool(_) => "a boolean",
            JsonValue::Number(_) => "a number",
            JsonValue::String(_) => "a string",
            JsonValue::Array(_) => "an array",
            JsonValue::Object(_) => "an object",
        }
    }

    /// The same value without spans. Depth is bounded by the parser, so recursion is safe.
    pub fn to_value(&self) -> serde_json::Value {
        use serde_json::Value;
        match &self.value {
            JsonValue::Null => Value::Null,
            JsonValue::Bool(b) => Value::Bool(*b),
            JsonValue::Number(n) => Value::Number(n.clone()),
            JsonValue::String(s) => Value::String(s.as_ref().to_owned()),
            JsonValue::Array(items) => Value::Array(items.iter().map(Json::to_value).collect()),
            JsonValue::Object(members) => Value::Object(
                members
                    .iter()
                    .map(|m| (m.key.as_ref().to_owned(), m.value.to_value()))
                    .collect(),
            ),
        }
    }
}

/// Parses one JSON text (RFC 8259; a leading BOM is allowed). Duplicate keys are an error:
/// which one a reader keeps differs between implementations, so a schema must not rely on it.
pub fn parse(text: &str) -> Result<Json<'_>, SyntaxError> {
    let mut parser = Parser {
        bytes: text.as_bytes(),
        text,
        pos: 0,
    };
    if text.starts_with('\u{feff}') {
        parser.pos = 3;
    }
    parser.skip_whitespace();
    let value = parser.value(0)?;
    parser.skip_whitespace();
    if parser.pos < parser.bytes.len() {
        return Err(parser.error_here("trailing characters after the JSON value"));
    }
    Ok(value)
}

struct Parser<'a> {
    bytes: &'a [u8],
    text: &'a str,
    pos: usize,
}

impl<'t> Parser<'t> {
    fn error_here(&self, message: impl Into<String>) -> SyntaxError {
        // One character, not one byte: a span ending inside a character cannot be sliced.
        let end = self
            .text
            .get(self.pos..)
            .and_then(|rest| rest.chars().next())
            .map_or(self.pos, |c| self.pos + c.len_utf8());
        SyntaxError {
            message: message.into(),
            span: Span::new(self.pos, end),
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn skip_whitespace(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    fn expect_literal(
        &mut self,
        literal: &str,
        value: JsonValue<'t>,
    ) -> Result<Json<'t>, SyntaxError> {
        let start = self.pos;
        if self.bytes[self.pos..].starts_with(literal.as_bytes()) {
            self.pos += literal.len();
            Ok(Json {
                span: Span::new(start, self.pos),
                value,
            })
        } else {
            Err(self.error_here(format!("expected `{literal}`")))
        }
    }

    fn value(&mut self, depth: usize) -> Result<Json<'t>, SyntaxError> {
        match self.peek() {
            None => Err(self.error_here("unexpected end of input, expected a value")),
            Some(b'{') => self.object(depth),
            Some(b'[') => self.array(depth),
            Some(b'"') => {
                let start = self.pos;
                let s = self.string()?;
                Ok(Json {
                    span: Span::new(start, self.pos),
                    value: JsonValue::String(s),
                })
            }
            Some(b't') => self.expect_literal("true", JsonValue::Bool(true)),
            Some(b'f') => self.expect_literal("false", JsonValue::Bool(false)),
            Some(b'n') => self.expect_literal("null", JsonValue::Null),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(_) => {
                let found = self.text[self.pos..].chars().next().unwrap_or('?');
                Err(self.error_here(format!("expected a value, found `{found}`")))
            }
        }
    }

    fn enter(&self, depth: usize) -> Result<usize, SyntaxError> {
        if depth >= MAX_DEPTH {
            Err(self.error_here(format!(
                "nesting deeper than {MAX_DEPTH} levels; refusing to read further"
            )))
        } else {
            Ok(depth + 1)
        }
    }

    fn object(&mut self, depth: usize) -> Result<Json<'t>, SyntaxError> {
        let depth = self.enter(depth)?;
        let start = self.pos;
        self.pos += 1;
        let mut members: Vec<Member<'t>> = Vec::new();
        self.skip_whitespace();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(Json {
                span: Span::new(start, self.pos),
                value: JsonValue::Object(members),
            });
        }
        loop {
            self.skip_whitespace();
            if self.peek() != Some(b'"') {
                return Err(self.error_here("expected a string key"));
            }
            let key_start = self.pos;
            let key = self.string()?;
            let key_span = Span::new(key_start, self.pos);
            self.skip_whitespace();
            if self.peek() != Some(b':') {
                return Err(self.error_here("expected `:` after the key"));
            }
            self.pos += 1;
            self.skip_whitespace();
            let value = self.value(depth)?;
            members.push(Member {
                key,
                key_span,
                value,
            });
            self.skip_whitespace();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    check_duplicate_keys(&members)?;
                    return Ok(Json {
                        span: Span::new(start, self.pos),
                        value: JsonValue::Object(members),
                    });
                }
                _ => return Err(self.error_here("expected `,` or `}` in object")),
            }
        }
    }

    fn array(&mut self, depth: usize) -> Result<Json<'t>, SyntaxError> {
        let depth = self.enter(depth)?;
        let start = self.pos;
        self.pos += 1;
        let mut items = Vec::new();
        self.skip_whitespace();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(Json {
                span: Span::new(start, self.pos),
                value: JsonValue::Array(items),
            });
        }
        loop {
            self.skip_whitespace();
            items.push(self.value(depth)?);
            self.skip_whitespace();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(Json {
                        span: Span::new(start, self.pos),
                        value: JsonValue::Array(items),
                    });
                }
                _ => return Err(self.error_here("expected `,` or `]` in array")),
            }
        }
    }

    fn number(&mut self) -> Result<Json<'t>, SyntaxError> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        let digits = |p: &mut Self| {
            let from = p.pos;
            while let Some(b'0'..=b'9') = p.peek() {
                p.pos += 1;
            }
            p.pos - from
        };
        match self.peek() {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => {
                digits(self);
            }
            _ => return Err(self.error_here("expected a digit")),
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if digits(self) == 0 {
                return Err(self.error_here("expected a digit after `.`"));
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            if digits(self) == 0 {
                return Err(self.error_here("expected a digit in the exponent"));
            }
        }
        let raw = &self.text[start..self.pos];
        let span = Span::new(start, self.pos);
        let number = raw
            .parse::<serde_json::Number>()
            .ok()
            .filter(|n| n.as_f64().is_some_and(f64::is_finite))
            .ok_or_else(|| SyntaxError {
                message: format!("number `{raw}` is out of range"),
                span,
            })?;
        Ok(Json {
            span,
            value: JsonValue::Number(number),
        })
    }

    /// A string after its opening quote: borrowed from the text unless it has escapes.
    fn string(&mut self) -> Result<Cow<'t, str>, SyntaxError> {
        self.pos += 1; // opening quote
        let start = self.pos;
        while let Some(b) = self.peek() {
            if b == b'"' || b == b'\\' || b < 0x20 {
                break;
            }
            self.pos += 1;
        }
        if self.peek() == Some(b'"') {
            self.pos += 1;
            return Ok(Cow::Borrowed(&self.text[start..self.pos - 1]));
        }
        self.pos = start;
        self.escaped_string().map(Cow::Owned)
    }

    /// The rest of a string that has an escape (or is unterminated), decoded.
    fn escaped_string(&mut self) -> Result<String, SyntaxError> {
        let mut out = String::new();
        loop {
            let run_start = self.pos;
            while let Some(b) = self.peek() {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.pos += 1;
            }
            out.push_str(&self.text[run_start..self.pos]);
            match self.peek() {
                None => return Err(self.error_here("unterminated string")),
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.pos += 1;
                    let escaped = match self.peek() {
                        Some(b'"') => '"',
                        Some(b'\\') => '\\',
                        Some(b'/') => '/',
                        Some(b'b') => '\u{8}',
                        Some(b'f') => '\u{c}',
                        Some(b'n') => '\n',
                        Some(b'r') => '\r',
                        Some(b't') => '\t',
                        Some(b'u') => {
                            self.pos += 1;
                            let c = self.unicode_escape()?;
                            out.push(c);
                            continue;
                        }
                        _ => return Err(self.error_here("invalid escape sequence")),
                    };
                    self.pos += 1;
                    out.push(escaped);
                }
                Some(_) => return Err(self.error_here("control character in string")),
            }
        }
    }

    /// After `\u`: four hex digits, combining a surrogate pair when one follows.
    fn unicode_escape(&mut self) -> Result<char, SyntaxError> {
        let first = self.hex4()?;
        if (0xD800..0xDC00).contains(&first) {
            if self.bytes[self.pos..].starts_with(b"\\u") {
                self.pos += 2;
                let second = self.hex4()?;
                if (0xDC00..0xE000).contains(&second) {
                    let c = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00);
                    return char::from_u32(c).ok_or_else(|| self.error_here("invalid surrogate"));
                }
            }
            return Err(self.error_here("unpaired surrogate in \\u escape"));
        }
        char::from_u32(first).ok_or_else(|| self.error_here("unpaired surrogate in \\u escape"))
    }

    fn hex4(&mut self) -> Result<u32, SyntaxError> {
        let hex = self
            .text
            .get(self.pos..self.pos + 4)
            .filter(|h| h.bytes().all(|b| b.is_ascii_hexdigit()))
            .ok_or_else(|| self.error_here("expected four hex digits after \\u"))?;
        let value = u32::from_str_radix(hex, 16).map_err(|_| self.error_here("bad hex"))?;
        self.pos += 4;
        Ok(value)
    }
}

/// Duplicate keys are an error at the second one. Small objects (nearly all of a schema) are
/// scanned pairwise; larger ones sorted, so a hostile object with many keys stays fast.
fn check_duplicate_keys(members: &[Member<'_>]) -> Result<(), SyntaxError> {
    const SCAN: usize = 16;
    let duplicate = |m: &Member<'_>| SyntaxError {
        message: format!("duplicate key `{}`", m.key),
        span: m.key_span,
    };
    if members.len() <= SCAN {
        for (i, m) in members.iter().enumerate() {
            if members[..i].iter().any(|earlier| earlier.key == m.key) {
                return Err(duplicate(m));
            }
        }
        return Ok(());
    }
    let mut order: Vec<usize> = (0..members.len()).collect();
    // Stable: among equal keys the first in the text comes first.
    order.sort_by(|&a, &b| members[a].key.cmp(&members[b].key));
    let second = order
        .windows(2)
        .filter(|w| members[w[0]].key == members[w[1]].key)
        .map(|w| w[1])
        .min();
    match second {
        Some(i) => Err(duplicate(&members[i])),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_spans_of_nested_values() {
        let text = r#"{"a": [1, "x"], "b": null}"#;
        let json = parse(text).unwrap();
        let members = json.as_object().unwrap();
        assert_eq!(&text[members[0].key_span.range()], "\"a\"");
        assert_eq!(&text[members[0].value.span.range()], "[1, \"x\"]");
        assert_eq!(&text[members[1].value.span.range()], "null");
        assert_eq!(
            json.to_value(),
            serde_json::json!({"a": [1, "x"], "b": null})
        );
    }

    #[test]
    fn agrees_with_serde_json_on_escapes_and_numbers() {
        let text = r#"["\u00e9\ud83d\ude00\n", -1.5e3, 0, 12345678901234567890]"#;
        let ours = parse(text).unwrap().to_value();
        let theirs: serde_json::Value = serde_json::from_str(text).unwrap();
        assert_eq!(ours, theirs);
    }

    #[test]
    fn errors_say_where() {
        let err = parse("{\"a\": tru}").unwrap_err();
        assert_eq!(err.span.start, 6);
        assert!(err.message.contains("true"), "{}", err.message);
        let err = parse("{\"a\": 1,}").unwrap_err();
        assert_eq!(err.span.start, 8);
        let err = parse("{\"a\": 1, \"a\": 2}").unwrap_err();
        assert_eq!(err.message, "duplicate key `a`");
        // In a large object too, at the first key that repeats an earlier one.
        let mut keys: Vec<String> = (0..40).map(|i| format!("\"k{i}\": {i}")).collect();
        keys.push("\"k7\": 0".into());
        keys.push("\"k3\": 0".into());
        let text = format!("{{{}}}", keys.join(", "));
        let err = parse(&text).unwrap_err();
        assert_eq!(err.message, "duplicate key `k7`");
        assert_eq!(err.span.start, text.rfind("\"k7\"").unwrap());
        assert!(parse("[1] x").is_err());
        assert!(parse("\"\\ud800\"").is_err());
        assert!(parse("1e999").is_err());
    }

    #[test]
    fn refuses_deep_nesting_without_overflowing() {
        let text = "[".repeat(10_000) + &"]".repeat(10_000);
        let err = parse(&text).unwrap_err();
        assert!(err.message.contains("nesting deeper"), "{}", err.message);
        let ok = "[".repeat(MAX_DEPTH) + &"]".repeat(MAX_DEPTH);
        assert!(parse(&ok).is_ok());
    }
}
