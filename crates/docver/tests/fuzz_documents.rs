//! Fuzzing the document readers through a derived family: `from_json`, `from_slice` and
//! `from_document` on arbitrary text and on random tagged documents never panic and agree; a
//! document that reads is written back, reads again equal, and keeps its unknown fields.
//!
//! Longer run: `DOCVER_FUZZ_CASES=100000 cargo test --release -p docver --test fuzz_documents`.

use docver::versioned;
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

/// The suite runs `default` cases from a fixed seed; `DOCVER_FUZZ_CASES` and
/// `DOCVER_FUZZ_SEED` run longer or elsewhere.
fn config(default: u32) -> Config {
    let env = |name: &str| std::env::var(name).ok().and_then(|v| v.parse::<u64>().ok());
    Config {
        cases: env("DOCVER_FUZZ_CASES").map_or(default, |n| n.min(u64::from(u32::MAX)) as u32),
        rng_seed: RngSeed::Fixed(env("DOCVER_FUZZ_SEED").unwrap_or(0xd0c5)),
        ..Config::default()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Progress {
    Open,
    Done,
}

/// A family with what readers must handle: untagged documents as the base version, a field
/// added with a default, a field changing type through a lens, an optional field.
#[versioned(
    schema = "note",
    versions = 1..=3,
    base = 1,
    step(to = 3, lens(convert(
        status,
        up = { false => Progress::Open, true => Progress::Done },
        down = { Progress::Done => true, Progress::Open => false },
    )))
)]
#[derive(Debug, Clone, PartialEq)]
pub struct Note {
    pub title: String,
    #[docver(until = 3)]
    pub status: bool,
    #[docver(since = 2, default)]
    pub tags: Vec<String>,
    #[docver(since = 3)]
    pub status: Progress,
    pub due: Option<u32>,
}

/// The members some version of `Note` declares, and the tag: everything else is unknown.
const KNOWN: [&str; 6] = ["schema", "version", "title", "status", "tags", "due"];

fn scalar() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        prop_oneof![
            Just(0i64),
            Just(1),
            Just(3),
            Just(-1),
            Just(u32::MAX as i64 + 1)
        ]
        .prop_map(|n| json!(n)),
        Just(json!(1.5)),
        prop::sample::select(vec!["", "t", "open", "done", "note", "é\"\\"]).prop_map(|s| json!(s)),
    ]
}

fn any_value() -> impl Strategy<Value = Value> {
    scalar().prop_recursive(3, 12, 3, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..3).prop_map(Value::Array),
            prop::collection::btree_map(
                prop::sample::select(vec!["version", "schema", "x", "_id"]).prop_map(str::to_owned),
                inner,
                0..3
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// A value for `key` that is right for some version most of the time, anything otherwise.
fn member(key: &'static str) -> BoxedStrategy<Value> {
    let likely: BoxedStrategy<Value> = match key {
        "schema" => prop_oneof![Just(json!("note")), Just(json!("other"))].boxed(),
        "version" => prop_oneof![(0u64..5).prop_map(|n| json!(n)), Just(json!("2"))].boxed(),
        "title" => prop::sample::select(vec!["milk", "", "é"])
            .prop_map(|s| json!(s))
            .boxed(),
        "status" => prop::sample::select(vec![
            json!(true),
            json!(false),
            json!("open"),
            json!("done"),
        ])
        .boxed(),
        "tags" => prop::collection::vec(prop::sample::select(vec!["a", "b"]), 0..3)
            .prop_map(|t| json!(t))
            .boxed(),
        "due" => prop_oneof![Just(Value::Null), (0u32..9).prop_map(|n| json!(n))].boxed(),
        "_id" => Just(json!("note:1")).boxed(),
        "_rev" => Just(json!("1-abc")).boxed(),
        _ => any_value().boxed(),
    };
    prop_oneof![4 => likely, 1 => any_value()].boxed()
}

/// A document shaped like a note of some version, with unknown members beside the known ones.
fn note_document() -> impl Strategy<Value = Value> {
    let keys = [
        "schema", "version", "title", "status", "tags", "due", "_id", "_rev", "extra", "meta",
        "Title",
    ];
    let members: Vec<_> = keys
        .iter()
        .map(|&key| prop::option::weighted(0.7, member(key)).prop_map(move |v| (key, v)))
        .collect();
    (members, Just(())).prop_map(|(members, ())| {
        let object: Map<String, Value> = members
            .into_iter()
            .filter_map(|(key, value)| value.map(|v| (key.to_owned(), v)))
            .collect();
        Value::Object(object)
    })
}

/// The laws on one input text: the three readers agree, and what reads round-trips.
fn check_readers(text: &str) -> Result<(), TestCaseError> {
    let fast = AnyNote::from_json(text);
    let bytes = AnyNote::from_slice(text.as_bytes());
    prop_assert_eq!(
        fast.as_ref().ok(),
        bytes.as_ref().ok(),
        "from_json and from_slice differ"
    );
    if let Ok(parsed) = serde_json::from_str::<Value>(text) {
        let slow = AnyNote::from_document(&parsed);
        prop_assert_eq!(
            fast.as_ref().ok(),
            slow.as_ref().ok(),
            "from_json and from_document differ"
        );
        if let Ok(note) = &fast {
            check_unknown_kept(&parsed, &note.to_document())?;
        }
    }
    if let Ok(note) = fast {
        let written = note.to_document();
        let again = AnyNote::from_document(&written);
        prop_assert_eq!(
            again.as_ref().ok(),
            Some(&note),
            "written back: {}",
            written
        );
        prop_assert_eq!(AnyNote::from_json(&note.to_json()).ok(), Some(note.clone()));
        prop_assert_eq!(again.unwrap().to_document(), written);
    }
    Ok(())
}

/// Every top-level member no version declares is written back with the same value.
fn check_unknown_kept(read: &Value, written: &Value) -> Result<(), TestCaseError> {
    for (key, value) in read.as_object().into_iter().flatten() {
        if !KNOWN.contains(&key.as_str()) {
            prop_assert_eq!(
                written.get(key),
                Some(value),
                "unknown member `{}` not kept: {}",
                key,
                written
            );
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(config(512))]

    #[test]
    fn arbitrary_text_never_panics_the_readers(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        let _ = AnyNote::from_slice(&bytes);
        check_readers(&String::from_utf8_lossy(&bytes))?;
    }

    #[test]
    fn json_shaped_text_never_panics_the_readers(
        text in r#"[\[\]{}",:0-9.\-a-z\\ ]{0,128}"#,
        tagged in any::<bool>(),
    ) {
        let text = if tagged { format!(r#"{{"schema":"note","version":2,{text}"#) } else { text };
        check_readers(&text)?;
    }

    #[test]
    fn random_notes_read_consistently_and_round_trip(doc in note_document()) {
        check_readers(&doc.to_string())?;
    }

    #[test]
    fn pretty_and_duplicated_text_reads_like_its_value(doc in note_document(), dup in any::<bool>()) {
        let mut text = serde_json::to_string_pretty(&doc).unwrap();
        if dup {
            // serde_json's Value keeps the last of duplicated members; a reader must agree.
            text.insert_str(1, r#""title": 7, "version": "x","#);
        }
        check_readers(&text)?;
    }
}
