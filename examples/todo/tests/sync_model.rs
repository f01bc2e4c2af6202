//! Model-checking the multi-version strategies (per-version documents' `worker`, per-version
//! databases' `sync`) on SQLite and on a CouchDB-compatible server, for two families: the todo
//! (a converted status, a field added at v2, the v4 status split into a companion document) and
//! the contact (every step a lens: renames `name` → `full_name`, `street` → `line1`, a string
//! wrapped into an array `email` → `emails`, `city` hoisted out of `address`). Random histories
//! of app operations — create a document at any version, edit any field at any version, delete
//! it, an offline replica pushing back a stale or late-edited copy of a deleted one — with
//! several operations between syncs, so that different versions edit concurrently. After every
//! sync the history is checked against a model:
//!
//! - every version copy converges (each field a version knows says the same, through the
//!   declared migrations) and a second sync writes nothing;
//! - a field changed in one version only (or to the same value in several) is visible in every
//!   version; a field changed differently in several versions keeps the newest version's edit
//!   and the conflict is reported and logged — and no other conflict is;
//! - a delete removes every copy, an edit concurrent with it is a recorded conflict, and a
//!   deleted todo never comes back;
//! - an unknown field (`note`, edited; `keep`, never edited) survives everywhere;
//! - the counts are honest: documents written + deleted = documents whose revision changed,
//!   and nothing is left waiting or failed.
//!
//! Seeded and shrinking (proptest): by default 96 histories per strategy for the todo and 48
//! for the contact on SQLite, 12 and 6 on the server. Longer run (soak), every test with the
//! given number of histories:
//! `DOCVER_FUZZ_CASES=2000 cargo test --release -p todo --test sync_model`
//! (`DOCVER_FUZZ_SEED=<u64>` starts elsewhere).

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use docver::Family;
use docver_migrate::store::{Doc, Store, open};
use docver_migrate::strategy::conflicts::{self, ConflictRecord};
use docver_migrate::strategy::engine::Membership;
use docver_migrate::strategy::{per_version_databases, per_version_documents};
use docver_testkit::PouchServer;
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed, TestRunner};
use serde_json::{Value, json};
use todo::TodoFamily;
use todo::contact::ContactFamily;

const DOCS: usize = 2;

/// The family a history is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fam {
    Todo,
    Contact,
}

impl Fam {
    fn family(self) -> &'static dyn Family {
        match self {
            Fam::Todo => &TodoFamily,
            Fam::Contact => &ContactFamily,
        }
    }

    fn schema(self) -> &'static str {
        self.family().schema_name()
    }

    fn versions(self) -> &'static [u32] {
        match self {
            Fam::Todo => &[1, 2, 3, 4],
            Fam::Contact => &[1, 2, 3, 4, 5],
        }
    }

    fn fields(self) -> &'static [Field] {
        match self {
            Fam::Todo => &[Field::Title, Field::Note, Field::Important, Field::Status],
            Fam::Contact => &[Field::Name, Field::Email, Field::City, Field::Street],
        }
    }

    /// Whether the copy at `version` has a companion document (the todo's v4 status).
    fn has_part(self, version: u32) -> bool {
        self == Fam::Todo && version == 4
    }
}

/// The suite runs `default` cases from a fixed seed; `DOCVER_FUZZ_CASES` and
/// `DOCVER_FUZZ_SEED` run longer or elsewhere.
fn config(default: u32) -> Config {
    let env = |name: &str| std::env::var(name).ok().and_then(|v| v.parse::<u64>().ok());
    Config {
        cases: env("DOCVER_FUZZ_CASES").map_or(default, |n| n.min(u64::from(u32::MAX)) as u32),
        rng_seed: RngSeed::Fixed(env("DOCVER_FUZZ_SEED").unwrap_or(0x5ec0)),
        failure_persistence: None,
        ..Config::default()
    }
}

/// One version copy: the main document and (v4) the status document.
#[derive(Debug, Clone, PartialEq)]
struct Copy {
    main: Value,
    part: Option<Value>,
}

/// What one sync did, as the strategy reports it.
#[derive(Debug, Default)]
struct Synced {
    written: usize,
    deleted: usize,
    conflicts: Vec<ConflictRecord>,
    unfinished: Vec<String>,
}

/// A multi-version strategy, seen as the version copies of todos `doc0`, `doc1`, ….
trait Replicas {
    fn fam(&self) -> Fam;
    fn store(&self, version: u32) -> &dyn Store;
    fn main_id(&self, doc: usize, version: u32) -> String;
    fn part_id(&self, doc: usize) -> String;
    fn sync(&self) -> Synced;
    /// The store holding the conflict log.
    fn ledger(&self) -> &dyn Store;

    fn copy(&self, doc: usize, version: u32) -> Option<Copy> {
        let store = self.store(version);
        let main = store.get(&self.main_id(doc, version)).unwrap()?.body;
        let part = (self.fam().has_part(version))
            .then(|| store.get(&self.part_id(doc)).unwrap().map(|d| d.body))
            .flatten();
        Some(Copy { main, part })
    }

    /// An app's write of its copy (created if new, over a tombstone too).
    fn write(&self, doc: usize, version: u32, copy: &Copy) {
        let store = self.store(version);
        let mut writes = vec![(self.main_id(doc, version), copy.main.clone())];
        if let Some(part) = &copy.part {
            writes.insert(0, (self.part_id(doc), part.clone()));
        }
        for (id, body) in writes {
            let doc = match store.get(&id).unwrap() {
                Some(current) => current.updated(body),
                None => Doc::new(id, body),
            };
            store.bulk_write(&[doc]).unwrap();
        }
    }

    fn delete(&self, doc: usize, version: u32) {
        let store = self.store(version);
        let mut ids = vec![self.main_id(doc, version)];
        if self.fam().has_part(version) {
            ids.push(self.part_id(doc));
        }
        for id in ids {
            if let Some(current) = store.get(&id).unwrap() {
                store.bulk_write(&[current.deletion()]).unwrap();
            }
        }
    }

    /// Every stored document's revision, keyed by store and id.
    fn revisions(&self) -> Revisions {
        let mut seen = BTreeMap::new();
        for &version in self.fam().versions() {
            let store = self.store(version);
            for doc in store.all_docs(None, 10_000).unwrap() {
                seen.insert((store.url(), doc.id), doc.rev);
            }
        }
        seen
    }
}

type Revisions = BTreeMap<(String, String), Option<String>>;

/// Per-version documents: one store, `todo-item@<v>:doc<k>`.
struct Documents {
    fam: Fam,
    _dir: Option<tempfile::TempDir>,
    store: Box<dyn Store>,
    /// How long the worker waits for more changes (a server's feed needs longer).
    idle: Duration,
}

impl Documents {
    fn sqlite(fam: Fam) -> Documents {
        let dir = tempfile::tempdir().unwrap();
        let store = open(&format!("sqlite:{}", dir.path().join("v.db").display())).unwrap();
        Documents {
            fam,
            _dir: Some(dir),
            store,
            idle: Duration::from_millis(5),
        }
    }

    fn server(fam: Fam, server: &PouchServer, name: &str) -> Documents {
        Documents {
            fam,
            _dir: None,
            store: open(&server.database_url(name).unwrap()).unwrap(),
            idle: Duration::from_millis(200),
        }
    }
}

impl Replicas for Documents {
    fn fam(&self) -> Fam {
        self.fam
    }
    fn store(&self, _version: u32) -> &dyn Store {
        self.store.as_ref()
    }
    fn main_id(&self, doc: usize, version: u32) -> String {
        format!("{}@{version}:doc{doc}", self.fam.schema())
    }
    fn part_id(&self, doc: usize) -> String {
        format!("todo-status@4:doc{doc}")
    }
    fn ledger(&self) -> &dyn Store {
        self.store.as_ref()
    }
    fn sync(&self) -> Synced {
        let worker = per_version_documents::Worker::new(
            self.store.as_ref(),
            self.fam.family(),
            per_version_documents::Options {
                live: self.fam.versions().to_vec(),
                idle_timeout: self.idle,
            },
        );
        let report = worker.run().unwrap();
        Synced {
            written: report.written,
            deleted: report.deleted,
            conflicts: report.conflicts,
            unfinished: (report.waiting.iter().chain(&report.failed))
                .map(|f| format!("{}: {}", f.id, f.error))
                .collect(),
        }
    }
}

/// Per-version databases: one database per version, `doc<k>` and `todo-status:doc<k>`.
struct Databases {
    fam: Fam,
    _dir: Option<tempfile::TempDir>,
    stores: Vec<Box<dyn Store>>,
}

impl Databases {
    fn sqlite(fam: Fam) -> Databases {
        let dir = tempfile::tempdir().unwrap();
        let url = |v: &u32| format!("sqlite:{}", dir.path().join(format!("v{v}.db")).display());
        let stores = fam
            .versions()
            .iter()
            .map(|v| open(&url(v)).unwrap())
            .collect();
        Databases {
            fam,
            _dir: Some(dir),
            stores,
        }
    }

    fn server(fam: Fam, server: &PouchServer, name: &str) -> Databases {
        let stores = fam
            .versions()
            .iter()
            .map(|v| open(&server.database_url(&format!("{name}-v{v}")).unwrap()).unwrap())
            .collect();
        Databases {
            fam,
            _dir: None,
            stores,
        }
    }

    fn databases(&self) -> per_version_databases::Databases<'_> {
        per_version_databases::Databases {
            family: self.fam.family(),
            membership: Membership::default(),
            by_version: self
                .fam
                .versions()
                .iter()
                .zip(&self.stores)
                .map(|(v, s)| (*v, s.as_ref()))
                .collect(),
        }
    }
}

impl Replicas for Databases {
    fn fam(&self) -> Fam {
        self.fam
    }
    fn store(&self, version: u32) -> &dyn Store {
        self.stores[version as usize - 1].as_ref()
    }
    fn main_id(&self, doc: usize, _version: u32) -> String {
        format!("doc{doc}")
    }
    fn part_id(&self, doc: usize) -> String {
        format!("todo-status:doc{doc}")
    }
    fn ledger(&self) -> &dyn Store {
        self.store(*self.fam.versions().last().unwrap())
    }
    fn sync(&self) -> Synced {
        let report = self.databases().sync_once().unwrap();
        Synced {
            written: report.written,
            deleted: report.deleted,
            conflicts: report.conflicts,
            unfinished: (report.waiting.iter().chain(&report.failed))
                .map(|f| format!("{}: {}", f.id, f.error))
                .collect(),
        }
    }
}

/// A field of a document as an app sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Field {
    // The todo's.
    Title,
    /// Unknown to every version's schema: must survive as is.
    Note,
    /// Since v2.
    Important,
    /// v1, v2: done or not; v3: progress; v4: progress in the `todo-status` document.
    Status,
    // The contact's.
    /// v1 `name`, renamed `full_name` at v2.
    Name,
    /// v1, v2 `email`, a string; wrapped into `emails`, an array, at v3 (one address here).
    Email,
    /// v1-v3 `address.city`, hoisted to the top-level `city` at v4.
    City,
    /// v1-v4 `address.street`, renamed `address.line1` at v5.
    Street,
}

const PROGRESS: [&str; 4] = ["open", "started", "blocked", "completed"];

impl Field {
    fn known_at(self, version: u32) -> bool {
        self != Field::Important || version >= 2
    }

    /// Its value in a version that does not know it yet (the migration's default).
    fn unknown_default(self) -> Value {
        json!(false)
    }

    /// Where the conflict log points for this field (at the newest version).
    fn conflict_path(self) -> &'static str {
        match self {
            Field::Title => "/main/title",
            Field::Note => "/main/note",
            Field::Important => "/main/important",
            Field::Status => "/parts/todo-status/status",
            Field::Name => "/main/full_name",
            Field::Email => "/main/emails",
            Field::City => "/main/city",
            Field::Street => "/main/address/line1",
        }
    }

    /// The JSON pointer of the field in the main document at `version` (`None`: the todo's v4
    /// status, in the companion).
    fn pointer(self, version: u32) -> Option<&'static str> {
        Some(match (self, version) {
            (Field::Status, 4) => return None,
            (Field::Title, _) => "/title",
            (Field::Note, _) => "/note",
            (Field::Important, _) => "/important",
            (Field::Status, _) => "/status",
            (Field::Name, 1) => "/name",
            (Field::Name, _) => "/full_name",
            (Field::Email, 1 | 2) => "/email",
            (Field::Email, _) => "/emails",
            (Field::City, 1..=3) => "/address/city",
            (Field::City, _) => "/city",
            (Field::Street, 1..=4) => "/address/street",
            (Field::Street, _) => "/address/line1",
        })
    }

    fn read(self, version: u32, copy: &Copy) -> Value {
        let value = match self.pointer(version) {
            Some(at) => copy.main.pointer(at),
            None => copy.part.as_ref().and_then(|p| p.get("status")),
        };
        value.cloned().unwrap_or(Value::Null)
    }

    fn write(self, version: u32, copy: &mut Copy, value: Value) {
        let (object, key) = match self.pointer(version) {
            Some(at) => {
                let (parent, key) = at.rsplit_once('/').unwrap();
                (copy.main.pointer_mut(parent).unwrap(), key)
            }
            None => (copy.part.as_mut().expect("v4 has a status"), "status"),
        };
        object[key] = value;
    }

    /// The `choice`-th value an app at `version` may set.
    fn value(self, version: u32, choice: u8) -> Value {
        let choice = usize::from(choice);
        match self {
            Field::Title => json!(["a", "b", "c"][choice % 3]),
            Field::Note => json!(["x", "y"][choice % 2]),
            Field::Important => json!(choice % 2 == 1),
            Field::Status if version <= 2 => json!(choice % 2 == 1),
            Field::Status => json!(PROGRESS[choice % 4]),
            Field::Name => json!(["Ann", "Bo", "Cy"][choice % 3]),
            Field::Email => {
                let address = ["a@x", "b@y"][choice % 2];
                self.at_version(version, &json!([address]))
            }
            Field::City => json!(["Oslo", "Rome", "Lima"][choice % 3]),
            Field::Street => json!(["Elm", "Oak"][choice % 2]),
        }
    }

    /// A value as the newest version holds it (the v2 → v3 lens' table for the status, the
    /// v2 → v3 wrap for the email).
    fn at_latest(self, version: u32, value: &Value) -> Value {
        match (self, value) {
            (Field::Status, Value::Bool(done)) if version <= 2 => {
                json!(if *done { "completed" } else { "open" })
            }
            (Field::Email, _) if version <= 2 => json!([value]),
            _ => value.clone(),
        }
    }

    /// A newest-version value as `version` holds it.
    fn at_version(self, version: u32, latest: &Value) -> Value {
        match self {
            Field::Status if version <= 2 => json!(latest == "completed"),
            Field::Email if version <= 2 => latest[0].clone(),
            _ => latest.clone(),
        }
    }
}

impl Fam {
    /// A new document as an app at `version` writes it (`keep`: an unknown field nobody edits).
    fn created(self, doc: usize, version: u32, choice: u8) -> Copy {
        let mut main = json!({"schema": self.schema(), "version": version, "keep": doc});
        let mut copy = Copy {
            main: Value::Null,
            part: None,
        };
        match self {
            Fam::Todo => {
                if version == 4 {
                    copy.part = Some(json!({
                        "schema": "todo-status", "version": 1, "todo": format!("doc{doc}"),
                        "status": "open"
                    }));
                }
                if version >= 2 {
                    main["important"] = json!(false);
                }
            }
            Fam::Contact => {
                main["address"] = json!({});
                main["phones"] = json!([]);
                if version <= 4 {
                    main["note"] = json!("");
                }
            }
        }
        copy.main = main;
        // Half the todos start without `note`: its first edit adds a key no version knows.
        let fields = self
            .fields()
            .iter()
            .filter(|f| f.known_at(version) && (**f != Field::Note || choice % 4 < 2));
        for field in fields {
            field.write(version, &mut copy, field.value(version, choice));
        }
        copy
    }
}

#[derive(Debug, Clone)]
enum Op {
    Create {
        doc: usize,
        version: u32,
        choice: u8,
    },
    Edit {
        doc: usize,
        version: u32,
        field: Field,
        choice: u8,
    },
    Delete {
        doc: usize,
        version: u32,
    },
    /// An offline replica pushes back its copy of a deleted todo (`edited`: with a late edit).
    Resurrect {
        doc: usize,
        version: u32,
        edited: bool,
    },
    Sync,
}

fn op(fam: Fam) -> impl Strategy<Value = Op> {
    let doc = 0..DOCS;
    let version = prop::sample::select(fam.versions().to_vec());
    prop_oneof![
        2 => (doc.clone(), version.clone(), any::<u8>())
            .prop_map(|(doc, version, choice)| Op::Create { doc, version, choice }),
        6 => (doc.clone(), version.clone(), prop::sample::select(fam.fields().to_vec()), any::<u8>())
            .prop_map(|(doc, version, field, choice)| Op::Edit { doc, version, field, choice }),
        1 => (doc.clone(), version.clone()).prop_map(|(doc, version)| Op::Delete { doc, version }),
        1 => (doc, version, any::<bool>())
            .prop_map(|(doc, version, edited)| Op::Resurrect { doc, version, edited }),
        2 => Just(Op::Sync),
    ]
}

/// The copies of every todo, as stored.
type Snapshot = BTreeMap<usize, BTreeMap<u32, Copy>>;

fn snapshot(replicas: &dyn Replicas) -> Snapshot {
    (0..DOCS)
        .map(|doc| {
            let copies = (replicas.fam().versions().iter())
                .filter_map(|&v| Some((v, replicas.copy(doc, v)?)))
                .collect();
            (doc, copies)
        })
        .collect()
}

/// A todo and the field of a conflict (`None`: an edit that met a delete).
type ConflictAt = (usize, Option<Field>);

/// What the model expects of one todo after a sync.
#[derive(Debug)]
enum Expected {
    Gone,
    /// Each field's value at the newest version.
    Live(BTreeMap<Field, Value>),
}

/// The model's state between syncs.
#[derive(Debug)]
struct Model {
    fam: Fam,
    /// What every copy looked like after the last sync.
    agreed: Snapshot,
    created: BTreeSet<usize>,
    deleted: BTreeSet<usize>,
    /// A deleted todo's copies when it was deleted (what an offline replica may push back).
    before_delete: BTreeMap<usize, BTreeMap<u32, Copy>>,
}

impl Model {
    /// Each todo's expected state after syncing `now`, and the conflicts that must be
    /// recorded (`None` for an edit that met a delete).
    fn expect(&mut self, now: &Snapshot) -> (BTreeMap<usize, Expected>, BTreeSet<ConflictAt>) {
        let mut expected = BTreeMap::new();
        let mut conflicts = BTreeSet::new();
        for doc in 0..DOCS {
            let agreed = self.agreed.get(&doc).cloned().unwrap_or_default();
            let copies = &now[&doc];
            let edited = |v: &u32| agreed.get(v) != copies.get(v);
            if self.deleted.contains(&doc) {
                if copies
                    .iter()
                    .any(|(v, c)| self.before_delete[&doc].get(v) != Some(c))
                {
                    conflicts.insert((doc, None));
                }
                expected.insert(doc, Expected::Gone);
                continue;
            }
            if !agreed.is_empty() && agreed.keys().any(|v| !copies.contains_key(v)) {
                if copies.keys().any(edited) {
                    conflicts.insert((doc, None));
                }
                self.deleted.insert(doc);
                self.before_delete.insert(doc, agreed.clone());
                expected.insert(doc, Expected::Gone);
                continue;
            }
            let Some((&source, source_copy)) =
                agreed.iter().next_back().or(copies.iter().next_back())
            else {
                expected.insert(doc, Expected::Gone);
                continue;
            };
            let mut fields = BTreeMap::new();
            for &field in self.fam.fields() {
                let start = match field.known_at(source) {
                    false => field.unknown_default(),
                    true => field.at_latest(source, &field.read(source, source_copy)),
                };
                // Newest version first: the newest edit wins.
                let changes: Vec<Value> = copies
                    .iter()
                    .rev()
                    .filter(|(v, c)| {
                        field.known_at(**v)
                            && agreed
                                .get(v)
                                .is_some_and(|a| field.read(**v, a) != field.read(**v, c))
                    })
                    .map(|(v, c)| field.at_latest(*v, &field.read(*v, c)))
                    .collect();
                let distinct: BTreeSet<String> = changes.iter().map(Value::to_string).collect();
                if distinct.len() > 1 {
                    conflicts.insert((doc, Some(field)));
                }
                fields.insert(field, changes.first().cloned().unwrap_or(start));
            }
            expected.insert(doc, Expected::Live(fields));
        }
        (expected, conflicts)
    }
}

/// Applies one app operation; `false` if it does not apply to the current state.
fn apply(replicas: &dyn Replicas, model: &mut Model, op: &Op) {
    match *op {
        Op::Create {
            doc,
            version,
            choice,
        } => {
            if model.created.insert(doc) {
                replicas.write(doc, version, &model.fam.created(doc, version, choice));
            }
        }
        Op::Edit {
            doc,
            version,
            field,
            choice,
        } => {
            if let Some(mut copy) = replicas.copy(doc, version)
                && field.known_at(version)
                && (!model.fam.has_part(version) || copy.part.is_some())
            {
                field.write(version, &mut copy, field.value(version, choice));
                replicas.write(doc, version, &copy);
            }
        }
        Op::Delete { doc, version } => replicas.delete(doc, version),
        Op::Resurrect {
            doc,
            version,
            edited,
        } => {
            let stale = model
                .before_delete
                .get(&doc)
                .and_then(|c| c.get(&version))
                .cloned();
            if let Some(mut copy) = stale
                && replicas.copy(doc, version).is_none()
            {
                if edited {
                    model.fam.fields()[0].write(version, &mut copy, json!("late"));
                }
                replicas.write(doc, version, &copy);
            }
        }
        Op::Sync => unreachable!("syncs are run by `check`"),
    }
}

/// Syncs and checks every invariant against the model.
fn sync_and_check(replicas: &dyn Replicas, model: &mut Model) -> Result<(), TestCaseError> {
    let before = snapshot(replicas);
    let revisions = replicas.revisions();
    let (expected, conflicts) = model.expect(&before);
    let synced = replicas.sync();
    prop_assert!(
        synced.unfinished.is_empty(),
        "left unfinished: {:?}",
        synced.unfinished
    );
    let after = snapshot(replicas);
    for (doc, expected) in &expected {
        let copies = &after[doc];
        match expected {
            Expected::Gone => prop_assert!(
                copies.is_empty(),
                "doc{doc} resurrected or not deleted: {copies:?}"
            ),
            Expected::Live(fields) => {
                prop_assert_eq!(
                    copies.len(),
                    replicas.fam().versions().len(),
                    "doc{} missing a version: {:?}",
                    doc,
                    copies
                );
                for (&version, copy) in copies {
                    prop_assert_eq!(
                        &copy.main["keep"],
                        &json!(doc),
                        "unknown field lost: {:?}",
                        copy
                    );
                    for (&field, latest) in fields {
                        if field.known_at(version) {
                            prop_assert_eq!(
                                field.read(version, copy),
                                field.at_version(version, latest),
                                "doc{} {:?} at v{}: {:?}",
                                doc,
                                field,
                                version,
                                copy
                            );
                        }
                    }
                }
            }
        }
    }
    let reported: BTreeSet<ConflictAt> = synced
        .conflicts
        .iter()
        .map(|c| {
            let doc = c.id.trim_start_matches("doc").parse().unwrap();
            let mut fields = replicas.fam().fields().iter().copied();
            let field = fields.find(|f| f.conflict_path() == c.path);
            (doc, field)
        })
        .collect();
    prop_assert_eq!(
        &reported,
        &conflicts,
        "conflicts reported vs expected: {:?}",
        synced.conflicts
    );
    let log = conflicts::list(replicas.ledger(), replicas.fam().schema()).unwrap();
    for conflict in &synced.conflicts {
        prop_assert!(
            log.contains(conflict),
            "not in the conflict log: {conflict:?}"
        );
    }
    let changed = changed_documents(&revisions, &replicas.revisions());
    prop_assert_eq!(
        synced.written + synced.deleted,
        changed,
        "counted vs changed"
    );
    let again = replicas.sync();
    prop_assert_eq!(
        (again.written, again.deleted, again.conflicts.len()),
        (0, 0, 0),
        "not quiet"
    );
    model.agreed = after;
    Ok(())
}

/// How many documents were created, updated or deleted between two listings.
fn changed_documents(before: &Revisions, after: &Revisions) -> usize {
    let keys: BTreeSet<_> = before.keys().chain(after.keys()).collect();
    keys.into_iter()
        .filter(|k| before.get(k) != after.get(k))
        .count()
}

fn run_history(replicas: &dyn Replicas, ops: &[Op]) -> Result<(), TestCaseError> {
    let mut model = Model {
        fam: replicas.fam(),
        agreed: Snapshot::default(),
        created: BTreeSet::new(),
        deleted: BTreeSet::new(),
        before_delete: BTreeMap::new(),
    };
    for op in ops {
        match op {
            Op::Sync => sync_and_check(replicas, &mut model)?,
            op => apply(replicas, &mut model, op),
        }
    }
    sync_and_check(replicas, &mut model)
}

fn history(fam: Fam) -> impl Strategy<Value = Vec<Op>> {
    prop::collection::vec(op(fam), 1..24)
}

/// Runs `cases` histories of `fam` (unless `DOCVER_FUZZ_CASES` says otherwise), each on fresh
/// replicas.
fn check_histories(fam: Fam, cases: u32, replicas: impl Fn(usize) -> Box<dyn Replicas>) {
    let histories = std::cell::Cell::new(0);
    let mut runner = TestRunner::new(config(cases));
    let result = runner.run(&history(fam), |ops| {
        histories.set(histories.get() + 1);
        run_history(replicas(histories.get()).as_ref(), &ops)
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}

#[test]
fn per_version_documents_never_lose_an_edit() {
    check_histories(Fam::Todo, 96, |_| Box::new(Documents::sqlite(Fam::Todo)));
}

#[test]
fn per_version_databases_never_lose_an_edit() {
    check_histories(Fam::Todo, 96, |_| Box::new(Databases::sqlite(Fam::Todo)));
}

#[test]
fn per_version_documents_never_lose_a_renamed_field_edit() {
    check_histories(Fam::Contact, 48, |_| {
        Box::new(Documents::sqlite(Fam::Contact))
    });
}

#[test]
fn per_version_databases_never_lose_a_renamed_field_edit() {
    check_histories(Fam::Contact, 48, |_| {
        Box::new(Databases::sqlite(Fam::Contact))
    });
}

/// The same histories on a CouchDB-compatible server (fewer by default: each sync is HTTP),
/// a fresh database (or one per version) per history.
fn on_the_server(fam: Fam, cases: u32, replicas: impl Fn(&PouchServer, &str) -> Box<dyn Replicas>) {
    let server = PouchServer::start().unwrap_or_else(|e| panic!("pouchdb-server must start: {e}"));
    check_histories(fam, cases, |n| replicas(&server, &format!("model-{n}")));
}

#[test]
fn per_version_documents_never_lose_an_edit_on_the_server() {
    on_the_server(Fam::Todo, 12, |server, name| {
        Box::new(Documents::server(Fam::Todo, server, name))
    });
}

#[test]
fn per_version_databases_never_lose_an_edit_on_the_server() {
    on_the_server(Fam::Todo, 12, |server, name| {
        Box::new(Databases::server(Fam::Todo, server, name))
    });
}

#[test]
fn per_version_documents_never_lose_a_renamed_field_edit_on_the_server() {
    on_the_server(Fam::Contact, 6, |server, name| {
        Box::new(Documents::server(Fam::Contact, server, name))
    });
}

#[test]
fn per_version_databases_never_lose_a_renamed_field_edit_on_the_server() {
    on_the_server(Fam::Contact, 6, |server, name| {
        Box::new(Databases::server(Fam::Contact, server, name))
    });
}
