//! Unknown fields at every depth: a `contact` written by a newer app (`address.zip`, an
//! unknown key in an element of `phones`, objects inside those) survives reading and writing
//! by every version, migrations down and up, and the app's edits (reordering and removing
//! phones takes each phone's unknown fields along, never a neighbour's). Proptest puts random
//! unknown fields at random depths (`DOCVER_FUZZ_CASES` raises the bounded default).

use docver::Versioned;
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use serde_json::{Map, Value, json};
use todo::contact::{AnyContact, ContactV4, ContactV5, PhoneV1};

fn v5_text() -> String {
    json!({
        "schema": "contact", "version": 5,
        "full_name": "Ada", "nickname": null, "emails": ["ada@example.org"],
        "address": {"line1": "12 St James's Square", "zip": "SW1Y", "geo": {"lat": 51.5}},
        "city": "London",
        "phones": [
            {"number": "+44 20", "kind": "home", "hours": {"from": 9}},
            {"number": "+44 21"},
            {"number": "+44 22", "kind": "work"}
        ],
        "_id": "c-1", "extra": true
    })
    .to_string()
}

#[test]
fn the_same_version_writes_back_every_nested_unknown_field() {
    let text = v5_text();
    let contact = ContactV5::from_json(&text).unwrap();
    assert_eq!(contact.to_json(), text);
    assert_eq!(serde_json::to_string(&contact).unwrap(), text);
    let doc: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(contact.to_document(), doc);
    let any = AnyContact::from_document(&doc).unwrap();
    assert_eq!(any.to_document(), doc);
}

#[test]
fn an_older_app_keeps_nested_unknown_fields_through_its_version() {
    let doc: Value = serde_json::from_str(&v5_text()).unwrap();
    let v4 = AnyContact::from_document(&doc)
        .unwrap()
        .migrate(4)
        .unwrap()
        .doc;
    let AnyContact::V4(v4) = v4 else {
        panic!("not v4: {v4:?}")
    };
    let written = v4.to_document();
    assert_eq!(written["address"]["zip"], "SW1Y", "{written}");
    assert_eq!(written["address"]["geo"], json!({"lat": 51.5}));
    assert_eq!(written["phones"][0]["kind"], "home", "{written}");
    assert_eq!(written["phones"][0]["hours"], json!({"from": 9}));
    assert_eq!(written["phones"][2]["kind"], "work");
    // Read back by the old app and upgraded again: the document the new app wrote.
    let again = ContactV4::from_document(&written).unwrap();
    let up = AnyContact::V4(again).migrate(5).unwrap().doc;
    assert_eq!(up.to_document(), doc);
}

#[test]
fn phones_reordered_or_removed_keep_their_own_unknown_fields() {
    let doc: Value = serde_json::from_str(&v5_text()).unwrap();
    let v4 = AnyContact::from_document(&doc)
        .unwrap()
        .migrate(4)
        .unwrap()
        .doc;
    let AnyContact::V4(v4) = v4 else {
        panic!("not v4")
    };
    // The old app reads the document as its version gives it, then edits it: the first phone
    // removed, the last moved first.
    let mut v4 = ContactV4::from_document(&v4.to_document()).unwrap();
    v4.phones.remove(0);
    v4.phones.rotate_right(1);
    let written = v4.to_document();
    assert_eq!(
        written["phones"],
        json!([{"num": "+44 22", "kind": "work"}, {"num": "+44 21"}])
    );
    // An edit in place keeps the phone's unknown fields.
    let mut edited = ContactV4::from_document(&v4.to_document()).unwrap();
    edited.phones[0] = PhoneV1 { num: "+1".into() };
    assert_eq!(
        edited.to_document()["phones"][0],
        json!({"num": "+1", "kind": "work"})
    );
}

#[test]
fn phones_reordered_right_after_a_migration_keep_their_own_unknown_fields() {
    // v5 → v4 renames `number` to `num` inside every phone: the unknown keys of each phone
    // are carried by that rename, so a reorder straight after it (no re-read) matches each
    // phone by its content, not by its index.
    let doc: Value = serde_json::from_str(&v5_text()).unwrap();
    let mut parts = parts();
    let (mut v4, _) = ContactV4::read(&doc, &mut parts).unwrap();
    v4.phones.reverse();
    assert_eq!(
        v4.to_document()["phones"],
        json!([
            {"num": "+44 22", "kind": "work"},
            {"num": "+44 21"},
            {"num": "+44 20", "kind": "home", "hours": {"from": 9}}
        ])
    );
    // Written back over the v5 document: each phone's unknown keys stay with it.
    let written = v4.write_back(&doc, &mut parts).unwrap();
    assert_eq!(
        written["phones"],
        json!([
            {"number": "+44 22", "kind": "work"},
            {"number": "+44 21"},
            {"number": "+44 20", "kind": "home", "hours": {"from": 9}}
        ])
    );
}

/// A v5 contact whose unknown fields, at every depth (top level, inside `address`, inside a
/// phone, inside arrays), hold numbers a `serde_json::Value` writes differently (integers
/// beyond 64 bits, `1e2`, `1E2`, `1.50`, `-0`), beside `1.0` and `-0.0`, which it keeps.
const V5_FULL_OF_NUMBERS: &str = r#"{"schema":"contact","version":5,"full_name":"Ada","nickname":null,"emails":["ada@example.org"],"address":{"line1":"12 St James's Square","zip":123456789012345678901234567890,"geo":{"lat":1e2,"alt":[1.50,-0,1.0]}},"city":"London","phones":[{"number":"+44 20","weight":1E2,"hours":{"from":-0.0}},{"number":"+44 21","rank":[-123456789012345678901234567890]}],"_id":"c-1","big":18446744073709551616,"list":[1e-1000000000000000000000,{"deep":2.50E+3}],"ratio":1e2}"#;

#[test]
fn every_number_is_written_back_as_read_by_every_version() {
    let doc: Value = serde_json::from_str(V5_FULL_OF_NUMBERS).unwrap();
    // A `Value` alone rewrites them: this is what write-back used to store.
    assert_ne!(doc.to_string(), V5_FULL_OF_NUMBERS);
    for version in 1..=5 {
        let mut parts = parts();
        let read = AnyContact::from_document(&doc)
            .unwrap()
            .migrate(version)
            .unwrap()
            .doc;
        let written = match read {
            AnyContact::V1(v) => v.write_back_json(V5_FULL_OF_NUMBERS, &mut parts),
            AnyContact::V2(v) => v.write_back_json(V5_FULL_OF_NUMBERS, &mut parts),
            AnyContact::V3(v) => v.write_back_json(V5_FULL_OF_NUMBERS, &mut parts),
            AnyContact::V4(v) => v.write_back_json(V5_FULL_OF_NUMBERS, &mut parts),
            AnyContact::V5(v) => v.write_back_json(V5_FULL_OF_NUMBERS, &mut parts),
        }
        .unwrap();
        assert_eq!(
            written, V5_FULL_OF_NUMBERS,
            "read and written back by v{version}"
        );
    }
}

#[test]
fn an_older_apps_edit_leaves_every_other_number_as_written() {
    let doc: Value = serde_json::from_str(V5_FULL_OF_NUMBERS).unwrap();
    let mut parts = parts();
    let (mut v4, _) = ContactV4::read(&doc, &mut parts).unwrap();
    v4.city = "Paris".into();
    v4.phones[1].num = "+33 1".into();
    let written = v4.write_back_json(V5_FULL_OF_NUMBERS, &mut parts).unwrap();
    let expected = V5_FULL_OF_NUMBERS
        .replace(r#""city":"London""#, r#""city":"Paris""#)
        .replace(r#""number":"+44 21""#, r#""number":"+33 1""#);
    assert_eq!(written, expected);
}

/// A JSON value with unknown fields of its own, up to `depth` objects deep.
fn unknown_value(depth: u32) -> BoxedStrategy<Value> {
    let leaf = prop_oneof![
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        "[a-z]{0,6}".prop_map(Value::from),
        Just(json!(1.0)),
        Just(json!(-0.0)),
    ];
    leaf.prop_recursive(depth, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..3).prop_map(Value::from),
            prop::collection::btree_map("x[a-z]{0,4}", inner, 0..3)
                .prop_map(|m| Value::Object(m.into_iter().collect::<Map<_, _>>())),
        ]
    })
    .boxed()
}

fn unknown_keys() -> impl Strategy<Value = Map<String, Value>> {
    prop::collection::btree_map("x[a-z]{0,4}", unknown_value(3), 0..3)
        .prop_map(|m| m.into_iter().collect())
}

/// A v5 contact with unknown fields at the top, inside `address` and inside each phone (one
/// email: v3 → v2 keeps only the first, a declared loss).
fn v5_document() -> impl Strategy<Value = Value> {
    (
        unknown_keys(),
        unknown_keys(),
        prop::collection::vec(("[0-9]{1,4}", unknown_keys()), 0..4),
    )
        .prop_map(|(top, address, phones)| {
            let mut doc = json!({
                "schema": "contact", "version": 5, "full_name": "A", "nickname": null,
                "emails": ["e"], "address": {"line1": "l"}, "city": "c", "phones": [],
            });
            doc["address"].as_object_mut().unwrap().extend(address);
            doc["phones"] = phones
                .into_iter()
                .map(|(number, extra)| {
                    let mut phone = json!({"number": number});
                    phone.as_object_mut().unwrap().extend(extra);
                    phone
                })
                .collect();
            doc.as_object_mut().unwrap().extend(top);
            doc
        })
}

fn cases() -> u32 {
    std::env::var("DOCVER_FUZZ_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(64)
}

fn seed() -> u64 {
    std::env::var("DOCVER_FUZZ_SEED")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(12)
}

#[test]
fn fuzz_nested_unknown_fields_survive_every_version() {
    let mut bytes = [0u8; 32];
    bytes[..8].copy_from_slice(&seed().to_le_bytes());
    let mut runner = TestRunner::new_with_rng(
        Config {
            cases: cases(),
            failure_persistence: None,
            ..Config::default()
        },
        TestRng::from_seed(RngAlgorithm::ChaCha, &bytes),
    );
    runner
        .run(&v5_document(), |doc| {
            let text = doc.to_string();
            let v5 = AnyContact::from_json(&text).unwrap();
            prop_assert_eq!(v5.to_json(), text.clone());
            // Down to every older version and back up: the document as it was.
            for version in 1..5 {
                let old = v5.clone().migrate(version).unwrap().doc;
                let reread = AnyContact::from_json(&old.to_json()).unwrap();
                let back = reread.migrate(5).unwrap().doc;
                prop_assert_eq!(back.to_document(), doc.clone(), "through v{}", version);
            }
            Ok(())
        })
        .unwrap();
}

fn parts() -> docver::Parts {
    docver::Parts::new(Some("c-1".into()))
}
