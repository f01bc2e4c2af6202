//! Both readers that keep nested unknown fields (generated slots, and serde's derive on a
//! private fields struct) read and write back the same document byte for byte: unknown keys
//! inside an object field, inside the elements of an array field, at several depths, with
//! numbers as serde_json keeps them (`1.0`, `-0.0`).

use docver::{Versioned, versioned};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Address {
    pub street: String,
    pub geo: Option<Geo>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Geo {
    pub lat: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Phone {
    pub number: String,
}

macro_rules! card_family {
    ($name:ident, $($container:tt)*) => {
        #[versioned(schema = "card", versions = 1..=1, base = 1)]
        #[derive(Debug, Clone, PartialEq)]
        $($container)*
        pub struct $name {
            pub title: String,
            pub address: Address,
            pub phones: Vec<Phone>,
        }
    };
}

card_family!(SlotCard,);
card_family!(FieldsCard, #[serde(expecting = "a card")]);

const TEXT: &str = r#"{"schema":"card","version":1,"title":"t","address":{"street":"s","geo":{"lat":1.0,"alt":-0.0},"zip":"Z","deep":{"a":[1,{"b":null}]}},"phones":[{"number":"1","kind":"home"},{"number":"2"}],"_id":"c"}"#;

#[test]
fn slots_keep_unknown_fields_at_every_depth() {
    let card = SlotCardV1::from_json(TEXT).unwrap();
    assert_eq!(card.address.street, "s");
    assert_eq!(card.to_json(), TEXT);
    let value: SlotCardV1 = serde_json::from_str(TEXT).unwrap();
    assert_eq!(serde_json::to_string(&value).unwrap(), TEXT);
}

#[test]
fn serde_fields_keep_unknown_fields_at_every_depth() {
    let card = FieldsCardV1::from_json(TEXT).unwrap();
    assert_eq!(card.to_json(), TEXT);
    let value: FieldsCardV1 = serde_json::from_str(TEXT).unwrap();
    assert_eq!(serde_json::to_string(&value).unwrap(), TEXT);
}

#[test]
fn an_edited_nested_field_keeps_its_unknown_keys() {
    let mut card = SlotCardV1::from_json(TEXT).unwrap();
    card.address.street = "new".into();
    card.phones.reverse();
    let doc = card.to_document();
    assert_eq!(doc["address"]["zip"], "Z");
    assert_eq!(doc["address"]["geo"]["alt"].to_string(), "-0.0");
    assert_eq!(
        doc["phones"],
        serde_json::json!([{"number": "2"}, {"number": "1", "kind": "home"}])
    );
}

#[test]
fn an_error_inside_a_nested_field_names_its_path() {
    let bad = TEXT.replace(r#""number":"2""#, r#""number":2"#);
    for error in [
        AnySlotCard::from_json(&bad).unwrap_err(),
        AnyFieldsCard::from_json(&bad).unwrap_err(),
    ] {
        let message = error.to_string();
        assert!(message.contains("/phones[1]/number"), "{message}");
    }
}

/// `address` renamed `location` in v2: the unknown keys inside it (`zip`, `geo.alt`) and inside
/// each phone follow the field through the rename, both ways.
#[versioned(
    schema = "place",
    versions = 1..=2,
    base = 1,
    step(to = 2, lens(rename(from = address, to = location), rename(from = phones, to = lines)))
)]
#[derive(Debug, Clone, PartialEq)]
pub struct Place {
    #[docver(until = 2)]
    pub address: Address,
    #[docver(since = 2)]
    pub location: Address,
    #[docver(until = 2)]
    pub phones: Vec<Phone>,
    #[docver(since = 2)]
    pub lines: Vec<Phone>,
}

const PLACE_V2: &str = r#"{"schema":"place","version":2,"location":{"street":"s","geo":{"lat":1.0,"alt":3},"zip":"Z"},"lines":[{"number":"1","kind":"home"},{"number":"2"}],"_id":"p"}"#;

#[test]
fn unknown_keys_inside_a_renamed_field_follow_it() {
    let v1 = AnyPlace::from_json(PLACE_V2)
        .unwrap()
        .migrate(1)
        .unwrap()
        .doc;
    let AnyPlace::V1(v1) = v1 else {
        panic!("not v1: {v1:?}")
    };
    // The older app's document has them inside its own field, not under the newer name.
    let doc = v1.to_document();
    assert_eq!(doc["address"]["zip"], "Z", "{doc}");
    assert_eq!(doc["address"]["geo"]["alt"], 3, "{doc}");
    assert_eq!(doc["phones"][0]["kind"], "home", "{doc}");
    assert!(
        doc.get("location").is_none() && doc.get("lines").is_none(),
        "{doc}"
    );
    // Up again: the newer document as it was.
    let v2 = AnyPlace::from_json(&v1.to_json())
        .unwrap()
        .migrate(2)
        .unwrap()
        .doc;
    assert_eq!(v2.to_json(), PLACE_V2);
    // The older app's edit written back keeps them in the renamed field.
    let original: serde_json::Value = serde_json::from_str(PLACE_V2).unwrap();
    let mut parts = docver::Parts::new(Some("p".into()));
    let mut edited = v1;
    edited.address.street = "new".into();
    let written = edited.write_back(&original, &mut parts).unwrap();
    assert_eq!(
        written.to_string(),
        PLACE_V2.replace(r#""street":"s""#, r#""street":"new""#)
    );
}
