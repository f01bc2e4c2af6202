//! The seed's todo story through the generated API: upgrades, downgrades for legacy apps,
//! an old app editing a newer document, the status split into its own document, and the
//! run-time errors.

use docver::{DocError, Loss, Parts, Versioned};
use serde_json::json;
use todo::{AnyTodo, Progress, TodoFamily, TodoStatusV1, TodoV1, TodoV2, TodoV3, TodoV4};

fn parts(id: &str) -> Parts {
    Parts::new(Some(id.to_owned()))
}

#[test]
fn an_untagged_v1_document_upgrades_to_v4_with_its_status_document() {
    let old = json!({"_id": "7f3c", "title": "buy milk", "status": true});
    let mut parts = parts("7f3c");
    let latest = AnyTodo::from_document(&old)
        .unwrap()
        .into_latest_with(&mut parts)
        .unwrap();
    assert_eq!(
        latest.to_document(),
        json!({"schema": "todo-item", "version": 4, "title": "buy milk", "important": false, "_id": "7f3c"})
    );
    assert_eq!(
        parts.docs["todo-status"],
        json!({"_id": "todo-status:7f3c", "schema": "todo-status", "version": 1, "todo": "7f3c", "status": "completed"})
    );
}

#[test]
fn a_v4_document_downgrades_to_v1_for_a_legacy_app() {
    let v4 = json!({"_id": "a1", "schema": "todo-item", "version": 4, "title": "call", "important": true});
    let mut parts = parts("a1");
    parts.put(&TodoStatusV1 {
        todo: "a1".into(),
        status: Progress::Started,
        unknown: Default::default(),
    });
    let (v1, loss) = TodoV1::read(&v4, &mut parts).unwrap();
    assert_eq!(v1.title, "call");
    assert!(!v1.status, "`started` is not done");
    // `important` is unknown to v1 and kept, so upgrading again restores it.
    assert_eq!(v1.unknown["important"], json!(true));
    assert_eq!(
        loss,
        Loss::Lossy {
            paths: vec!["/status".into()]
        }
    );
    const {
        assert!(
            TodoV4::DOWNGRADE_LOSSLESS && !TodoV3::DOWNGRADE_LOSSLESS && TodoV2::DOWNGRADE_LOSSLESS
        );
    }
}

#[test]
fn a_v2_app_edits_a_v3_document_without_losing_the_new_data() {
    let v3 = json!({"_id": "9a1b", "schema": "todo-item", "version": 3, "title": "write report",
                    "status": "blocked", "important": true, "assignee": "ana"});
    let mut parts = parts("9a1b");
    let (mut v2, _) = TodoV2::read(&v3, &mut parts).unwrap();
    assert!(!v2.status);
    v2.title = "write the report".into();
    let written = v2.write_back(&v3, &mut parts).unwrap();
    assert_eq!(
        written,
        json!({"_id": "9a1b", "schema": "todo-item", "version": 3, "title": "write the report",
               "status": "blocked", "important": true, "assignee": "ana"})
    );
    // An edit of a field whose type changed is converted, not copied.
    let (mut v2, _) = TodoV2::read(&v3, &mut parts).unwrap();
    v2.status = true;
    let written = v2.write_back(&v3, &mut parts).unwrap();
    assert_eq!(written["status"], json!("completed"));
    assert_eq!(written["version"], json!(3));
}

#[test]
fn the_json_family_migrates_document_sets() {
    use docver::{DocumentSet, Family};
    let family = TodoFamily;
    assert_eq!(family.versions(), &[1, 2, 3, 4]);
    assert_eq!(family.part_schemas(4), vec!["todo-status".to_owned()]);
    assert!(family.part_schemas(3).is_empty());
    let set = DocumentSet::single(Some("u1".into()), json!({"title": "t", "status": false}));
    let migrated = family.migrate(set, 4).unwrap();
    assert_eq!(migrated.docs.parts["todo-status"]["status"], json!("open"));
    let back = family.migrate(migrated.docs, 1).unwrap();
    assert_eq!(
        back.docs.main,
        json!({"schema": "todo-item", "version": 1, "title": "t", "status": false})
    );
    assert!(back.docs.parts.is_empty());
}

#[test]
fn run_time_errors_are_typed_and_name_the_document() {
    let newer = json!({"_id": "n1", "schema": "todo-item", "version": 9, "title": "x"});
    match AnyTodo::from_document(&newer) {
        Err(DocError::UnknownVersion {
            id, found, known, ..
        }) => {
            assert_eq!(
                (id.as_deref(), found, known),
                (Some("n1"), 9, vec![1, 2, 3, 4])
            );
        }
        other => panic!("{other:?}"),
    }
    // todo-status declares no base version: an untagged document is an error.
    let untagged = json!({"_id": "s1", "todo": "x", "status": "open"});
    assert!(matches!(
        TodoStatusV1::from_document(&untagged),
        Err(DocError::MissingTag { .. })
    ));
    // A document that doesn't match its tagged version names the field path.
    let bad =
        json!({"_id": "b1", "schema": "todo-item", "version": 3, "title": "x", "status": "maybe"});
    match AnyTodo::from_document(&bad) {
        Err(e @ DocError::Invalid { .. }) => {
            let text = e.to_string();
            assert!(
                text.contains("b1") && text.contains("version 3") && text.contains("/status"),
                "{text}"
            );
        }
        other => panic!("{other:?}"),
    }
    // A failing user migration: the v4 → v3 join needs the status document.
    let v4 =
        json!({"_id": "m1", "schema": "todo-item", "version": 4, "title": "x", "important": false});
    match TodoV3::read(&v4, &mut parts("m1")) {
        Err(e @ DocError::Migration { .. }) => {
            let text = e.to_string();
            assert!(
                text.contains("m1")
                    && text.contains("from version 4 to 3")
                    && text.contains("todo-status"),
                "{text}"
            );
        }
        other => panic!("{other:?}"),
    }
    // Another type's document is refused.
    let other = json!({"schema": "shopping-list", "version": 1});
    assert!(matches!(
        AnyTodo::from_document(&other),
        Err(DocError::WrongSchema { .. })
    ));
}

#[test]
fn versioned_ids_and_raw_uuid_references() {
    let id = docver::VersionedId::new(TodoV2::SCHEMA_NAME, TodoV2::VERSION, "7f3c");
    assert_eq!(id.to_string(), "todo-item@2:7f3c");
    let mut parts = parts("7f3c");
    AnyTodo::from_document(&json!({"title": "t", "status": true}))
        .unwrap()
        .into_latest_with(&mut parts)
        .unwrap();
    // The status document refers to the raw uuid, never the versioned id.
    assert_eq!(parts.docs["todo-status"]["todo"], json!("7f3c"));
}
