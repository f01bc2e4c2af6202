//! The three ways a generated version reads its fields agree: generated slots (fields with no
//! serde attribute beyond renames and aliases), serde's derive on a private fields struct
//! (other container attributes, here `expecting`), and serde's derive with `#[serde(flatten)]`
//! (here `bound`). The same fields, renames, aliases and defaults in all three; proptest feeds
//! them the same documents, valid and not, through `Deserialize` and through the tagged reader.

use docver::versioned;
use proptest::prelude::*;
use serde_json::Value;

fn default_score() -> f64 {
    0.5
}

macro_rules! note_family {
    ($name:ident, $any:ident, $($container:tt)*) => {
        #[versioned(schema = "note", versions = 1..=1, base = 1)]
        #[derive(Debug, Clone, PartialEq)]
        #[serde(rename_all = "camelCase" $($container)*)]
        pub struct $name {
            pub title_text: String,
            #[serde(rename = "n", alias = "count")]
            #[serde(alias = "num")]
            pub count: i64,
            pub tags: Vec<String>,
            #[serde(skip_serializing_if = "Option::is_none")]
            pub owner: Option<String>,
            #[docver(default)]
            pub done: bool,
            #[docver(default = default_score)]
            pub score: f64,
            /// A raw identifier: serde names it "type".
            pub r#type: Option<String>,
        }
    };
}

note_family!(SlotNote, AnySlotNote,);
note_family!(FieldsNote, AnyFieldsNote, , expecting = "a note");
note_family!(FlatNote, AnyFlatNote, , bound = "");

/// What a reader made of a document: the fields, the unknown fields in document order, or that
/// it refused it.
#[derive(Debug, PartialEq)]
enum Outcome {
    Read {
        fields: (
            String,
            i64,
            Vec<String>,
            Option<String>,
            bool,
            u64,
            Option<String>,
        ),
        unknown: Vec<(String, Value)>,
    },
    Refused,
}

macro_rules! outcome {
    ($result:expr) => {
        match $result {
            Ok(v) => Outcome::Read {
                fields: (
                    v.title_text,
                    v.count,
                    v.tags,
                    v.owner,
                    v.done,
                    v.score.to_bits(),
                    v.r#type,
                ),
                unknown: v.unknown.into_iter().collect(),
            },
            Err(_) => Outcome::Refused,
        }
    };
}

/// Reads `text` with each of the three readers, as `Deserialize` and through the any-version
/// reader (tag read aside), and checks that they agree; returns what they made of it.
fn read_alike(text: &str) -> Result<Outcome, TestCaseError> {
    let plain = [
        outcome!(serde_json::from_str::<SlotNoteV1>(text)),
        outcome!(serde_json::from_str::<FieldsNoteV1>(text)),
        outcome!(serde_json::from_str::<FlatNoteV1>(text)),
    ];
    // A one-version family: `into_latest` is the identity and cannot fail.
    let tagged = [
        outcome!(AnySlotNote::from_json(text).map(|a| a.into_latest().unwrap())),
        outcome!(AnyFieldsNote::from_json(text).map(|a| a.into_latest().unwrap())),
        outcome!(AnyFlatNote::from_json(text).map(|a| a.into_latest().unwrap())),
    ];
    for [slots, fields, flat] in [&plain, &tagged] {
        prop_assert_eq!(slots, fields, "{}", text);
        prop_assert_eq!(slots, flat, "{}", text);
    }
    let [slots, _, _] = plain;
    Ok(slots)
}

/// One entry of a generated document: a known key with a value of the right type or not, or
/// an unknown key.
fn entry() -> impl Strategy<Value = (String, Value)> {
    let any_value = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        "[a-z]{0,4}".prop_map(Value::from),
        prop::collection::vec("[a-z]{0,3}", 0..3).prop_map(Value::from),
    ];
    let key = prop_oneof![
        3 => Just("titleText"),
        3 => Just("n"),
        3 => Just("tags"),
        2 => Just("owner"),
        2 => Just("done"),
        2 => Just("score"),
        1 => Just("type"),
        1 => Just("title_text"),
        1 => Just("count"),
        1 => Just("num"),
        2 => Just("_id"),
        1 => Just("schema"),
        1 => Just("version"),
        1 => Just("extra"),
    ];
    (key, any_value).prop_map(|(k, v)| (k.to_owned(), v))
}

/// A document with every required field of the right type, in any order, plus unknown fields.
fn valid_document() -> impl Strategy<Value = String> {
    (
        "[a-z ]{0,8}",
        any::<i64>(),
        prop::collection::vec("[a-z]{0,3}", 0..3),
        prop::option::of(prop::option::of("[a-z]{0,3}")),
        prop::option::of(any::<bool>()),
        prop::option::of(-1e6f64..1e6),
        prop::collection::vec(("_[a-z]{1,3}", any::<i32>()), 0..3),
        any::<u64>(),
    )
        .prop_map(|(title, n, tags, owner, done, score, extra, seed)| {
            let mut entries: Vec<(String, Value)> = vec![
                ("titleText".into(), title.into()),
                ("n".into(), n.into()),
                ("tags".into(), tags.into()),
            ];
            if let Some(owner) = owner {
                entries.push(("owner".into(), owner.map_or(Value::Null, Value::from)));
            }
            if let Some(done) = done {
                entries.push(("done".into(), done.into()));
            }
            if let Some(score) = score {
                entries.push(("score".into(), score.into()));
            }
            entries.extend(extra.into_iter().map(|(k, v)| (k, Value::from(v))));
            // A deterministic shuffle, so the order of the entries varies too.
            let len = entries.len();
            for i in 0..len {
                let j = (seed.rotate_left(i as u32) as usize) % len;
                entries.swap(i, j);
            }
            text_of(&entries)
        })
}

/// JSON text of an object with these entries, duplicates and all.
fn text_of(entries: &[(String, Value)]) -> String {
    let body: Vec<String> = entries
        .iter()
        .map(|(k, v)| format!("{}:{v}", Value::from(k.as_str())))
        .collect();
    format!("{{{}}}", body.join(","))
}

proptest! {
    #[test]
    fn valid_documents_read_alike(text in valid_document()) {
        let slots = read_alike(&text)?;
        prop_assert!(matches!(slots, Outcome::Read { .. }), "{text}: {slots:?}");
    }

    #[test]
    fn any_documents_read_or_fail_alike(entries in prop::collection::vec(entry(), 0..9)) {
        read_alike(&text_of(&entries))?;
    }
}

#[test]
fn slot_errors_read_like_serde_derive() {
    let err = |text: &str| {
        (
            serde_json::from_str::<SlotNoteV1>(text)
                .unwrap_err()
                .to_string(),
            serde_json::from_str::<FieldsNoteV1>(text)
                .unwrap_err()
                .to_string(),
        )
    };
    for text in [
        r#"{"n":1,"tags":[]}"#,
        r#"{"titleText":"a","n":1,"n":2,"tags":[]}"#,
        r#"{"titleText":"a","n":"1","tags":[]}"#,
        r#"{"titleText":"a","n":1,"tags":[3]}"#,
    ] {
        let (slots, fields) = err(text);
        assert_eq!(slots, fields, "{text}");
    }
    // A document that is not an object names the struct, as serde's derive does.
    let slots = serde_json::from_str::<SlotNoteV1>("[]")
        .unwrap_err()
        .to_string();
    assert!(slots.contains("expected struct SlotNoteV1"), "{slots}");
}

#[test]
fn absent_option_and_defaults() {
    let v: SlotNoteV1 = serde_json::from_str(r#"{"titleText":"a","n":1,"tags":[]}"#).unwrap();
    assert_eq!(v.owner, None);
    assert_eq!(v.r#type, None);
    let v: SlotNoteV1 =
        serde_json::from_str(r#"{"titleText":"a","n":1,"tags":[],"type":"t"}"#).unwrap();
    assert_eq!(v.r#type.as_deref(), Some("t"));
    assert!(v.unknown.is_empty());
    assert!(!v.done);
    assert_eq!(v.score, 0.5);
}

/// `cfg_attr` may hide serde keys the slots reader does not know (here an `alias`): such a
/// version is read by serde's derive, which honours them.
#[versioned(schema = "aliased", versions = 1..=1, base = 1)]
#[derive(Debug, Clone, PartialEq)]
pub struct Aliased {
    #[cfg_attr(all(), serde(alias = "name"))]
    pub title: String,
}

#[test]
fn cfg_attr_serde_keys_are_honoured() {
    let v: AliasedV1 = serde_json::from_str(r#"{"name":"a","x":1}"#).unwrap();
    assert_eq!(v.title, "a");
    assert_eq!(v.unknown["x"], 1);
}
