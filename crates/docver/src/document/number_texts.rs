//! Numbers written back as they were read: `123456789012345678901234567890` stays that, not
//! `1.2345678901234568e29`, and `1e2` stays `1e2`, not `100.0`.
//!
//! Why a side table: `serde_json::Value` keeps a number as a `u64`, an `i64` or an `f64`, so an
//! integer beyond 64 bits is rounded and a number's spelling (`1e2`, `1.50`) is forgotten.
//! serde_json's `arbitrary_precision` would keep the text, but it breaks every number a serde
//! derive buffers (`#[serde(flatten)]`, internally tagged and untagged enums: serde-rs/json#721,
//! #1157), and cargo's feature unification would impose that on every crate of an app that
//! depends on docver. Versions, the lens interpreter, write-back and the stores all work on
//! `Value`, so rather than a second value type, the text of every number that `Value` would
//! write differently is read aside ([`NumberTexts::of`]), by JSON pointer, and laid back when a
//! `Value` derived from that document is written ([`NumberTexts::to_json`]).
//!
//! The rule, for what docver does not interpret (unknown fields, overlays, values a lens or a
//! migration only moves) and for what it does: a number is written with the text it was read
//! with when it still holds the value that text reads as, either at the same place or, if it
//! moved (a renamed field, a hoisted object), when that text is the only one read for that
//! value. A number an app or a conversion changed is written as `serde_json` writes it. A number
//! no `f64` can hold (`1E400`) cannot be read into a `Value` at all: the document is refused with
//! serde_json's located error ("number out of range"), never rounded to infinity or `null`.

use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};
use serde_json::value::RawValue;
use serde_json::{Number, Value};

use crate::pointer;

/// The numbers of a JSON text that [`Value`] would write differently, each with its place (a
/// JSON pointer), its text and the value it reads as. Usually empty, and then free.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NumberTexts {
    read: Vec<NumberText>,
    /// Values of the text also read spelled as `Value` writes them (kept only when `read` is
    /// not empty): a moved number of such a value may have been that one.
    plain: Vec<Number>,
}

#[derive(Debug, Clone, PartialEq)]
struct NumberText {
    pointer: String,
    text: Box<str>,
    value: Number,
}

impl NumberTexts {
    /// The numbers of `json` (a JSON text) that a [`Value`] read from it would write
    /// differently. Reads only what it recognises: a text that is not JSON gives what was found
    /// before the fault, never a panic (read the `Value` with serde_json for the error).
    #[must_use]
    pub fn of(json: &str) -> NumberTexts {
        let mut read = Vec::new();
        let mut plain = Vec::new();
        Scanner {
            json,
            at: 0,
            frames: Vec::new(),
        }
        .scan(&mut read, &mut plain);
        if read.is_empty() {
            plain = Vec::new();
        }
        NumberTexts { read, plain }
    }

    /// Whether every number of the text is written back as read without help.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.read.is_empty()
    }

    /// The text to write for `number` at `pointer` (see the module's rule), if not its own.
    #[must_use]
    pub fn text_for(&self, pointer: &str, number: &Number) -> Option<&str> {
        if let Some(same_place) = self
            .read
            .iter()
            .find(|n| n.pointer == pointer && same(&n.value, number))
        {
            return Some(&same_place.text);
        }
        // Moved: only when no two texts read as this value (`1e2` and `100.0` both read 100).
        let mut same_value = self.read.iter().filter(|n| same(&n.value, number));
        let first = same_value.next()?;
        if self.plain.iter().any(|p| same(p, number)) {
            return None;
        }
        same_value
            .all(|n| n.text == first.text)
            .then_some(&*first.text)
    }

    /// `value` (read from the text these were read from, then migrated, merged or edited) as
    /// JSON text, its numbers written as read where the module's rule says so.
    #[must_use]
    pub fn to_json(&self, value: &Value) -> String {
        // Writing a `Value` to a `String` fails only for a map with non-string keys, which a
        // `Value` cannot hold.
        serde_json::to_string(&self.keeping(value)).unwrap_or_else(|_| value.to_string())
    }

    /// `value` as a [`Serialize`] that writes its numbers as read (for `serde_json::to_writer`
    /// or an enclosing document); through a serializer other than serde_json's, the kept
    /// numbers are written as that serializer writes a `RawValue`.
    #[must_use]
    pub fn keeping<'a>(&'a self, value: &'a Value) -> impl Serialize + 'a {
        Keeping {
            value,
            pointer: String::new(),
            texts: self,
        }
    }

    /// [`keeping`](Self::keeping) for `value`, the field `key` of the top-level object (a
    /// writer that lays out the document's fields itself).
    #[must_use]
    pub fn keeping_field<'a>(&'a self, key: &str, value: &'a Value) -> impl Serialize + 'a {
        Keeping {
            value,
            pointer: if self.is_empty() {
                String::new()
            } else {
                pointer::push("", key)
            },
            texts: self,
        }
    }
}

struct Keeping<'a> {
    value: &'a Value,
    pointer: String,
    texts: &'a NumberTexts,
}

impl Serialize for Keeping<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.texts.is_empty() {
            return self.value.serialize(serializer);
        }
        match self.value {
            Value::Number(number) => match self.texts.text_for(&self.pointer, number) {
                Some(text) => {
                    // Read from a JSON number token, so it is one.
                    let raw: &RawValue = serde_json::from_str(text)
                        .map_err(<S::Error as serde::ser::Error>::custom)?;
                    raw.serialize(serializer)
                }
                None => number.serialize(serializer),
            },
            Value::Array(elements) => {
                let mut seq = serializer.serialize_seq(Some(elements.len()))?;
                for (index, element) in elements.iter().enumerate() {
                    seq.serialize_element(&Keeping {
                        value: element,
                        pointer: pointer::push(&self.pointer, &index.to_string()),
                        texts: self.texts,
                    })?;
                }
                seq.end()
            }
            Value::Object(fields) => {
                let mut map = serializer.serialize_map(Some(fields.len()))?;
                for (key, field) in fields {
                    map.serialize_entry(
                        key,
                        &Keeping {
                            value: field,
                            pointer: pointer::push(&self.pointer, key),
                            texts: self.texts,
                        },
                    )?;
                }
                map.end()
            }
            other => other.serialize(serializer),
        }
    }
}

/// Where the scanner is: inside an object (the key of the entry being read, once read; whether
/// its `:` was seen) or an array (the index of the element being read).
enum Frame<'a> {
    Object { key: Option<&'a str>, value: bool },
    Array { index: usize },
}

/// One pass over a JSON text, tracking the place, recording each number `Value` would write
/// differently.
struct Scanner<'a> {
    json: &'a str,
    at: usize,
    frames: Vec<Frame<'a>>,
}

impl<'a> Scanner<'a> {
    fn scan(mut self, read: &mut Vec<NumberText>, plain: &mut Vec<Number>) {
        let bytes = self.json.as_bytes();
        while let Some(&byte) = bytes.get(self.at) {
            match byte {
                b'{' => {
                    self.frames.push(Frame::Object {
                        key: None,
                        value: false,
                    });
                    self.at += 1;
                }
                b'[' => {
                    self.frames.push(Frame::Array { index: 0 });
                    self.at += 1;
                }
                b'}' | b']' => {
                    self.frames.pop();
                    self.at += 1;
                }
                b',' => {
                    match self.frames.last_mut() {
                        Some(Frame::Array { index }) => *index += 1,
                        Some(Frame::Object { key, value }) => {
                            *key = None;
                            *value = false;
                        }
                        None => {}
                    }
                    self.at += 1;
                }
                b':' => {
                    if let Some(Frame::Object { value, .. }) = self.frames.last_mut() {
                        *value = true;
                    }
                    self.at += 1;
                }
                b'"' => {
                    let Some(string) = self.string() else { return };
                    if let Some(Frame::Object { key, value: false }) = self.frames.last_mut() {
                        *key = Some(string);
                    }
                }
                b'-' | b'0'..=b'9' => {
                    let start = self.at;
                    while bytes.get(self.at).is_some_and(|b| {
                        matches!(b, b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E')
                    }) {
                        self.at += 1;
                    }
                    let token = &self.json[start..self.at];
                    match written_differently(token) {
                        Spelling::Plain => {}
                        Spelling::PlainFloat(value) => plain.push(value),
                        Spelling::Own(text, value) => read.push(NumberText {
                            pointer: self.pointer(),
                            text,
                            value,
                        }),
                    }
                }
                _ => self.at += 1,
            }
        }
    }

    /// The string starting at the current `"`, with its quotes; `None` when unterminated.
    fn string(&mut self) -> Option<&'a str> {
        let bytes = self.json.as_bytes();
        let start = self.at;
        self.at += 1;
        loop {
            match bytes.get(self.at)? {
                b'\\' => self.at += 2,
                b'"' => {
                    self.at += 1;
                    return Some(&self.json[start..self.at]);
                }
                _ => self.at += 1,
            }
        }
    }

    /// The JSON pointer of the value being read.
    fn pointer(&self) -> String {
        let mut out = String::new();
        for frame in &self.frames {
            match frame {
                Frame::Array { index } => out = pointer::push(&out, &index.to_string()),
                Frame::Object { key, .. } => {
                    // A key is a JSON string literal; unescaped only when it has escapes.
                    let quoted = key.unwrap_or("\"\"");
                    let key = match serde_json::from_str::<String>(quoted) {
                        Ok(key) => key,
                        Err(_) => quoted[1..quoted.len() - 1].to_owned(),
                    };
                    out = pointer::push(&out, &key);
                }
            }
        }
        out
    }
}

/// Whether two numbers are the same value: floats by their bits, so that `-0.0` is not `0.0`.
fn same(a: &Number, b: &Number) -> bool {
    match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) if a.is_f64() && b.is_f64() => x.to_bits() == y.to_bits(),
        _ => a == b,
    }
}

/// How a number token is spelt, compared with how a [`Value`] read from it writes it.
enum Spelling {
    /// The same, and an integer (never confused with a float read from another spelling).
    Plain,
    /// The same, and a float: a moved number of this value may have been this one.
    PlainFloat(Number),
    /// Differently: the token and the value it reads as.
    Own(Box<str>, Number),
}

/// How `token` is spelt (see [`Spelling`]); a token that is not a number reads as `Plain`.
fn written_differently(token: &str) -> Spelling {
    let digits = token.strip_prefix('-').unwrap_or(token);
    // Integers that fit 64 bits are written as read (`-0` aside, which reads as `-0.0`).
    if digits.len() <= 18 && digits.bytes().all(|b| b.is_ascii_digit()) && token != "-0" {
        return Spelling::Plain;
    }
    let Ok(value) = serde_json::from_str::<Number>(token) else {
        return Spelling::Plain;
    };
    match (value.to_string() == token, value.is_f64()) {
        (true, true) => Spelling::PlainFloat(value),
        (true, false) => Spelling::Plain,
        (false, _) => Spelling::Own(token.into(), value),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    /// The document's numbers, as tokens, in order.
    fn number_tokens(json: &str) -> Vec<String> {
        let mut tokens = Vec::new();
        let mut in_string = false;
        let mut escaped = false;
        let mut current = String::new();
        for c in json.chars() {
            if in_string {
                match (escaped, c) {
                    (true, _) => escaped = false,
                    (false, '\\') => escaped = true,
                    (false, '"') => in_string = false,
                    _ => {}
                }
                continue;
            }
            if c.is_ascii_digit() || "-+.eE".contains(c) {
                current.push(c);
                continue;
            }
            if !current.is_empty() {
                tokens.push(std::mem::take(&mut current));
            }
            in_string = c == '"';
        }
        if !current.is_empty() {
            tokens.push(current);
        }
        tokens
    }

    const FULL_OF_NUMBERS: &str = r#"{"big":123456789012345678901234567890,"neg":-123456789012345678901234567890,"e":1e2,"E":1E2,"one":1.0,"zero":-0.0,"int_zero":-0,"padded":1.50,"long":0.1000000000000000055511151231257827,"u64":18446744073709551615,"i64":-9223372036854775808,"beyond":18446744073709551616,"in":{"deep":[1e-7,{"x":2.50E+3}]},"we\"ird/~key":1e2}"#;

    #[test]
    fn a_document_full_of_numbers_is_written_back_as_read() {
        let value: Value = serde_json::from_str(FULL_OF_NUMBERS).unwrap();
        // Without help, `Value` changes them.
        assert_ne!(value.to_string(), FULL_OF_NUMBERS);
        let texts = NumberTexts::of(FULL_OF_NUMBERS);
        assert_eq!(texts.to_json(&value), FULL_OF_NUMBERS);
    }

    #[test]
    fn numbers_value_writes_as_read_need_no_entry() {
        let texts = NumberTexts::of(r#"{"a":1,"b":-2,"c":1.5,"d":1.0,"e":-0.0,"f":[0,1e-7]}"#);
        // `1e-7` is written `1e-7` by serde_json too.
        assert!(texts.is_empty(), "{texts:?}");
    }

    #[test]
    fn a_changed_number_is_written_as_serde_json_writes_it() {
        let json = r#"{"a":1e2,"b":1e2}"#;
        let mut value: Value = serde_json::from_str(json).unwrap();
        value["a"] = json!(101.0);
        assert_eq!(
            NumberTexts::of(json).to_json(&value),
            r#"{"a":101.0,"b":1e2}"#
        );
    }

    #[test]
    fn a_moved_number_keeps_its_text_unless_two_texts_read_as_its_value() {
        let json = r#"{"old":123456789012345678901234567890,"x":1e2,"y":100.0}"#;
        let texts = NumberTexts::of(json);
        let big: Value = serde_json::from_str("123456789012345678901234567890").unwrap();
        let moved = json!({"new": big, "z": 100.0});
        // `1e2` and `100.0` both read as 100: which one a moved 100 was is not known.
        assert_eq!(
            texts.to_json(&moved),
            r#"{"new":123456789012345678901234567890,"z":100.0}"#
        );
    }

    #[test]
    fn a_number_no_f64_holds_is_refused_not_rounded() {
        let error = serde_json::from_str::<Value>(r#"{"x":1E400}"#).unwrap_err();
        assert!(error.to_string().contains("number out of range"), "{error}");
        // The scanner reads past it without recording anything it cannot write back.
        assert!(NumberTexts::of(r#"{"x":1E400}"#).is_empty());
    }

    #[test]
    fn a_text_that_is_not_json_does_not_panic() {
        for text in [
            "{\"a\":1e2",
            "[1e2,",
            "\"unterminated",
            "}}]]1e2",
            "{\"a\\",
            "-",
        ] {
            let _ = NumberTexts::of(text);
        }
    }

    /// A JSON number token: integers of any length, decimals, exponents.
    fn number_token() -> impl Strategy<Value = String> {
        (
            prop::bool::ANY,
            "(0|[1-9][0-9]{0,30})",
            prop::option::of("[0-9]{1,20}"),
            prop::option::of(("[eE]", "[+-]?", "[0-9]{1,2}")),
        )
            .prop_map(|(neg, int, frac, exp)| {
                let mut token = String::new();
                if neg {
                    token.push('-');
                }
                token.push_str(&int);
                if let Some(frac) = frac {
                    token.push('.');
                    token.push_str(&frac);
                }
                if let Some((e, sign, digits)) = exp {
                    token.push_str(&e);
                    token.push_str(&sign);
                    token.push_str(&digits);
                }
                token
            })
    }

    /// JSON text with numbers at every depth and hostile keys.
    fn document() -> impl Strategy<Value = String> {
        let key = prop_oneof![
            "[a-z]{1,3}",
            Just("a/b".to_owned()),
            Just("~1".to_owned()),
            Just("q\\\"".to_owned()),
            Just("\\u00e9".to_owned()),
            Just(String::new()),
        ];
        let leaf = prop_oneof![
            number_token(),
            Just("\"1e2\"".to_owned()),
            Just("true".to_owned()),
            Just("null".to_owned()),
        ];
        leaf.prop_recursive(4, 32, 5, move |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..5)
                    .prop_map(|elements| format!("[{}]", elements.join(","))),
                prop::collection::vec((key.clone(), inner), 0..5).prop_map(|entries| {
                    let mut seen = std::collections::HashSet::new();
                    let fields: Vec<String> = entries
                        .into_iter()
                        .filter(|(k, _)| seen.insert(k.clone()))
                        .map(|(k, v)| format!("\"{k}\" : {v}"))
                        .collect();
                    format!("{{ {} }}", fields.join(" , "))
                }),
            ]
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: std::env::var("DOCVER_FUZZ_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(256),
            ..ProptestConfig::default()
        })]

        /// The law: a document read into a `Value` and written with its number texts has every
        /// number token exactly as read (and reads back as the same `Value`).
        #[test]
        fn every_number_is_written_back_as_read(json in document()) {
            // Exponents like `1e99` of long integers may leave f64's range: those documents
            // are refused by serde_json, which is the rule too.
            let Ok(value) = serde_json::from_str::<Value>(&json) else { return Ok(()) };
            let written = NumberTexts::of(&json).to_json(&value);
            prop_assert_eq!(number_tokens(&written), number_tokens(&json));
            prop_assert_eq!(serde_json::from_str::<Value>(&written).unwrap(), value);
        }
    }
}
