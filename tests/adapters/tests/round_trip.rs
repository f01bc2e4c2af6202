//! Documents through the generated adapters: the todo example's steps.

use adapters_compile_test::{
    Person, Progress, edge_cases, hostile_input, mapped_types, todo_v1_v2, todo_v2_v3,
    todo_v2_v3_mapped, todo_v3_v4,
};
use serde_json::{Value, json};

#[test]
fn v1_v2_needs_no_decisions_and_round_trips() {
    let docs = [
        json!({"schema": "todo-item", "version": 1, "title": "Buy milk", "status": false}),
        json!({"schema": "todo-item", "version": 1, "title": "Call Bob", "status": true,
               "colour": "red"}),
        // `important` written by a v2 app, kept by a v1 app as an unknown field.
        json!({"schema": "todo-item", "version": 1, "title": "Pay rent", "status": false,
               "important": true}),
    ];
    for doc in docs {
        let v1: todo_v1_v2::old::TodoItem = serde_json::from_value(doc.clone()).unwrap();
        let v2 = todo_v1_v2::upgrade(v1.clone(), &());
        assert_eq!(v2.version, 2);
        let back = todo_v1_v2::downgrade(v2, &());
        assert_eq!(back, v1, "{doc}");
        assert_eq!(serde_json::to_value(&back).unwrap(), doc);
    }
}

#[test]
fn v1_v2_upgrade_fills_defaults_and_reads_kept_fields() {
    let plain: todo_v1_v2::old::TodoItem = serde_json::from_value(
        json!({"schema": "todo-item", "version": 1, "title": "Buy milk", "status": false}),
    )
    .unwrap();
    let v2 = todo_v1_v2::upgrade(plain, &());
    assert!(!v2.important);
    assert_eq!(
        serde_json::to_value(&v2).unwrap(),
        json!({"schema": "todo-item", "version": 2, "title": "Buy milk", "status": false,
               "important": false})
    );

    let kept: todo_v1_v2::old::TodoItem = serde_json::from_value(json!({
        "schema": "todo-item", "version": 1, "title": "Pay rent", "status": false,
        "important": true
    }))
    .unwrap();
    let v2 = todo_v1_v2::upgrade(kept, &());
    assert!(v2.important);
    assert!(v2.unknown.is_empty());

    // Downgrade keeps a non-default `important` for the next v2 reader.
    let v1 = todo_v1_v2::downgrade(v2, &());
    assert_eq!(v1.unknown.get("important"), Some(&Value::Bool(true)));
}

/// `status: bool` (v2) ↔ `status: Progress` (v3): `true` is `completed`.
struct DoneIsCompleted;

impl todo_v2_v3::Decisions for DoneIsCompleted {
    fn upgrade_status(&self, old: &todo_v2_v3::old::TodoItem) -> todo_v2_v3::new::Progress {
        if old.status {
            todo_v2_v3::new::Progress::Completed
        } else {
            todo_v2_v3::new::Progress::Open
        }
    }

    fn downgrade_status(&self, new: &todo_v2_v3::new::TodoItem) -> bool {
        new.status == todo_v2_v3::new::Progress::Completed
    }
}

#[test]
fn v2_v3_upgrades_and_downgrades_with_decisions() {
    let v2: todo_v2_v3::old::TodoItem = serde_json::from_value(json!({
        "schema": "todo-item", "version": 2, "title": "Ship it", "status": true,
        "important": true, "owner": "ana"
    }))
    .unwrap();
    let v3 = todo_v2_v3::upgrade(v2.clone(), &DoneIsCompleted);
    assert_eq!(
        serde_json::to_value(&v3).unwrap(),
        json!({"schema": "todo-item", "version": 3, "title": "Ship it", "important": true,
               "status": "completed", "owner": "ana"})
    );
    assert_eq!(todo_v2_v3::downgrade(v3, &DoneIsCompleted), v2);

    let v3: todo_v2_v3::new::TodoItem = serde_json::from_value(json!({
        "schema": "todo-item", "version": 3, "title": "Wait", "status": "blocked"
    }))
    .unwrap();
    assert!(!v3.important, "`important` defaults to false");
    let v2 = todo_v2_v3::downgrade(v3, &DoneIsCompleted);
    assert_eq!(
        serde_json::to_value(&v2).unwrap(),
        json!({"schema": "todo-item", "version": 2, "title": "Wait", "status": false,
               "important": false})
    );
}

/// v4 moves `status` out of the item: downgrading needs a value for it.
struct StatusUnknownIsOpen;

impl todo_v3_v4::Decisions for StatusUnknownIsOpen {
    fn downgrade_status(&self, new: &todo_v3_v4::new::TodoItem) -> todo_v3_v4::old::Progress {
        // A v3 document upgraded to v4 kept its status among the unknown fields.
        new.unknown
            .get("status")
            .and_then(|s| serde_json::from_value(s.clone()).ok())
            .unwrap_or(todo_v3_v4::old::Progress::Open)
    }
}

#[test]
fn v3_v4_keeps_the_removed_status_for_the_way_back() {
    let doc = json!({"schema": "todo-item", "version": 3, "title": "Ship it",
                     "important": false, "status": "started"});
    let v3: todo_v3_v4::old::TodoItem = serde_json::from_value(doc.clone()).unwrap();
    let v4 = todo_v3_v4::upgrade(v3.clone(), &StatusUnknownIsOpen);
    assert_eq!(v4.unknown.get("status"), Some(&json!("started")));
    let back = todo_v3_v4::downgrade(v4, &StatusUnknownIsOpen);
    assert_eq!(back, v3);
    assert_eq!(serde_json::to_value(&back).unwrap(), doc);
}

#[test]
fn generated_types_describe_themselves() {
    let schema = schemars::schema_for!(todo_v2_v3::new::TodoItem);
    let text = serde_json::to_string(&schema).unwrap();
    assert!(text.contains("completed"), "{text}");
}

/// `edge_cases`: nested, recursive and mapped shapes (`tests/adapters/schemas/edge-*.json`).
struct Narrow;

impl edge_cases::Decisions for Narrow {
    fn downgrade_cards_item_weight(&self, new: &edge_cases::new::Card) -> Option<i64> {
        new.weight.map(|w| w.round() as i64)
    }

    fn downgrade_labels(
        &self,
        new: &edge_cases::new::Board,
    ) -> Option<std::collections::BTreeMap<String, i64>> {
        new.labels.as_ref().map(|m| {
            m.iter()
                .map(|(k, v)| (k.clone(), v.round() as i64))
                .collect()
        })
    }

    fn downgrade_stage(&self, new: &edge_cases::new::Board) -> Option<edge_cases::old::Stage> {
        use edge_cases::{new::Stage as N, old::Stage as O};
        new.stage.map(|s| match s {
            N::OpenItem => O::OpenItem,
            N::ClosedItem | N::DoneItem => O::ClosedItem,
            N::ParkedItem => O::ParkedItem,
        })
    }
}

#[test]
fn edge_cases_convert_nested_shapes() {
    let doc = json!({
        "schema": "board", "version": 1, "type": "kanban", "ownerName": "ana",
        "meta": {"created": "2024-01-01T00:00:00Z", "note": "kept"},
        "cards": [{"text": "a", "weight": 2, "children": [{"text": "b", "weight": 1}]}],
        "labels": {"x": 1},
        "stage": "parked_item",
        "score": 3,
        "extra": 7,
        "legacy": "old field"
    });
    let old: edge_cases::old::Board = serde_json::from_value(doc.clone()).unwrap();
    let new = edge_cases::upgrade(old.clone(), &Narrow);
    let value = serde_json::to_value(&new).unwrap();
    assert_eq!(value["version"], json!(2));
    assert_eq!(value["type"], json!("kanban"));
    assert_eq!(value["cards"][0]["children"][0]["weight"], json!(1.0));
    assert_eq!(value["labels"]["x"], json!(1.0));
    assert_eq!(value["colour"], json!("red"));
    assert_eq!(
        value["legacy"],
        json!("old field"),
        "kept as an unknown field"
    );
    assert_eq!(value["meta"]["note"], json!("kept"));
    let back = edge_cases::downgrade(new, &Narrow);
    assert_eq!(back, old);
    assert_eq!(serde_json::to_value(&back).unwrap(), doc);
}

/// `todo_v2_v3_mapped`: v2 → v3 with `Progress` mapped to the hand-written `crate::Progress`,
/// so the decision returns that type itself.
struct DoneIsCompletedMapped;

impl todo_v2_v3_mapped::Decisions for DoneIsCompletedMapped {
    fn upgrade_status(&self, old: &todo_v2_v3_mapped::old::TodoItem) -> Progress {
        if old.status {
            Progress::Completed
        } else {
            Progress::Open
        }
    }

    fn downgrade_status(&self, new: &todo_v2_v3_mapped::new::TodoItem) -> bool {
        new.status.is_done()
    }
}

#[test]
fn mapped_progress_is_the_crate_type_and_round_trips() {
    let v2: todo_v2_v3_mapped::old::TodoItem = serde_json::from_value(json!({
        "schema": "todo-item", "version": 2, "title": "Ship it", "status": true,
        "important": true, "owner": "ana"
    }))
    .unwrap();
    let v3 = todo_v2_v3_mapped::upgrade(v2.clone(), &DoneIsCompletedMapped);
    // The generated field is `crate::Progress`: its own methods apply.
    let status: Progress = v3.status;
    assert!(status.is_done());
    assert_eq!(
        serde_json::to_value(&v3).unwrap(),
        json!({"schema": "todo-item", "version": 3, "title": "Ship it", "important": true,
               "status": "completed", "owner": "ana"})
    );
    assert_eq!(todo_v2_v3_mapped::downgrade(v3, &DoneIsCompletedMapped), v2);

    // The same JSON as the generated enum of the unmapped module.
    for doc in [
        json!({"schema": "todo-item", "version": 3, "title": "Wait", "status": "blocked"}),
        json!({"schema": "todo-item", "version": 3, "title": "Go", "status": "started",
               "important": true}),
    ] {
        let mapped: todo_v2_v3_mapped::new::TodoItem = serde_json::from_value(doc.clone()).unwrap();
        let generated: todo_v2_v3::new::TodoItem = serde_json::from_value(doc).unwrap();
        assert_eq!(
            serde_json::to_value(&mapped).unwrap(),
            serde_json::to_value(&generated).unwrap()
        );
    }
}

#[test]
fn mapped_types_move_without_decisions() {
    let doc = json!({
        "schema": "task", "version": 1, "title": "Ship it", "status": "started",
        "history": ["open", "blocked", "started"], "owner": {"name": "ana"},
        "previous": "blocked", "extra": 1
    });
    let v1: mapped_types::old::Task = serde_json::from_value(doc.clone()).unwrap();
    assert_eq!(v1.owner, Person { name: "ana".into() });
    // No decisions: `Progress` and `Person` are the same Rust types on both sides.
    let v2 = mapped_types::upgrade(v1.clone(), &());
    assert_eq!(v2.status, Progress::Started);
    assert_eq!(
        v2.previous,
        Some(Progress::Blocked),
        "read from the unknown fields"
    );
    assert_eq!(
        v2.history.as_deref(),
        Some(&[Progress::Open, Progress::Blocked, Progress::Started][..])
    );
    assert_eq!(v2.owner.name, "ana");
    let back = mapped_types::downgrade(v2, &());
    assert_eq!(back, v1);
    assert_eq!(serde_json::to_value(&back).unwrap(), doc);
}

/// `hostile_input`: properties named `self`, `crate` and `super` (fields `self_`, `crate_`,
/// `super_`) and one with a `\r` keep their JSON names, so their values are read into the
/// fields and written back, not lost or moved into the unknown fields.
#[test]
fn keyword_and_control_character_names_keep_their_values() {
    let doc = json!({
        "schema": "hostile", "version": 1, "self": "me", "crate": 7, "line\rbreak": true,
        "quote\"d */": "q"
    });
    let old: hostile_input::old::Hostile = serde_json::from_value(doc.clone()).unwrap();
    assert_eq!(old.self_, "me");
    assert_eq!(old.crate_, Some(7));
    assert!(old.line_break);
    let new = hostile_input::upgrade(old.clone(), &());
    assert_eq!(new.self_, "me");
    let value = serde_json::to_value(&new).unwrap();
    assert_eq!(value["self"], json!("me"));
    assert_eq!(value["line\rbreak"], json!(true));
    assert_eq!(value.get("self_"), None);
    let back = hostile_input::downgrade(new, &());
    assert_eq!(serde_json::to_value(&back).unwrap(), doc);
}
