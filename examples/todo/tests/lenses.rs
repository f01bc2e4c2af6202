//! Steps declared with `lens(...)`: the `contact` family (every step a lens) and the todo's
//! v2 → v3 `convert`. The generated code is checked against expected documents, the lens laws
//! (lossless steps round-trip both ways; a lossy step differs only at its declared loss), and
//! `docver::lens`, the reference interpreter, which must agree with it document for document
//! and turn each version's schema into the next one's.

use docver::{Contract, Parts, Versioned};
use proptest::prelude::*;
use serde_json::{Map, Value, json};
use todo::contact::{
    AddressV1, AddressV4, AddressV5, AnyContact, ContactV1, ContactV2, ContactV3, ContactV4,
    ContactV5, PhoneV1, PhoneV5,
};
use todo::{AnyTodo, Progress, TodoV2, TodoV3};

fn parts() -> Parts {
    Parts::new(Some("c-1".into()))
}

fn sample_v1() -> ContactV1 {
    ContactV1 {
        name: "Ada Lovelace".into(),
        email: "ada@example.org".into(),
        address: AddressV1 {
            street: "12 St James's Square".into(),
            city: "London".into(),
        },
        phones: vec![PhoneV1 {
            num: "+44 20".into(),
        }],
        note: "met at the Babbage soirée".into(),
        unknown: Map::new(),
    }
}

/// Drops the tag so documents compare on their content.
fn content(mut doc: Value) -> Value {
    if let Value::Object(map) = &mut doc {
        map.shift_remove("schema");
        map.shift_remove("version");
    }
    doc
}

#[test]
fn a_v1_contact_is_upgraded_through_every_lens_step() {
    let v5 = sample_v1()
        .upgrade(&mut parts())
        .and_then(|v2| v2.upgrade(&mut parts()))
        .and_then(|v3| v3.upgrade(&mut parts()))
        .and_then(|v4| v4.upgrade(&mut parts()))
        .expect("upgrade");
    assert_eq!(v5.full_name, "Ada Lovelace");
    assert_eq!(v5.nickname, None);
    assert_eq!(v5.emails, vec!["ada@example.org".to_owned()]);
    assert_eq!(v5.city, "London");
    assert_eq!(
        v5.address,
        AddressV5 {
            line1: "12 St James's Square".into()
        }
    );
    assert_eq!(
        v5.phones,
        vec![PhoneV5 {
            number: "+44 20".into()
        }]
    );
    // `note` is gone from v5's fields but rides along for older apps.
    assert_eq!(
        v5.unknown.get("note"),
        Some(&json!("met at the Babbage soirée"))
    );

    let back = v5
        .downgrade(&mut parts())
        .and_then(|v4| v4.downgrade(&mut parts()))
        .and_then(|v3| v3.downgrade(&mut parts()))
        .and_then(|v2| v2.downgrade(&mut parts()))
        .expect("downgrade");
    assert_eq!(back, sample_v1());
}

#[test]
fn loss_is_derived_from_the_operations() {
    // rename and add; wrap (head keeps one email); hoist; renames inside and a remove with a
    // default.
    let lossless = [
        ContactV2::DOWNGRADE_LOSSLESS,
        ContactV3::DOWNGRADE_LOSSLESS,
        ContactV4::DOWNGRADE_LOSSLESS,
        ContactV5::DOWNGRADE_LOSSLESS,
    ];
    assert_eq!(lossless, [true, false, true, true]);
    assert_eq!(ContactV2::downgrade_loss(), docver::Loss::Lossless);
    assert_eq!(
        ContactV3::downgrade_loss(),
        docver::Loss::Lossy {
            paths: vec!["/emails".into()]
        }
    );
    // The todo's `convert` has a `down` table that is not the inverse of `up`.
    assert_eq!(
        TodoV3::downgrade_loss(),
        docver::Loss::Lossy {
            paths: vec!["/status".into()]
        }
    );
}

#[test]
fn the_todo_convert_follows_its_tables() {
    let v2 = |status| TodoV2 {
        title: "t".into(),
        status,
        important: false,
        unknown: Map::new(),
    };
    let up = |status| v2(status).upgrade(&mut parts()).expect("upgrade").status;
    assert_eq!(up(false), Progress::Open);
    assert_eq!(up(true), Progress::Completed);
    for (progress, done) in [
        (Progress::Open, false),
        (Progress::Started, false),
        (Progress::Blocked, false),
        (Progress::Rejected, false),
        (Progress::Completed, true),
    ] {
        let v3 = TodoV3 {
            title: "t".into(),
            status: progress,
            important: true,
            unknown: Map::new(),
        };
        assert_eq!(v3.downgrade(&mut parts()).expect("downgrade").status, done);
    }
}

#[test]
fn a_nested_value_of_the_wrong_shape_is_refused_with_its_path() {
    let doc = json!({
        "schema": "contact", "version": 4, "_id": "c-9",
        "full_name": "x", "nickname": null, "emails": [], "city": "Paris",
        "address": {"street": "1 rue"}, "phones": [{"num": 7}], "note": ""
    });
    let error = AnyContact::from_document(&doc).expect_err("a number is not a phone number string");
    let message = error.to_string();
    assert!(
        message.contains("/phones[0]/num") && message.contains("c-9"),
        "{message}"
    );
}

fn text() -> impl Strategy<Value = String> {
    "[a-z ]{0,8}"
}

fn unknown() -> impl Strategy<Value = Map<String, Value>> {
    prop::collection::btree_map("x_[a-z]{1,5}", any::<i32>().prop_map(Value::from), 0..3)
        .prop_map(|m| m.into_iter().collect())
}

fn v1() -> impl Strategy<Value = ContactV1> {
    (
        text(),
        text(),
        (text(), text()),
        prop::collection::vec(text(), 0..3),
        text(),
        unknown(),
    )
        .prop_map(
            |(name, email, (street, city), phones, note, unknown)| ContactV1 {
                name,
                email,
                address: AddressV1 { street, city },
                phones: phones.into_iter().map(|num| PhoneV1 { num }).collect(),
                note,
                unknown,
            },
        )
}

fn v2() -> impl Strategy<Value = ContactV2> {
    (v1(), prop::option::of(text())).prop_map(|(v1, nickname)| {
        let mut v2 = v1.upgrade(&mut parts()).expect("upgrade");
        v2.nickname = nickname;
        v2
    })
}

fn v3() -> impl Strategy<Value = ContactV3> {
    (v2(), prop::collection::vec(text(), 0..4)).prop_map(|(v2, emails)| {
        let mut v3 = v2.upgrade(&mut parts()).expect("upgrade");
        v3.emails = emails;
        v3
    })
}

fn v4() -> impl Strategy<Value = ContactV4> {
    v3().prop_map(|v3| v3.upgrade(&mut parts()).expect("upgrade"))
}

fn v5() -> impl Strategy<Value = ContactV5> {
    (v4(), text(), unknown()).prop_map(|(v4, line1, extra)| {
        let mut v5 = v4.upgrade(&mut parts()).expect("upgrade");
        v5.address = AddressV5 { line1 };
        // A v5 document written by a v5 app carries no stashed `note`.
        v5.unknown.shift_remove("note");
        v5.unknown.extend(extra);
        v5
    })
}

proptest! {
    #[test]
    fn lossless_lens_steps_round_trip_both_ways(a in v1(), b in v2(), c in v3(), d in v4(), e in v5()) {
        prop_assert_eq!(a.clone().upgrade(&mut parts()).and_then(|x| x.downgrade(&mut parts())).unwrap(), a);
        prop_assert_eq!(b.clone().downgrade(&mut parts()).and_then(|x| x.upgrade(&mut parts())).unwrap(), b.clone());
        prop_assert_eq!(b.clone().upgrade(&mut parts()).and_then(|x| x.downgrade(&mut parts())).unwrap(), b);
        prop_assert_eq!(d.clone().downgrade(&mut parts()).and_then(|x| x.upgrade(&mut parts())).unwrap(), d.clone());
        prop_assert_eq!(c.clone().upgrade(&mut parts()).and_then(|x| x.downgrade(&mut parts())).unwrap(), c);
        prop_assert_eq!(e.clone().downgrade(&mut parts()).and_then(|x| x.upgrade(&mut parts())).unwrap(), e.clone());
        prop_assert_eq!(d.clone().upgrade(&mut parts()).and_then(|x| x.downgrade(&mut parts())).unwrap(), d);
    }

    #[test]
    fn the_lossy_wrap_step_differs_only_in_its_declared_loss(c in v3()) {
        let round = c.clone().downgrade(&mut parts()).and_then(|x| x.upgrade(&mut parts())).unwrap();
        // `/emails` keeps its first element (an empty list comes back as the default, `[""]`);
        // nothing else changes.
        let first = c.emails.first().cloned().unwrap_or_default();
        prop_assert_eq!(&round.emails, &vec![first]);
        let mut expected = c;
        expected.emails = round.emails.clone();
        prop_assert_eq!(round, expected);
    }

    #[test]
    fn every_contact_version_writes_what_its_schema_accepts(e in v5()) {
        let mut versions = vec![AnyContact::V5(e)];
        while let Some(last) = versions.last()
            && last.version() > 1
        {
            let older = last.clone().migrate(last.version() - 1).unwrap().doc;
            versions.push(older);
        }
        for doc in versions {
            let schema = AnyContact::json_schema(doc.version(), Contract::Writer).unwrap();
            let validator = jsonschema::validator_for(&schema).unwrap();
            let written = doc.to_document();
            prop_assert!(validator.is_valid(&written), "v{} wrote {}", doc.version(), written);
        }
    }
}

#[test]
fn untouched_tag_and_content_survive_the_any_version_reader() {
    let doc = content(AnyContact::V1(sample_v1()).to_document());
    assert_eq!(doc["name"], json!("Ada Lovelace"));
    assert_eq!(AnyTodo::VERSIONS, &[1, 2, 3, 4]);
    assert_eq!(ContactV5::VERSION, 5);
    let _ = AddressV4::default();
}

/// Every step declared with a lens, as `(reader schema of N, reader schema of N+1, lens)`.
fn lens_steps() -> Vec<(String, Value, Value, Value)> {
    let contact = |n: u32| AnyContact::json_schema(n, Contract::Reader).expect("declared");
    let todo = |n: u32| AnyTodo::json_schema(n, Contract::Reader).expect("declared");
    vec![
        (
            "contact v1 → v2".into(),
            contact(1),
            contact(2),
            ContactV2::lens(),
        ),
        (
            "contact v2 → v3".into(),
            contact(2),
            contact(3),
            ContactV3::lens(),
        ),
        (
            "contact v3 → v4".into(),
            contact(3),
            contact(4),
            ContactV4::lens(),
        ),
        (
            "contact v4 → v5".into(),
            contact(4),
            contact(5),
            ContactV5::lens(),
        ),
        ("todo v2 → v3".into(), todo(2), todo(3), TodoV3::lens()),
    ]
}

/// No findings either way, in both modes: the two schemas accept the same documents.
fn assert_same_schema(what: &str, expected: &Value, actual: &Value) {
    let (x, y) = (
        docver_check::read_schema("expected.json", &expected.to_string()).expect("a schema"),
        docver_check::read_schema("actual.json", &actual.to_string()).expect("a schema"),
    );
    for (old, new) in [(&x, &y), (&y, &x)] {
        for strict in [false, true] {
            let options = docver_check::DiffOptions {
                strict,
                ..docver_check::DiffOptions::default()
            };
            let findings: Vec<_> = docver_check::diff(old, new, &options)
                .findings
                .into_iter()
                // Doc comments differ between a field's declarations, nested types have a
                // type name per version, and the version tag is the family's, not the lens's:
                // none of them changes which documents are accepted.
                .filter(|f| {
                    !matches!(
                        f.rule.as_str(),
                        "annotation-changed" | "ref-target-changed" | "version-tag-changed"
                    )
                })
                .collect();
            assert!(
                findings.is_empty(),
                "{what}:\n{}\nvs\n{}\n{findings:#?}",
                serde_json::to_string_pretty(expected).unwrap(),
                serde_json::to_string_pretty(actual).unwrap()
            );
        }
    }
}

#[test]
fn each_version_schema_follows_from_the_previous_one_through_its_lens() {
    for (what, older, newer, lens) in lens_steps() {
        let lens = docver::lens::Lens::from_value(&lens).expect("the derive emits a valid lens");
        let up = lens
            .apply_schema(&older, docver::lens::Way::Up)
            .unwrap_or_else(|e| panic!("{what}: {e}"));
        assert_same_schema(&what, &up, &newer);
        let down = lens
            .apply_schema(&newer, docver::lens::Way::Down)
            .unwrap_or_else(|e| panic!("{what} (down): {e}"));
        assert_same_schema(&format!("{what} (down)"), &down, &older);
    }
}

/// The generated (typed) code and the reference interpreter agree on a document's content.
/// The derive also keeps removed values among the unknown fields, which the interpreter
/// (Cambria's semantics) drops: those are left out of the comparison.
fn assert_agrees(what: &str, lens: &Value, input: &Value, generated: &Value, up: bool) {
    let lens = docver::lens::Lens::from_value(lens).expect("a valid lens");
    let direction = if up {
        docver::lens::Way::Up
    } else {
        docver::lens::Way::Down
    };
    let interpreted = lens
        .applied(&content(input.clone()), direction)
        .unwrap_or_else(|e| panic!("{what}: {e}"));
    let mut generated = content(generated.clone());
    if let (Value::Object(g), Value::Object(i)) = (&mut generated, &interpreted) {
        g.retain(|k, _| i.contains_key(k));
    }
    assert_eq!(generated, interpreted, "{what}: input {input}");
}

proptest! {
    #[test]
    fn generated_steps_agree_with_the_interpreter(a in v1(), b in v2(), c in v3(), d in v4(), e in v5()) {
        let pairs: Vec<(&str, Value, AnyContact, AnyContact)> = vec![
            ("v1 → v2", ContactV2::lens(), AnyContact::V1(a.clone()), AnyContact::V2(a.upgrade(&mut parts()).unwrap())),
            ("v2 → v3", ContactV3::lens(), AnyContact::V2(b.clone()), AnyContact::V3(b.clone().upgrade(&mut parts()).unwrap())),
            ("v3 → v4", ContactV4::lens(), AnyContact::V3(c.clone()), AnyContact::V4(c.clone().upgrade(&mut parts()).unwrap())),
            ("v4 → v5", ContactV5::lens(), AnyContact::V4(d.clone()), AnyContact::V5(d.clone().upgrade(&mut parts()).unwrap())),
        ];
        for (what, lens, from, to) in pairs {
            assert_agrees(what, &lens, &from.to_document(), &to.to_document(), true);
        }
        let downs: Vec<(&str, Value, AnyContact, AnyContact)> = vec![
            ("v5 → v4", ContactV5::lens(), AnyContact::V5(e.clone()), AnyContact::V4(e.downgrade(&mut parts()).unwrap())),
            ("v4 → v3", ContactV4::lens(), AnyContact::V4(d.clone()), AnyContact::V3(d.downgrade(&mut parts()).unwrap())),
            ("v3 → v2", ContactV3::lens(), AnyContact::V3(c.clone()), AnyContact::V2(c.downgrade(&mut parts()).unwrap())),
            ("v2 → v1", ContactV2::lens(), AnyContact::V2(b.clone()), AnyContact::V1(b.downgrade(&mut parts()).unwrap())),
        ];
        for (what, lens, from, to) in downs {
            assert_agrees(what, &lens, &from.to_document(), &to.to_document(), false);
        }
    }
}
