//! The laws the derive promises, over generated documents: lossless steps round-trip both ways,
//! a lossy step differs only where its loss says, the chain equals step-by-step composition,
//! unknown fields survive an old version's round trip, and every document a version writes
//! validates against that version's exported schemas.

use docver::{Contract, Loss, Parts, Versioned};
use proptest::prelude::*;
use serde_json::{Map, Value, json};
use todo::{AnyTodo, Progress, TodoV1, TodoV2, TodoV3, TodoV4};

fn progress() -> impl Strategy<Value = Progress> {
    prop_oneof![
        Just(Progress::Open),
        Just(Progress::Started),
        Just(Progress::Blocked),
        Just(Progress::Rejected),
        Just(Progress::Completed),
    ]
}

/// Unknown fields a newer app (or the store) may have added.
fn unknown() -> impl Strategy<Value = Map<String, Value>> {
    prop::collection::btree_map(
        "x_[a-z]{1,6}",
        prop_oneof![
            any::<i32>().prop_map(Value::from),
            "[a-z]{0,5}".prop_map(Value::from)
        ],
        0..3,
    )
    .prop_map(|m| m.into_iter().collect())
}

fn v1() -> impl Strategy<Value = TodoV1> {
    (".{0,12}", any::<bool>(), unknown()).prop_map(|(title, status, unknown)| TodoV1 {
        title,
        status,
        unknown,
    })
}

fn v2() -> impl Strategy<Value = TodoV2> {
    (".{0,12}", any::<bool>(), any::<bool>(), unknown()).prop_map(
        |(title, status, important, unknown)| TodoV2 {
            title,
            status,
            important,
            unknown,
        },
    )
}

fn v3() -> impl Strategy<Value = TodoV3> {
    (".{0,12}", progress(), any::<bool>(), unknown()).prop_map(
        |(title, status, important, unknown)| TodoV3 {
            title,
            status,
            important,
            unknown,
        },
    )
}

fn v4() -> impl Strategy<Value = TodoV4> {
    (".{0,12}", any::<bool>(), unknown()).prop_map(|(title, important, unknown)| TodoV4 {
        title,
        important,
        unknown,
    })
}

fn parts() -> Parts {
    Parts::new(Some("3f1e".into()))
}

fn validator(version: u32, contract: Contract) -> jsonschema::Validator {
    jsonschema::validator_for(&AnyTodo::json_schema(version, contract).unwrap()).unwrap()
}

proptest! {
    #[test]
    fn lossless_steps_round_trip_both_ways(a in v1(), b in v2(), c in v3(), d in v4(), s in progress()) {
        let p = &mut parts();
        prop_assert_eq!(a.clone().upgrade(p).unwrap().downgrade(p).unwrap(), a);
        prop_assert_eq!(b.clone().downgrade(p).unwrap().upgrade(p).unwrap(), b.clone());
        // v3 ↔ v4 moves the status into its own document and back.
        prop_assert_eq!(c.clone().upgrade(p).unwrap().downgrade(p).unwrap(), c);
        let p = &mut parts();
        p.put(&todo::TodoStatusV1 { todo: "3f1e".into(), status: s, unknown: Map::new() });
        let down = d.clone().downgrade(p).unwrap();
        prop_assert_eq!(down.upgrade(p).unwrap(), d);
        // v2 → v3 → v2 is lossless too (true ↔ completed, false ↔ open).
        let p = &mut parts();
        prop_assert_eq!(b.clone().upgrade(p).unwrap().downgrade(p).unwrap(), b);
    }

    #[test]
    fn the_lossy_step_differs_only_where_its_loss_says(c in v3()) {
        let p = &mut parts();
        let back = c.clone().downgrade(p).unwrap().upgrade(p).unwrap();
        let (mut x, mut y) = (back.to_document(), c.to_document());
        for path in match TodoV3::downgrade_loss() { Loss::Lossy { paths } => paths, Loss::Lossless => vec![] } {
            for doc in [&mut x, &mut y] {
                if let Some(v) = doc.pointer_mut(&path) {
                    *v = Value::Null;
                }
            }
        }
        prop_assert_eq!(x, y);
    }

    #[test]
    fn the_chain_equals_step_by_step_composition(a in v1()) {
        let p = &mut parts();
        let stepwise = a.clone().upgrade(p).unwrap().upgrade(p).unwrap().upgrade(p).unwrap();
        let q = &mut parts();
        let chained = AnyTodo::V1(a).into_latest_with(q).unwrap();
        prop_assert_eq!(stepwise, chained);
        prop_assert_eq!(p.clone(), q.clone());
    }

    #[test]
    fn unknown_fields_survive_an_old_versions_round_trip(c in v3(), title in ".{0,8}") {
        let stored = c.to_document();
        let p = &mut parts();
        let (mut old, _) = TodoV1::read(&stored, p).unwrap();
        old.title = title.clone();
        let written = old.write_back(&stored, p).unwrap();
        let mut expected = stored.clone();
        expected["title"] = json!(title);
        prop_assert_eq!(written, expected);
    }

    #[test]
    fn written_documents_validate_against_their_exported_schemas(a in v1(), b in v2(), c in v3(), d in v4()) {
        let docs = [(1, a.to_document()), (2, b.to_document()), (3, c.to_document()), (4, d.to_document())];
        for (version, doc) in docs {
            for contract in [Contract::Reader, Contract::Writer] {
                let v = validator(version, contract);
                prop_assert!(v.is_valid(&doc), "v{} {:?}: {}", version, contract, doc);
            }
            // And every document reads back as what was written.
            prop_assert_eq!(AnyTodo::from_document(&doc).unwrap().to_document(), doc);
        }
    }
}
