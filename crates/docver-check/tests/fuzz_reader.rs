//! Fuzzing the schema reader (`read_schema`): on arbitrary bytes, on mutated schema text and on
//! random structured schemas it never panics, finishes quickly (inputs are bounded), and every
//! error it returns points inside the text it was given.
//!
//! Longer run: `DOCVER_FUZZ_CASES=100000 cargo test --release -p docver-check --test fuzz_reader`.

mod fuzz_support;

use std::time::{Duration, Instant};

use docver_check::source::MAX_SCHEMA_DEPTH;
use docver_check::{DiffOptions, LineIndex, LoadError, diff, read_schema};
use fuzz_support::{config, schema_file};
use proptest::prelude::*;

/// Far above what a few KiB of input takes in a debug build; a hang or a blow-up exceeds it.
const TIME_LIMIT: Duration = Duration::from_secs(5);

/// Reads `text`, checking the time it took and, on error, that the error is located.
fn read_checked(text: &str) -> Result<(), TestCaseError> {
    let started = Instant::now();
    let result = read_schema("fuzz.json", text);
    let took = started.elapsed();
    prop_assert!(
        took < TIME_LIMIT,
        "reading {} bytes took {took:?}",
        text.len()
    );
    if let Err(error) = result {
        check_location(text, &error)?;
    }
    Ok(())
}

/// The span lies in the text on character boundaries, and line/column are the span's start.
fn check_location(text: &str, error: &LoadError) -> Result<(), TestCaseError> {
    let span = error.span;
    prop_assert!(
        !error.message.is_empty(),
        "an error without a message: {error:?}"
    );
    prop_assert_eq!(&error.name, "fuzz.json");
    prop_assert!(
        span.start <= span.end && span.end <= text.len(),
        "span {span:?} outside the text ({} bytes): {error}",
        text.len()
    );
    prop_assert!(
        text.is_char_boundary(span.start) && text.is_char_boundary(span.end),
        "span {span:?} splits a character: {error}"
    );
    let expected = LineIndex::new(text).line_col(text, span.start);
    prop_assert_eq!((error.line, error.column), expected, "{}", error);
    Ok(())
}

/// Found by `deep_nesting_is_an_error_or_a_schema_not_a_crash`: well-formed schemas nested
/// a little under the JSON parser's depth limit overflowed the stack of a test thread (2 MiB)
/// in a debug build, an abort rather than an error. Nesting past `MAX_SCHEMA_DEPTH` is now a
/// located error, and nesting up to it reads (and diffs) on a test thread.
#[test]
fn deep_closed_nesting_reads_without_overflowing_the_stack() {
    for (opener, closer) in [
        (r#"{"items":"#, "}"),
        (r#"{"anyOf":["#, "]}"),
        (r#"{"properties":{"a":"#, "}}"),
    ] {
        for depth in [MAX_SCHEMA_DEPTH - 1, 100, 127, 200, 250] {
            let text = format!("{}true{}", opener.repeat(depth), closer.repeat(depth));
            match read_schema("fuzz.json", &text) {
                Ok(schema) => {
                    assert!(depth < MAX_SCHEMA_DEPTH, "{depth} levels of {opener} read");
                    let report = diff(&schema, &schema, &DiffOptions::default());
                    assert!(report.findings.is_empty(), "{:#?}", report.findings);
                }
                Err(error) => {
                    assert!(
                        depth >= MAX_SCHEMA_DEPTH,
                        "{depth} levels of {opener}: {error}"
                    );
                    check_location(&text, &error).unwrap();
                    assert!(
                        error.message.contains("nested deeper")
                            || error.message.contains("nesting deeper"),
                        "{error}"
                    );
                }
            }
        }
    }
}

/// Found by `arbitrary_bytes_never_panic_the_reader`: an unexpected character that is not
/// ASCII got a one-byte span, which ends inside the character (slicing the text there panics).
#[test]
fn an_error_at_a_non_ascii_character_spans_the_whole_character() {
    for text in ["\u{FFFD}", "{\"a\": é}", "[1, \u{1F600}]"] {
        let error = read_schema("fuzz.json", text).unwrap_err();
        check_location(text, &error).unwrap();
    }
}

/// Edits that turn a valid schema text into a nearly valid one, where parsers' error paths are.
#[derive(Debug, Clone)]
enum Mutation {
    Truncate(usize),
    Insert(usize, char),
    Delete(usize),
}

fn mutate(text: &str, mutation: &Mutation) -> String {
    let at = |i: usize| {
        let mut i = i % (text.len() + 1);
        while !text.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let mut out = text.to_owned();
    match *mutation {
        Mutation::Truncate(i) => out.truncate(at(i)),
        Mutation::Insert(i, c) => out.insert(at(i), c),
        Mutation::Delete(i) => {
            let i = at(i);
            if i < out.len() {
                out.remove(i);
            }
        }
    }
    out
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let special = prop::sample::select(vec![
        '{',
        '}',
        '[',
        ']',
        '"',
        ',',
        ':',
        '\\',
        '\n',
        '0',
        '-',
        'e',
        '\u{0}',
        'é',
        '\u{1F600}',
    ]);
    prop_oneof![
        any::<usize>().prop_map(Mutation::Truncate),
        (any::<usize>(), special).prop_map(|(i, c)| Mutation::Insert(i, c)),
        any::<usize>().prop_map(Mutation::Delete),
    ]
}

proptest! {
    #![proptest_config(config(512))]

    #[test]
    fn arbitrary_bytes_never_panic_the_reader(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        read_checked(&String::from_utf8_lossy(&bytes))?;
    }

    #[test]
    fn json_shaped_text_never_panics_the_reader(text in r#"[\[\]{}",:0-9eE.+\-a-z\\ \n]{0,256}"#) {
        read_checked(&text)?;
    }

    #[test]
    fn deep_nesting_is_an_error_or_a_schema_not_a_crash(
        depth in prop_oneof![0usize..300, 0usize..4000],
        (opener, closer) in prop::sample::select(vec![
            (r#"{"items":"#, "}"),
            ("[", "]"),
            (r#"{"anyOf":["#, "]}"),
            (r#"{"properties":{"a":"#, "}}"),
            (r##"{"$defs":{"A":{"$ref":"#/$defs/A"},"B":"##, "}}"),
        ]),
        closed in any::<bool>(),
    ) {
        let mut text = opener.repeat(depth);
        if closed {
            text.push_str("true");
            text.push_str(&closer.repeat(depth));
        }
        read_checked(&text)?;
    }
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn structured_schemas_never_panic_the_reader(schema in schema_file()) {
        read_checked(&serde_json::to_string_pretty(&schema).unwrap())?;
    }

    #[test]
    fn mutated_schemas_never_panic_the_reader(
        schema in schema_file(),
        mutations in prop::collection::vec(mutation(), 1..4),
    ) {
        let text = mutations
            .iter()
            .fold(serde_json::to_string_pretty(&schema).unwrap(), |text, m| mutate(&text, m));
        read_checked(&text)?;
    }
}
