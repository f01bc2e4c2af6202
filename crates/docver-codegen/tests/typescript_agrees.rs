//! Differential test: the generated TypeScript module, compiled with `tsc --strict` and run in
//! node, agrees with the Rust lens interpreter (`docver::lens`) and the Rust runtime's merge
//! (`docver::document::merge3`, `differences`) on the same documents:
//!
//! - every step, both ways: `upgradeNToM`/`downgradeMToN` give the interpreter's document (with
//!   the version tag set), or fail with the interpreter's pointer and operation;
//! - `readAs` between every pair of versions;
//! - `writeBack` of an edit made at every older version over a newer original: the result of
//!   the write-back law (`up(down(d))` as the ancestor, `d` as ours, the carried edit as theirs,
//!   the read-back check), or the same error.
//!
//! For the contact family (`examples/todo/schemas/contact`) and `task`, a lens-only family built
//! here from a v1 schema and lenses using every operation (`convert` with derived and explicit
//! tables and defaults, `head`, `wrap`, `hoist`, `plunge`, `in`, `map`, `add`, `remove` with and
//! without a default). Documents are drawn from each version's schema and given unknown fields
//! at every depth under hostile keys (`__proto__`, `constructor`, `a/b~c`, U+2028, `*/`, …);
//! one in four also gets a value of the wrong type somewhere, to compare the errors.
//!
//! Runs `DOCVER_FUZZ_CASES` documents per version (default 24) from `DOCVER_FUZZ_SEED`.

mod typescript_support;

use std::collections::BTreeMap;
use std::path::Path;

use docver::document::{Prefer, differences, merge3};
use docver::lens::{LENS_KEYWORD, Lens, Way};
use docver_codegen::typescript::{FamilySchemas, generate};
use serde_json::{Map, Value, json};

fn env_number(name: &str) -> Option<u64> {
    std::env::var(name).ok().and_then(|v| v.parse().ok())
}

/// Keys unknown fields are added under: each one has broken some generated code somewhere.
const HOSTILE_KEYS: &[&str] = &[
    "__proto__",
    "constructor",
    "toString",
    "hasOwnProperty",
    "a/b~c",
    "",
    "0",
    "\u{2028}",
    "*/",
    "</script>",
    "${x}",
    "`",
    "\"",
    "x-extra",
];

const STRINGS: &[&str] = &[
    "", "a", "José", "😀", "todo", "doing", "done", "high", "x y",
];

/// Draws documents from a schema, reproducibly (SplitMix64).
struct Draw {
    state: u64,
}

impl Draw {
    fn pick(&mut self, n: usize) -> usize {
        self.state = self.state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        ((z ^ (z >> 31)) % n.max(1) as u64) as usize
    }

    fn chance(&mut self, one_in: usize) -> bool {
        self.pick(one_in) == 0
    }

    /// A value the schema accepts, with unknown fields in some objects.
    fn value(&mut self, root: &Value, schema: &Value, depth: usize) -> Value {
        let Some(s) = schema.as_object() else {
            return json!(null);
        };
        if let Some(target) = s
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix('#'))
            .and_then(|p| root.pointer(p))
        {
            return self.value(root, target, depth + 1);
        }
        if let Some(value) = s.get("const") {
            return value.clone();
        }
        if let Some(Value::Array(values)) = s.get("enum") {
            return values[self.pick(values.len())].clone();
        }
        for key in ["anyOf", "oneOf"] {
            if let Some(Value::Array(branches)) = s.get(key) {
                let branch = &branches[self.pick(branches.len())];
                return self.value(root, branch, depth + 1);
            }
        }
        let types: Vec<&str> = match s.get("type") {
            Some(Value::String(t)) => vec![t.as_str()],
            Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
            _ if s.contains_key("properties") => vec!["object"],
            _ => vec!["string"],
        };
        match types[self.pick(types.len())] {
            "null" => json!(null),
            "boolean" => json!(self.chance(2)),
            "integer" | "number" => json!(self.pick(4) as i64 - 1),
            "array" if depth < 6 => {
                let items = s.get("items").cloned().unwrap_or(json!({}));
                let n = self.pick(4);
                Value::Array(
                    (0..n)
                        .map(|_| self.value(root, &items, depth + 1))
                        .collect(),
                )
            }
            "object" if depth < 6 => {
                let required: Vec<&str> = s
                    .get("required")
                    .and_then(Value::as_array)
                    .map(|r| r.iter().filter_map(Value::as_str).collect())
                    .unwrap_or_default();
                let mut out = Map::new();
                if let Some(properties) = s.get("properties").and_then(Value::as_object) {
                    for (name, property) in properties {
                        if required.contains(&name.as_str()) || !self.chance(3) {
                            out.insert(name.clone(), self.value(root, property, depth + 1));
                        }
                    }
                }
                if self.chance(2) {
                    let key = HOSTILE_KEYS[self.pick(HOSTILE_KEYS.len())];
                    if !out.contains_key(key) && !key.starts_with('_') {
                        out.insert(key.to_owned(), json!({"kept": [1, {"deep": key}]}));
                    }
                }
                Value::Object(out)
            }
            _ => json!(STRINGS[self.pick(STRINGS.len())]),
        }
    }

    /// `doc` with one value somewhere replaced by one of another type.
    fn break_one(&mut self, doc: &mut Value) {
        let odd = [
            json!(null),
            json!(7),
            json!("s"),
            json!([1]),
            json!({"o": 1}),
            json!(true),
        ];
        let mut places = Vec::new();
        collect_places(doc, "", &mut places);
        if places.is_empty() {
            return;
        }
        let place = places[self.pick(places.len())].clone();
        if let Some(slot) = doc.pointer_mut(&place) {
            *slot = odd[self.pick(odd.len())].clone();
        }
    }

    /// `doc` with one string leaf (not a tag) changed, and maybe an unknown field added.
    fn edit(&mut self, doc: &mut Value, n: usize) {
        let mut places = Vec::new();
        collect_places(doc, "", &mut places);
        let strings: Vec<String> = places
            .into_iter()
            .filter(|p| doc.pointer(p).is_some_and(Value::is_string))
            .collect();
        if !strings.is_empty() {
            let place = strings[self.pick(strings.len())].clone();
            *doc.pointer_mut(&place).unwrap() = json!(format!("edited {n}"));
        }
        if self.chance(2)
            && let Some(object) = doc.as_object_mut()
        {
            object.insert("x-edit".into(), json!(n));
        }
    }
}

/// Pointers of every value below the root, except the root's tag fields.
fn collect_places(value: &Value, at: &str, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                if at.is_empty() && (key == "schema" || key == "version") {
                    continue;
                }
                let here = docver::pointer::push(at, key);
                out.push(here.clone());
                collect_places(child, &here, out);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                let here = docver::pointer::push(at, &i.to_string());
                out.push(here.clone());
                collect_places(child, &here, out);
            }
        }
        _ => {}
    }
}

/// The Rust side: the lens interpreter, the runtime's merge, the `jsonschema` crate.
struct Reference {
    versions: BTreeMap<u32, Value>,
    lenses: BTreeMap<u32, Lens>,
    validators: BTreeMap<u32, jsonschema::Validator>,
}

fn lens_error(e: &docver::lens::LensError) -> Value {
    json!({"err": {"kind": "lens", "pointer": e.pointer, "op": e.op, "paths": []}})
}

fn error(kind: &str, paths: Vec<String>) -> Value {
    json!({"err": {"kind": kind, "pointer": "", "op": null, "paths": paths}})
}

impl Reference {
    fn new(schemas: &FamilySchemas) -> Reference {
        let versions: BTreeMap<u32, Value> = schemas
            .versions
            .iter()
            .map(|(&v, (_, s))| (v, s.clone()))
            .collect();
        let lenses = versions
            .iter()
            .filter_map(|(&v, s)| Some((v - 1, Lens::from_value(s.get(LENS_KEYWORD)?).unwrap())))
            .collect();
        let validators = versions
            .iter()
            .map(|(&v, s)| (v, jsonschema::validator_for(s).unwrap()))
            .collect();
        Reference {
            versions,
            lenses,
            validators,
        }
    }

    /// One step from `from` (up to `from + 1`, or down to `from - 1`), the tag set.
    fn step(&self, doc: &Value, from: u32, way: Way) -> Result<Value, docver::lens::LensError> {
        let (lens, to) = match way {
            Way::Up => (&self.lenses[&from], from + 1),
            Way::Down => (&self.lenses[&(from - 1)], from - 1),
        };
        let mut out = lens.applied(doc, way)?;
        if let Some(object) = out.as_object_mut() {
            object.insert("version".into(), json!(to));
        }
        Ok(out)
    }

    fn migrate(&self, doc: &Value, from: u32, to: u32) -> Result<Value, docver::lens::LensError> {
        let mut out = doc.clone();
        let mut at = from;
        while at < to {
            out = self.step(&out, at, Way::Up)?;
            at += 1;
        }
        while at > to {
            out = self.step(&out, at, Way::Down)?;
            at -= 1;
        }
        Ok(out)
    }

    fn valid(&self, version: u32, doc: &Value) -> bool {
        self.validators[&version].is_valid(doc)
    }

    fn read_as(&self, version: u32, doc: &Value) -> Value {
        let stored = doc["version"].as_u64().unwrap() as u32;
        if !self.valid(stored, doc) {
            return error("invalid", vec![]);
        }
        match self.migrate(doc, stored, version) {
            Err(e) => lens_error(&e),
            Ok(read) if !self.valid(version, &read) => error("invalid", vec![]),
            Ok(read) => json!({ "ok": read }),
        }
    }

    /// The write-back law over JSON, as `docver::document::merge::write_back` states it.
    fn write_back(&self, edited: &Value, original: &Value) -> Value {
        let m = edited["version"].as_u64().unwrap() as u32;
        let n = original["version"].as_u64().unwrap() as u32;
        if !self.valid(m, edited) || !self.valid(n, original) {
            return error("invalid", vec![]);
        }
        if n <= m {
            return json!({ "ok": edited });
        }
        let run = || -> Result<Value, docver::lens::LensError> {
            let read = self.migrate(original, n, m)?;
            let before = self.migrate(&read, m, n)?;
            let after = self.migrate(edited, m, n)?;
            Ok(
                merge3(Some(&before), Some(original), Some(&after), Prefer::Theirs)
                    .value
                    .unwrap_or_else(|| original.clone()),
            )
        };
        let merged = match run() {
            Ok(merged) => merged,
            Err(e) => return lens_error(&e),
        };
        if !self.valid(n, &merged) {
            return error("invalid", vec![]);
        }
        match self.migrate(&merged, n, m) {
            Err(e) => lens_error(&e),
            Ok(back) => {
                let lost = differences(edited, &back);
                if lost.is_empty() {
                    json!({ "ok": merged })
                } else {
                    error("edit-lost", lost)
                }
            }
        }
    }
}

/// Cases and their expected results, for one family.
fn cases(schemas: &FamilySchemas, seed: u64, per_version: u64) -> (Vec<Value>, Vec<Value>) {
    let reference = Reference::new(schemas);
    let mut draw = Draw { state: seed };
    let mut cases = Vec::new();
    let mut expected = Vec::new();
    let versions: Vec<u32> = reference.versions.keys().copied().collect();
    let (first, last) = (versions[0], *versions.last().unwrap());
    let mut valid_docs: BTreeMap<u32, Vec<Value>> = BTreeMap::new();
    for &version in &versions {
        let schema = &reference.versions[&version];
        for _ in 0..per_version {
            let mut doc = draw.value(schema, schema, 0);
            if draw.chance(4) {
                draw.break_one(&mut doc);
            } else if reference.valid(version, &doc) {
                valid_docs.entry(version).or_default().push(doc.clone());
            }
            for (way, from, ok) in [
                (Way::Up, version, version < last),
                (Way::Down, version, version > first),
            ] {
                if !ok {
                    continue;
                }
                cases.push(json!({"kind": way.as_str(), "from": from, "doc": doc}));
                expected.push(match reference.step(&doc, from, way) {
                    Ok(out) => json!({ "ok": out }),
                    Err(e) => lens_error(&e),
                });
            }
            let target = versions[draw.pick(versions.len())];
            cases.push(json!({"kind": "readAs", "version": target, "doc": doc}));
            expected.push(reference.read_as(target, &doc));
        }
    }
    // Write-back: an edit at every older version over each valid newer original.
    let mut edits = 0;
    for (&n, originals) in &valid_docs {
        for original in originals {
            for m in first..n {
                let Ok(mut edited) = reference.migrate(original, n, m) else {
                    continue;
                };
                if !reference.valid(m, &edited) {
                    continue;
                }
                edits += 1;
                draw.edit(&mut edited, edits);
                cases.push(json!({"kind": "writeBack", "edited": edited, "original": original}));
                expected.push(reference.write_back(&edited, original));
            }
        }
    }
    assert!(
        edits >= per_version as usize,
        "too few write-back cases ({edits}): the drawn documents are rarely valid"
    );
    (cases, expected)
}

fn check_family(schemas: &FamilySchemas) {
    let seed = env_number("DOCVER_FUZZ_SEED").unwrap_or(0x7e57_0018);
    let per_version = env_number("DOCVER_FUZZ_CASES").unwrap_or(24);
    let module = generate(schemas).unwrap();
    let dir = tempfile::tempdir().unwrap();
    typescript_support::compile(
        dir.path(),
        &[
            ("family.ts", &module.text),
            ("driver.ts", typescript_support::DRIVER_TS),
        ],
    );
    let (cases, expected) = cases(schemas, seed, per_version);
    let actual = typescript_support::run(dir.path(), "driver", &Value::Array(cases.clone()));
    let actual = actual.as_array().unwrap();
    assert_eq!(actual.len(), expected.len());
    let mut kinds: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for ((case, want), got) in cases.iter().zip(&expected).zip(actual) {
        assert_eq!(
            got, want,
            "TypeScript and Rust disagree (seed {seed:#x}) on\n{case:#}\nTypeScript: {got:#}\nRust: {want:#}"
        );
        let entry = kinds
            .entry(case["kind"].as_str().unwrap().to_owned())
            .or_default();
        if want.get("ok").is_some() {
            entry.0 += 1;
        } else {
            entry.1 += 1;
        }
    }
    // Both outcomes are exercised for every kind of case, or the test proves little.
    for (kind, (ok, err)) in &kinds {
        assert!(*ok > 0, "no {kind} case succeeded: {kinds:?}");
        assert!(
            *err > 0 || kind == "writeBack",
            "no {kind} case failed: {kinds:?}"
        );
    }
    eprintln!("{} cases agree: {kinds:?} (ok, error)", cases.len());
}

#[test]
fn contact_family_agrees_with_the_interpreter() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/todo/schemas/contact");
    check_family(&FamilySchemas::read_dir(&dir).unwrap());
}

#[test]
fn a_family_using_every_operation_agrees_with_the_interpreter() {
    let dir = tempfile::tempdir().unwrap();
    write_task_family(dir.path());
    check_family(&FamilySchemas::read_dir(dir.path()).unwrap());
}

/// `task`: v1 and four lenses; each later schema is the previous one moved by its lens
/// (`Lens::apply_schema`), as the checker's `lens-disagrees` rule expects.
fn write_task_family(dir: &Path) {
    let v1 = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "task",
        "type": "object",
        "properties": {
            "schema": {"const": "task"},
            "version": {"const": 1},
            "title": {"type": "string"},
            "state": {"type": "string", "enum": ["todo", "doing", "done"]},
            "priority": {"type": "integer"},
            "owner": {"$ref": "#/$defs/Owner"},
            "labels": {"type": "array", "items": {"type": "string"}},
            "steps": {"type": "array", "items": {"$ref": "#/$defs/Step"}},
            "due": {"type": ["string", "null"]}
        },
        "required": ["schema", "version", "title", "state", "priority", "owner", "labels", "steps"],
        "$defs": {
            "Owner": {
                "type": "object",
                "properties": {"name": {"type": "string"}, "team": {"type": "string"}},
                "required": ["name"]
            },
            "Step": {
                "type": "object",
                "properties": {"text": {"type": "string"}, "done": {"type": "boolean"}},
                "required": ["text", "done"]
            }
        }
    });
    let lenses = [
        json!({"from": 1, "to": 2, "ops": [
            {"op": "convert", "name": "state", "forward": [["todo", 0], ["doing", 1], ["done", 2]],
             "schema": {"type": "integer"}},
            {"op": "rename", "from": "labels", "to": "label"},
            {"op": "head", "name": "label", "default": "none"}
        ]}),
        json!({"from": 2, "to": 3, "ops": [
            {"op": "hoist", "host": "owner", "name": "team"},
            {"op": "plunge", "host": "dates", "name": "due"},
            {"op": "convert", "name": "priority", "forward": [[1, "high"]], "forward_default": "normal",
             "reverse": [["high", 1]], "reverse_default": 0, "schema": {"type": "string"}}
        ]}),
        json!({"from": 3, "to": 4, "ops": [
            {"op": "in", "name": "steps", "ops": [{"op": "map", "ops": [
                {"op": "rename", "from": "text", "to": "summary"},
                {"op": "convert", "name": "done", "forward": [[true, "yes"], [false, "no"]]},
                {"op": "add", "name": "note", "default": "", "schema": {"type": "string"}, "required": true}
            ]}]},
            {"op": "remove", "name": "team", "schema": {"type": "string"}},
            {"op": "wrap", "name": "title"}
        ]}),
        json!({"from": 4, "to": 5, "ops": [
            {"op": "in", "name": "owner", "ops": [{"op": "add", "name": "since", "default": null}]},
            {"op": "add", "name": "archived", "default": false, "schema": {"type": "boolean"}}
        ]}),
    ];
    let mut schema = v1;
    std::fs::write(dir.join("v1.json"), schema.to_string()).unwrap();
    for lens in lenses {
        let to = lens["to"].as_u64().unwrap();
        let mut next = Lens::from_value(&lens)
            .unwrap()
            .apply_schema(&schema, Way::Up)
            .unwrap();
        next["properties"]["version"] = json!({"const": to});
        next[LENS_KEYWORD] = lens;
        std::fs::write(dir.join(format!("v{to}.json")), next.to_string()).unwrap();
        schema = next;
    }
}
