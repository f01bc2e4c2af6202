//! Differential test: the generated CouchDB `validate_doc_update`, run in node, and the
//! `jsonschema` crate agree on the same documents, for every schema under `tests/fixtures` and
//! the example app's schemas, plus Unicode patterns. Documents are drawn from each schema
//! (valid-ish: consts, enum values, required properties, a branch of each union) and then
//! mutated (a value replaced by an odd one, a member removed or added).
//!
//! A schema the generator refuses (a pattern JavaScript cannot compile, such as `(?i)`) or warns
//! about (a keyword the server would not enforce) is not compared: the refusal is the answer,
//! and is itself asserted below.
//!
//! Runs `DOCVER_FUZZ_CASES` documents per schema (default 48) from `DOCVER_FUZZ_SEED`.

mod node_support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use docver_codegen::couchdb::{ValidationOptions, design_document};
use node_support::{run_in_node, without_couchdb_fields};
use serde_json::{Map, Value, json};

/// Tag fields outside the schema's reach: CouchDB-style `_` fields, which the generated
/// validation skips at the top level and [`without_couchdb_fields`] removes.
fn options() -> ValidationOptions {
    ValidationOptions {
        schema_field: "_docver_family".to_owned(),
        version_field: "_docver_version".to_owned(),
        ..ValidationOptions::default()
    }
}

fn env_number(name: &str) -> Option<u64> {
    std::env::var(name).ok().and_then(|v| v.parse().ok())
}

/// Values a mutation puts anywhere: every JSON type, the integral float `2.0`, empty and
/// non-ASCII strings, a character outside the BMP.
fn odd_values() -> Vec<Value> {
    vec![
        json!(null),
        json!(true),
        json!(false),
        json!(0),
        json!(-1),
        json!(2),
        json!(2.0),
        json!(1.5),
        json!(1e300),
        json!(""),
        json!("José"),
        json!("x"),
        json!("😀"),
        json!("open"),
        json!([]),
        json!(["a", "a"]),
        json!({}),
        json!({"a": 1}),
    ]
}

/// Strings a `type: string` draws from (padded to `minLength`).
const STRINGS: &[&str] = &[
    "", "a", "abc", "José", "ÅSA", "42", "a-b", "a_b", "😀x", "todo", "Z9",
];

/// Draws documents from a schema, reproducibly from a seed.
struct Draw<'s> {
    root: &'s Value,
    /// SplitMix64 state: a fixed seed gives the same documents on every machine.
    state: u64,
}

impl Draw<'_> {
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

    /// A value the schema probably accepts.
    fn value(&mut self, schema: &Value, depth: usize) -> Value {
        let Some(s) = schema.as_object() else {
            return if depth > 6 { json!(null) } else { self.odd() };
        };
        if depth > 6 {
            return json!(null);
        }
        if let Some(target) = s
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| resolve(self.root, r))
        {
            return self.value(target, depth + 1);
        }
        if let Some(value) = s.get("const") {
            return value.clone();
        }
        if let Some(Value::Array(values)) = s.get("enum")
            && !values.is_empty()
        {
            return values[self.pick(values.len())].clone();
        }
        for key in ["anyOf", "oneOf", "allOf"] {
            if let Some(Value::Array(branches)) = s.get(key)
                && !branches.is_empty()
            {
                let branch = &branches[self.pick(branches.len())];
                return self.value(branch, depth + 1);
            }
        }
        let types: Vec<&str> = match s.get("type") {
            Some(Value::String(t)) => vec![t.as_str()],
            Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
            _ if s.contains_key("properties") => vec!["object"],
            _ if s.contains_key("items") => vec!["array"],
            _ => return self.odd(),
        };
        match types.get(self.pick(types.len())).copied().unwrap_or("null") {
            "boolean" => json!(self.chance(2)),
            "integer" => json!(self.number(s).round()),
            "number" => json!(self.number(s) + if self.chance(2) { 0.5 } else { 0.0 }),
            "string" => {
                let min = s.get("minLength").and_then(Value::as_u64).unwrap_or(0) as usize;
                let mut text = STRINGS[self.pick(STRINGS.len())].to_owned();
                while text.chars().count() < min {
                    text.push('a');
                }
                json!(text)
            }
            "array" => {
                let min = s.get("minItems").and_then(Value::as_u64).unwrap_or(0) as usize;
                let count = min + self.pick(3);
                let items = s.get("items").cloned().unwrap_or(json!(true));
                Value::Array((0..count).map(|_| self.value(&items, depth + 1)).collect())
            }
            "object" => self.object(s, depth),
            _ => json!(null),
        }
    }

    fn number(&mut self, s: &Map<String, Value>) -> f64 {
        let low = ["minimum", "exclusiveMinimum"]
            .iter()
            .find_map(|k| s.get(*k).and_then(Value::as_f64))
            .unwrap_or(-2.0);
        low + self.pick(4) as f64
    }

    fn object(&mut self, s: &Map<String, Value>, depth: usize) -> Value {
        let empty = Map::new();
        let properties = s
            .get("properties")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let required: Vec<&str> = s
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let mut out = Map::new();
        for (name, schema) in properties {
            if required.contains(&name.as_str()) || self.chance(2) {
                out.insert(name.clone(), self.value(schema, depth + 1));
            }
        }
        for name in required {
            if !out.contains_key(name) {
                out.insert(name.to_owned(), self.odd());
            }
        }
        if let Some(extra) = s.get("additionalProperties").filter(|a| a.is_object())
            && self.chance(3)
        {
            out.insert("extra".to_owned(), self.value(extra, depth + 1));
        }
        Value::Object(out)
    }

    fn odd(&mut self) -> Value {
        let values = odd_values();
        values[self.pick(values.len())].clone()
    }

    /// One change somewhere below the top (the top stays an object: CouchDB stores only objects).
    fn mutate(&mut self, doc: &mut Value) {
        let mut place = doc;
        loop {
            let children = match place {
                Value::Object(map) if !map.is_empty() => map.len(),
                Value::Array(items) if !items.is_empty() => items.len(),
                _ => break,
            };
            let at = self.pick(children);
            let descend = self.chance(2);
            match place {
                Value::Object(map) => {
                    let key = map.keys().nth(at).cloned().unwrap_or_default();
                    match self.pick(4) {
                        _ if descend => {}
                        0 => {
                            map.shift_remove(&key);
                            return;
                        }
                        1 => {
                            map.insert("zz".to_owned(), self.odd());
                            return;
                        }
                        _ => {
                            map.insert(key, self.odd());
                            return;
                        }
                    }
                    place = map.get_mut(&key).unwrap();
                }
                Value::Array(items) => {
                    if !descend {
                        items[at] = self.odd();
                        return;
                    }
                    place = &mut items[at];
                }
                _ => unreachable!("only containers have children"),
            }
        }
    }
}

/// The `#/a/b` pointer `reference` names in `root`.
fn resolve<'v>(root: &'v Value, reference: &str) -> Option<&'v Value> {
    root.pointer(reference.strip_prefix('#')?)
}

/// Every `.json` file under `dir`, recursively, in a stable order.
fn json_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            json_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "json") {
            out.push(path);
        }
    }
}

fn repository() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// What comparing one schema's validations found.
#[derive(Default)]
struct Compared {
    /// `schema: document: both verdicts`, one per document they disagree on.
    disagreements: Vec<String>,
    accepted: usize,
    rejected: usize,
}

/// Runs `cases` documents drawn from `schema` through both validations.
fn compare(name: &str, schema: &Value, cases: usize, seed: u64) -> Compared {
    let design = design_document(
        "fixture",
        &BTreeMap::from([(1, schema.clone())]),
        &options(),
    )
    .unwrap_or_else(|e| panic!("{name}: refused: {e}"));
    assert!(design.warnings.is_empty(), "{name}: {:?}", design.warnings);
    let validator = jsonschema::validator_for(schema).unwrap();
    let mut draw = Draw {
        root: schema,
        state: seed,
    };
    let mut docs = Vec::new();
    for case in 0..cases {
        let mut doc = draw.value(schema, 0);
        if !doc.is_object() {
            doc = json!({});
        }
        // Every other document is mutated; the rest are as drawn (mostly valid).
        if case % 2 == 1 {
            draw.mutate(&mut doc);
        }
        let map = doc.as_object_mut().unwrap();
        map.insert("_id".to_owned(), json!(format!("doc-{case}")));
        map.insert("_docver_family".to_owned(), json!("fixture"));
        map.insert("_docver_version".to_owned(), json!(1));
        docs.push(doc);
    }
    let results = run_in_node(&design.validate_doc_update, &docs);
    let mut compared = Compared::default();
    for (doc, result) in docs.iter().zip(&results) {
        let expected = validator.is_valid(&without_couchdb_fields(doc));
        if result.is_none() != expected {
            compared.disagreements.push(format!(
                "{name}: {doc}: node {result:?}, jsonschema valid = {expected}"
            ));
        }
        if result.is_none() {
            compared.accepted += 1;
        } else {
            compared.rejected += 1;
        }
    }
    compared
}

impl Compared {
    fn add(&mut self, other: Compared) {
        self.disagreements.extend(other.disagreements);
        self.accepted += other.accepted;
        self.rejected += other.rejected;
    }

    /// No disagreement, and both verdicts common enough that agreeing means something.
    fn assert_agreed(&self) {
        assert!(
            self.disagreements.is_empty(),
            "{}",
            self.disagreements.join("\n")
        );
        let total = self.accepted + self.rejected;
        assert!(
            self.accepted * 20 >= total && self.rejected * 20 >= total,
            "too one-sided to compare: {} accepted, {} rejected",
            self.accepted,
            self.rejected
        );
    }
}

#[test]
fn the_generated_validation_agrees_with_jsonschema_on_every_fixture_and_example() {
    let cases = env_number("DOCVER_FUZZ_CASES").unwrap_or(48) as usize;
    let seed = env_number("DOCVER_FUZZ_SEED").unwrap_or(0x0d0c_5e12);
    let mut files = Vec::new();
    json_files(&repository().join("tests/fixtures"), &mut files);
    json_files(&repository().join("examples"), &mut files);
    let mut schemas = 0;
    let mut all = Compared::default();
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        let schema: Value = serde_json::from_str(&text).unwrap();
        let name = path
            .strip_prefix(repository())
            .unwrap()
            .display()
            .to_string();
        if !schema.is_object() {
            continue;
        }
        all.add(compare(&name, &schema, cases, seed));
        schemas += 1;
    }
    assert!(schemas >= 90, "only {schemas} schemas compared");
    all.assert_agreed();
}

#[test]
fn unicode_patterns_agree_and_inline_flags_are_refused() {
    let schema = json!({"type": "object", "required": ["name"], "properties": {
        "name": {"type": "string", "pattern": "^\\p{L}+$"},
        "code": {"type": "string", "pattern": "^[a-zé]{2,}$"},
        // `.` is one code point with the `u` flag: "😀x" is two, as `jsonschema` counts.
        "emoji": {"type": "string", "pattern": "^.{1,2}$"},
    }});
    compare("unicode", &schema, 128, 7).assert_agreed();
    // `(?i)` is Rust regex syntax that ECMA-262 lacks: refused with the place, not a 500 on
    // every write.
    for pattern in ["(?i)^todo$", "^(?i:x)$"] {
        let schema = json!({"properties": {"t": {"type": "string", "pattern": pattern}}});
        let error = design_document("f", &BTreeMap::from([(1, schema)]), &options())
            .unwrap_err()
            .to_string();
        assert!(error.contains("v1#/properties/t/pattern"), "{error}");
    }
}

/// JSON's `2.0` is the integer 2: the server's JavaScript cannot tell them apart, so the
/// validation accepts it where the schema says `const: 2`, as `jsonschema` does (and as
/// docver's readers do, see `docver::document::tag`).
#[test]
fn an_integral_float_version_tag_is_that_version() {
    let schema = json!({"type": "object", "required": ["version"],
        "properties": {"version": {"const": 2}}});
    let versions = BTreeMap::from([(2, schema.clone())]);
    let design = design_document("f", &versions, &ValidationOptions::default()).unwrap();
    let doc = |version: Value| json!({"_id": "d", "schema": "f", "version": version});
    let docs = [doc(json!(2.0)), doc(json!(2)), doc(json!(2.5))];
    let results = run_in_node(&design.validate_doc_update, &docs);
    let validator = jsonschema::validator_for(&schema).unwrap();
    for (doc, result) in docs.iter().zip(&results) {
        let valid = validator.is_valid(&without_couchdb_fields(doc));
        assert_eq!(result.is_none(), valid, "{doc}: {result:?}");
    }
    assert_eq!(results[0], None);
}
