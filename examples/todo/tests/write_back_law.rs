//! The write-back law (issue 12), for every (m, n) pair of every family in the examples (todo,
//! contact, notes): a document `d` stored at version n, read by an app at m < n as
//! `v = down(d)`, edited to `v'` and written back as `d' = write_back(v', d)`, satisfies
//!
//! 1. `down(d') == v'`;
//! 2. `d'` stays at n, and what of `d` is not derived from a changed field is kept: values,
//!    unknown fields at every depth (objects inside objects, objects inside arrays), companion
//!    documents (and their own unknown fields);
//! 3. or, when the edit cannot be carried by the declared migrations, the write-back is a
//!    `DocError::EditLost` naming the paths, and indeed `down(up(v')) != v'`.
//!
//! Cases are bounded and seeded: `DOCVER_FUZZ_CASES` / `DOCVER_FUZZ_SEED` run longer or
//! elsewhere.

use docver::{DocError, Parts, Versioned};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed, TestCaseError, TestRunner};
use serde_json::{Map, Value, json};
use todo::contact::{AnyContact, ContactV1, ContactV2, ContactV3, ContactV4, ContactV5};
use todo::notes::{AnyNote, NoteV1, NoteV2, NoteV3, NoteV4};
use todo::{AnyTodo, TodoV1, TodoV2, TodoV3, TodoV4};

/// The raw uuid of every generated document (companions are `<schema>:<uuid>`).
const ID: &str = "7c1d";

/// The suite runs `default` cases per (m, n) pair from a fixed seed; `DOCVER_FUZZ_CASES` and
/// `DOCVER_FUZZ_SEED` run longer or elsewhere.
fn config(default: u32) -> Config {
    let env = |name: &str| std::env::var(name).ok()?.parse::<u64>().ok();
    Config {
        cases: env("DOCVER_FUZZ_CASES").map_or(default, |n| n.min(u64::from(u32::MAX)) as u32),
        rng_seed: RngSeed::Fixed(env("DOCVER_FUZZ_SEED").unwrap_or(0x000b_5e12)),
        failure_persistence: None,
        ..Config::default()
    }
}

type ReadAt = fn(u32, &Value, &mut Parts) -> Result<Value, DocError>;
type WriteBackAt = fn(u32, &Value, &Value, &mut Parts) -> Result<Value, DocError>;

/// One family as the law sees it.
struct Family {
    name: &'static str,
    versions: &'static [u32],
    /// A document at a version, with every field generated and no unknown fields.
    document: fn(u32) -> BoxedStrategy<Value>,
    /// The version whose documents come with a companion (generated one version below and
    /// upgraded, so the companion is the one the split writes).
    split: Option<u32>,
    /// `d` read (migrated) at a version, as its document.
    read_at: ReadAt,
    /// The document at a version read from the first `Value` and written back over the second.
    write_back_at: WriteBackAt,
}

macro_rules! family {
    ($name:literal, $any:ident, $document:expr, $split:expr, $($v:literal => $ty:ident),+) => {{
        fn read_at(version: u32, doc: &Value, parts: &mut Parts) -> Result<Value, DocError> {
            Ok($any::from_document(doc)?.migrate_with(version, parts)?.doc.to_document())
        }
        fn write_back_at(
            version: u32,
            edited: &Value,
            original: &Value,
            parts: &mut Parts,
        ) -> Result<Value, DocError> {
            match version {
                $($v => $ty::from_document(edited)?.write_back(original, parts),)+
                _ => panic!("{} has no version {version}", $name),
            }
        }
        Family {
            name: $name,
            versions: $any::VERSIONS,
            document: $document,
            split: $split,
            read_at,
            write_back_at,
        }
    }};
}

fn text() -> impl Strategy<Value = String> {
    "[a-z ]{0,6}"
}

fn progress() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec!["open", "started", "blocked", "rejected", "completed"])
}

fn todo_document(version: u32) -> BoxedStrategy<Value> {
    (text(), any::<bool>(), progress(), any::<bool>())
        .prop_map(move |(title, done, progress, important)| match version {
            1 => json!({"schema": "todo-item", "version": 1, "title": title, "status": done}),
            2 => json!({"schema": "todo-item", "version": 2, "title": title, "status": done,
                        "important": important}),
            3 => json!({"schema": "todo-item", "version": 3, "title": title, "status": progress,
                        "important": important}),
            _ => json!({"schema": "todo-item", "version": 4, "title": title,
                        "important": important}),
        })
        .boxed()
}

fn contact_document(version: u32) -> BoxedStrategy<Value> {
    let phones = prop::collection::vec(text(), 0..3);
    let emails = prop::collection::vec(text(), 0..3);
    (
        (text(), text(), prop::option::of(text()), emails),
        (text(), text(), phones, text()),
    )
        .prop_map(
            move |((name, email, nickname, emails), (street, city, phones, note))| {
                let (num, street_key) = if version >= 5 {
                    ("number", "line1")
                } else {
                    ("num", "street")
                };
                let phones: Vec<Value> = phones.into_iter().map(|p| json!({num: p})).collect();
                let mut doc = json!({"schema": "contact", "version": version, "phones": phones});
                let fields = doc.as_object_mut().expect("an object");
                let name_key = if version >= 2 { "full_name" } else { "name" };
                fields.insert(name_key.into(), name.into());
                if version >= 2 {
                    fields.insert("nickname".into(), nickname.map_or(Value::Null, Value::from));
                }
                if version >= 3 {
                    fields.insert("emails".into(), emails.into());
                } else {
                    fields.insert("email".into(), email.into());
                }
                if version >= 4 {
                    fields.insert("address".into(), json!({street_key: street}));
                    fields.insert("city".into(), city.into());
                } else {
                    fields.insert("address".into(), json!({"street": street, "city": city}));
                }
                if version < 5 {
                    fields.insert("note".into(), note.into());
                }
                doc
            },
        )
        .boxed()
}

fn note_document(version: u32) -> BoxedStrategy<Value> {
    // Mostly one tag: a v1 edit to any other number of tags cannot reach v2 (the error branch).
    let tags = prop_oneof![
        3 => text().prop_map(|t| vec![t]),
        1 => prop::collection::vec(text(), 0..3),
    ];
    let priority = prop::sample::select(vec!["low", "normal", "high"]);
    (text(), text(), any::<bool>(), priority, tags)
        .prop_map(move |(title, body, pinned, priority, tags)| {
            let tag = tags.first().cloned().unwrap_or_default();
            match version {
                1 => json!({"schema": "note", "version": 1, "title": title, "body": body,
                            "pinned": pinned, "tags": tags}),
                2 => json!({"schema": "note", "version": 2, "title": title, "body": body,
                            "pinned": pinned, "tag": tag}),
                3 => json!({"schema": "note", "version": 3, "title": title, "content": body,
                            "priority": priority, "tag": tag}),
                _ => json!({"schema": "note", "version": 4, "title": title, "content": body,
                            "tag": tag}),
            }
        })
        .boxed()
}

fn families() -> Vec<Family> {
    vec![
        family!("todo", AnyTodo, todo_document, Some(4),
                1 => TodoV1, 2 => TodoV2, 3 => TodoV3, 4 => TodoV4),
        family!("contact", AnyContact, contact_document, None,
                1 => ContactV1, 2 => ContactV2, 3 => ContactV3, 4 => ContactV4, 5 => ContactV5),
        family!("notes", AnyNote, note_document, Some(4),
                1 => NoteV1, 2 => NoteV2, 3 => NoteV3, 4 => NoteV4),
    ]
}

/// A value an unknown field may hold: a scalar or a small object.
fn unknown_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        any::<i32>().prop_map(Value::from),
        "[a-z]{0,5}".prop_map(Value::from),
        ("[a-z]{1,3}", any::<bool>()).prop_map(|(k, b)| json!({ k: b })),
    ]
}

/// Unknown fields a newer app (or the store) added; `x_` keeps them apart from every field.
fn unknown_fields() -> impl Strategy<Value = Map<String, Value>> {
    prop::collection::btree_map("x_[a-z]{1,5}", unknown_value(), 0..3)
        .prop_map(|m| m.into_iter().collect())
}

/// Adds `key: value` to every object nested `depth` objects below the root (arrays do not
/// count as a level; the root is depth 0), returning where, as JSON pointers.
fn inject_at_depth(doc: &mut Value, depth: usize, key: &str, value: &Value) -> Vec<String> {
    fn walk(
        at: &mut Value,
        path: &str,
        level: usize,
        target: (usize, &str, &Value),
        out: &mut Vec<String>,
    ) {
        match at {
            Value::Object(map) if level == target.0 => {
                map.insert(target.1.to_owned(), target.2.clone());
                out.push(docver::pointer::push(path, target.1));
            }
            Value::Object(map) => {
                for (k, child) in map.iter_mut() {
                    walk(
                        child,
                        &docver::pointer::push(path, k),
                        level + 1,
                        target,
                        out,
                    );
                }
            }
            Value::Array(items) => {
                for (i, child) in items.iter_mut().enumerate() {
                    walk(
                        child,
                        &docver::pointer::push(path, &i.to_string()),
                        level,
                        target,
                        out,
                    );
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(doc, "", 0, (depth, key, value), &mut out);
    out
}

/// Overlays `fresh` onto `view` where the mask says, field by field: objects key by key and
/// arrays of one length element by element (so what the view holds that `fresh` lacks, such
/// as nested unknown fields, stays), anything else replaced.
fn overlay(view: &mut Value, fresh: &Value) {
    match (view, fresh) {
        (Value::Object(v), Value::Object(f)) => {
            for (k, fv) in f {
                match v.get_mut(k) {
                    Some(vv) => overlay(vv, fv),
                    None => {
                        v.insert(k.clone(), fv.clone());
                    }
                }
            }
        }
        (Value::Array(v), Value::Array(f)) if v.len() == f.len() => {
            v.iter_mut().zip(f).for_each(|(vv, fv)| overlay(vv, fv));
        }
        (v, f) => *v = f.clone(),
    }
}

/// One generated case: the stored document's fields and unknown fields, the nested unknown
/// field, the fresh values an edit takes and which fields it takes them for.
#[derive(Debug, Clone)]
struct Case {
    stored: Value,
    unknown: Map<String, Value>,
    nested: (usize, Value),
    fresh: Value,
    mask: Vec<bool>,
    added_unknown: Option<Value>,
}

fn case(
    family: &Family,
    m: u32,
    n: u32,
    depths: std::ops::RangeInclusive<usize>,
) -> impl Strategy<Value = Case> {
    let source = if family.split == Some(n) { n - 1 } else { n };
    (
        (family.document)(source),
        unknown_fields(),
        (depths, unknown_value()),
        (family.document)(m),
        prop::collection::vec(prop::bool::weighted(0.3), 8),
        prop::option::of(unknown_value()),
    )
        .prop_map(
            |(stored, unknown, nested, fresh, mask, added_unknown)| Case {
                stored,
                unknown,
                nested,
                fresh,
                mask,
                added_unknown,
            },
        )
}

/// Whether one pointer is the other or lies below it.
fn related(a: &str, b: &str) -> bool {
    let below = |x: &str, y: &str| x == y || x.starts_with(&format!("{y}/"));
    below(a, b) || below(b, a)
}

fn ensure(cond: bool, what: impl FnOnce() -> String) -> Result<(), TestCaseError> {
    if cond {
        Ok(())
    } else {
        Err(TestCaseError::fail(what()))
    }
}

/// The stored document `d` (at n, with `_id`, `_rev` and the case's unknown fields, its
/// companions carrying a `_rev` too), and where the nested unknown field went.
fn stored(family: &Family, n: u32, case: &Case) -> (Value, Parts, Vec<String>) {
    let mut doc = case.stored.clone();
    let fields = doc.as_object_mut().expect("an object");
    fields.insert("_id".into(), ID.into());
    let mut parts = Parts::new(Some(ID.into()));
    if family.split == Some(n) {
        doc = (family.read_at)(n, &doc, &mut parts).expect("the split upgrade");
        let schemas: Vec<String> = parts.docs.keys().map(str::to_owned).collect();
        for schema in schemas {
            let mut part = parts.docs[schema.as_str()].value().clone();
            part["_rev"] = json!("3-c0");
            parts.docs.insert(schema, part);
        }
    }
    let (depth, value) = &case.nested;
    let nested = if *depth == 0 {
        Vec::new()
    } else {
        inject_at_depth(&mut doc, *depth, "x_nested", value)
    };
    let fields = doc.as_object_mut().expect("an object");
    fields.extend(case.unknown.clone());
    fields.insert("_rev".into(), json!("2-b9"));
    (doc, parts, nested)
}

/// The view `v'`: `v` with the masked fields of the fresh document, and maybe an unknown field
/// the old app added.
fn edit(view: &Value, case: &Case) -> Value {
    let mut edited = view.clone();
    let fresh = case.fresh.as_object().expect("an object");
    let fields = fresh
        .iter()
        .filter(|(k, _)| !matches!(k.as_str(), "schema" | "version"));
    for ((key, value), take) in fields.zip(case.mask.iter().cycle()) {
        if *take {
            overlay(&mut edited[key.as_str()], value);
        }
    }
    if let Some(added) = &case.added_unknown {
        edited["x_added"] = added.clone();
    }
    edited
}

/// Checks the law on one case; `check_nested` also asks the nested unknown field to survive.
fn check_case(
    family: &Family,
    m: u32,
    n: u32,
    case: &Case,
    check_nested: bool,
) -> Result<(), TestCaseError> {
    let (d, parts, nested) = stored(family, n, case);
    let read = |version: u32, doc: &Value, parts: &Parts| {
        (family.read_at)(version, doc, &mut parts.clone())
    };
    let view = read(m, &d, &parts).map_err(|e| TestCaseError::fail(format!("read: {e}")))?;
    let edited = edit(&view, case);
    let mut written_parts = parts.clone();
    let written = (family.write_back_at)(m, &edited, &d, &mut written_parts);
    let fail = |what: &str| TestCaseError::fail(format!("{}: {what}", family.name));
    let d2 = match written {
        Ok(d2) => d2,
        Err(DocError::EditLost {
            paths,
            edited: e,
            stored: s,
            ..
        }) => {
            ensure(!paths.is_empty() && e == m && s == n, || {
                format!("{}: an error without paths: {paths:?}", family.name)
            })?;
            // The edit itself is beyond the migrations: up then down does not give it back.
            let mut fresh_parts = Parts::new(Some(ID.into()));
            let up =
                (family.read_at)(n, &edited, &mut fresh_parts).map_err(|e| fail(&e.to_string()))?;
            let back =
                (family.read_at)(m, &up, &mut fresh_parts).map_err(|e| fail(&e.to_string()))?;
            return ensure(back != edited, || {
                format!(
                    "{}: v{m} edit {edited} refused ({paths:?}) though it round-trips through v{n}",
                    family.name
                )
            });
        }
        Err(e) => return Err(fail(&format!("write-back failed: {e}"))),
    };
    // (1) the app reads back what it wrote.
    let reread = read(m, &d2, &written_parts).map_err(|e| fail(&format!("re-read: {e}")))?;
    ensure(reread == edited, || {
        format!(
            "{}: v{m} wrote {edited}\nbut reads back {reread}\nfrom {d2}",
            family.name
        )
    })?;
    // (2) the document stays at n, and an unedited view writes back nothing new.
    ensure(d2["version"] == json!(n), || {
        format!("{}: written at {} not {n}", family.name, d2["version"])
    })?;
    if edited == view {
        ensure(d2 == d && written_parts == parts, || {
            format!("{}: no edit, yet {d} became {d2}", family.name)
        })?;
    }
    // What changed is what the edit changed, once upgraded.
    let mut up_parts = Parts::new(Some(ID.into()));
    let before =
        (family.read_at)(n, &view, &mut up_parts.clone()).map_err(|e| fail(&e.to_string()))?;
    let after = (family.read_at)(n, &edited, &mut up_parts).map_err(|e| fail(&e.to_string()))?;
    let changed = docver::document::differences(&before, &after);
    for path in docver::document::differences(&d, &d2) {
        ensure(changed.iter().any(|c| related(c, &path)), || {
            format!(
                "{}: {path} changed, yet the edit changed only {changed:?}\n{d}\n{d2}",
                family.name
            )
        })?;
    }
    for (key, value) in &case.unknown {
        ensure(d2.get(key) == Some(value), || {
            format!("{}: unknown `{key}` lost: {d2}", family.name)
        })?;
    }
    for (schema, part) in &parts.docs {
        let kept = written_parts
            .docs
            .get(schema)
            .is_some_and(|p| p.value()["_rev"] == part.value()["_rev"]);
        ensure(kept, || {
            format!("{}: companion `{schema}` lost its `_rev`", family.name)
        })?;
    }
    if check_nested {
        for at in nested
            .iter()
            .filter(|at| !changed.iter().any(|c| at.starts_with(&format!("{c}/"))))
        {
            ensure(d2.pointer(at) == Some(&case.nested.1), || {
                format!("{}: nested unknown {at} lost: {d2}", family.name)
            })?;
        }
    }
    Ok(())
}

fn run_law(depths: std::ops::RangeInclusive<usize>, check_nested: bool) {
    for family in families() {
        for &n in family.versions {
            for &m in family.versions.iter().filter(|&&m| m < n) {
                let mut runner = TestRunner::new(config(64));
                let strategy = case(&family, m, n, depths.clone());
                if let Err(e) = runner.run(&strategy, |case| {
                    check_case(&family, m, n, &case, check_nested)
                }) {
                    panic!("{} v{m} over v{n}: {e}", family.name);
                }
            }
        }
    }
}

#[test]
fn the_law_holds_for_every_pair_with_top_level_unknown_fields() {
    run_law(0..=0, false);
}

/// Unknown fields nested in objects (`address.zip`) and in array elements (a key in one of
/// `phones`) survive an edit next to them: the generated readers keep them in the old app's
/// view, so an edit of one phone carries the others' unknown keys back.
#[test]
fn the_law_holds_for_every_pair_with_unknown_fields_at_every_depth() {
    run_law(1..=2, true);
}

// The cases of issue 12, each once by hand.

#[test]
fn a_v1_contact_edit_of_name_reaches_full_name() {
    let stored = json!({"_id": "c1", "_rev": "4-e", "schema": "contact", "version": 2,
        "full_name": "Ana Lima", "nickname": "ana", "email": "ana@x.org",
        "address": {"street": "Rua 1", "city": "Porto"}, "phones": [], "note": "", "x_crm": 7});
    let mut parts = Parts::new(Some("c1".into()));
    let (mut v1, _) = ContactV1::read(&stored, &mut parts).unwrap();
    v1.name = "Ana Lima Souza".into();
    let written = v1.write_back(&stored, &mut parts).unwrap();
    let mut expected = stored.clone();
    expected["full_name"] = json!("Ana Lima Souza");
    assert_eq!(written, expected);
    // And through every later step: over v5 the rename still lands in `full_name`.
    let v5 = json!({"_id": "c1", "schema": "contact", "version": 5, "full_name": "Ana",
        "nickname": null, "emails": ["a@x.org", "b@x.org"], "address": {"line1": "Rua 1"},
        "city": "Porto", "phones": [{"number": "123"}]});
    let (mut v1, _) = ContactV1::read(&v5, &mut parts).unwrap();
    v1.name = "Ana L.".into();
    let written = v1.write_back(&v5, &mut parts).unwrap();
    assert_eq!(written["full_name"], json!("Ana L."));
    // The second address, which a v1 app never saw, is kept.
    assert_eq!(written["emails"], json!(["a@x.org", "b@x.org"]));
}

fn note_v3() -> Value {
    json!({"_id": "n1", "_rev": "2-a", "schema": "note", "version": 3, "title": "groceries",
           "content": "milk", "priority": "low", "tag": "home", "x_color": "green"})
}

#[test]
fn a_v1_notes_edit_of_body_lands_in_v3_content() {
    let stored = note_v3();
    let mut parts = Parts::new(Some("n1".into()));
    let (mut v1, _) = NoteV1::read(&stored, &mut parts).unwrap();
    assert_eq!(v1.body, "milk");
    v1.body = "milk, eggs".into();
    let written = v1.write_back(&stored, &mut parts).unwrap();
    let mut expected = stored.clone();
    expected["content"] = json!("milk, eggs");
    // `low` is not pinned, and the v1 app did not touch `pinned`: `low` stays.
    assert_eq!(written, expected);
}

#[test]
fn a_v2_pin_over_a_stored_low_priority_runs_the_upgrade() {
    let stored = note_v3();
    let mut parts = Parts::new(Some("n1".into()));
    let (mut v2, _) = NoteV2::read(&stored, &mut parts).unwrap();
    assert!(!v2.pinned);
    v2.pinned = true;
    let written = v2.write_back(&stored, &mut parts).unwrap();
    assert_eq!(written["priority"], json!("high"));
    assert_eq!(written["version"], json!(3));
    assert_eq!(written["x_color"], json!("green"));
}

#[test]
fn a_v2_pin_over_a_v4_note_lands_in_its_companion_document() {
    let stored = json!({"_id": "n1", "_rev": "5-f", "schema": "note", "version": 4,
        "title": "groceries", "content": "milk", "tag": "home"});
    let companion = json!({"_id": "note-priority:n1", "_rev": "3-c", "schema": "note-priority",
        "version": 1, "note": "n1", "priority": "low", "x_seen": true});
    let companions = || {
        let mut parts = Parts::new(Some("n1".into()));
        parts.docs.insert("note-priority", companion.clone());
        parts
    };
    let (mut v2, _) = NoteV2::read(&stored, &mut companions()).unwrap();
    v2.pinned = true;
    let mut parts = companions();
    let written = v2.write_back(&stored, &mut parts).unwrap();
    assert_eq!(
        written, stored,
        "the main document holds nothing the edit changed"
    );
    let mut expected = companion.clone();
    expected["priority"] = json!("high");
    assert_eq!(parts.docs["note-priority"], expected);
}

#[test]
fn an_edit_the_migrations_cannot_carry_is_an_error_naming_the_field() {
    let stored = note_v3();
    let mut parts = Parts::new(Some("n1".into()));
    let (mut v1, _) = NoteV1::read(&stored, &mut parts).unwrap();
    // v2 keeps one tag: a second one has nowhere to go.
    v1.tags.push("errands".into());
    let before = parts.clone();
    let error = v1.write_back(&stored, &mut parts).unwrap_err();
    match &error {
        DocError::EditLost {
            paths,
            edited: 1,
            stored: 3,
            ..
        } => assert_eq!(paths, &["/tags"]),
        other => panic!("expected EditLost, got {other:?}"),
    }
    assert!(error.to_string().contains("`/tags`"), "{error}");
    assert_eq!(parts, before, "nothing written");
}
