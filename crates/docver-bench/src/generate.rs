//! Deterministic generator of a large OLD/NEW pair of JSON Schema (draft 2020-12) files.
//!
//! Every definition `Def{i}` is an object with about ten properties. In the [`Shape::Flat`]
//! shape the root is an object with one property `p{i}` per definition (`"$ref":
//! "#/$defs/Def{i}"`) and definitions never refer to each other. Otherwise `Def{i}` refers to
//! `Def{2i+1}` and `Def{2i+2}` (a binary tree, so every definition is reachable from the
//! root's `"$ref": "#/$defs/Def0"`); in the [`Shape::Cyclic`] shape also to a few random
//! other definitions (which makes the graph cyclic). A required reference only ever points to a later definition, so no cycle
//! consists of required properties and every definition has finite instances.
//!
//! NEW is OLD with a fixed number of changes spread over the definitions; the list of
//! changes is returned alongside the two texts.

use std::collections::HashSet;

use serde_json::{Map, Value, json};

/// A tiny xorshift64 generator: deterministic, seedable, good enough for test data.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        // xorshift must not start at zero.
        Rng((seed ^ 0x9E37_79B9_7F4A_7C15) | 1)
    }

    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    /// Uniform-ish in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// True with probability `percent`/100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next_u64() % 100 < percent
    }
}

const WORDS: &[&str] = &[
    "name", "title", "status", "count", "owner", "label", "note", "kind", "total", "price",
    "email", "phone", "city", "street", "tags", "flags", "score", "level", "color", "size",
    "active", "hidden", "locale", "region", "parent", "target", "source", "comment", "rank",
    "limit",
];

const ENUM_WORDS: &[&str] = &[
    "draft", "open", "closed", "pending", "active", "archived", "red", "green", "blue", "small",
    "medium", "large", "low", "high", "new", "old",
];

#[derive(Debug, Clone, PartialEq, Eq)]
enum Kind {
    Str {
        max_length: Option<u64>,
        enum_values: Option<Vec<String>>,
    },
    Int,
    Bool,
    StrArray,
    Ref(usize),
    Nullable(Box<Kind>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Prop {
    name: String,
    kind: Kind,
    required: bool,
    /// A tree edge (`Def{i}` → `Def{2i+1}`/`Def{2i+2}`): never removed, keeps everything reachable.
    structural: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Def {
    props: Vec<Prop>,
}

/// How definitions refer to each other.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// The root object has one property per definition, each a `$ref` to it; definitions
    /// hold only primitives, string arrays, enums and nullable primitives: no reference
    /// between definitions at all.
    Flat,
    /// Tree edges plus random references to any definition: shared and recursive
    /// definitions, as real schemas have.
    Cyclic,
    /// Tree edges only: every definition is referenced exactly once, so a tool that
    /// inlines every `$ref` terminates and its expansion stays as large as the file.
    Tree,
    /// Issue 21's draft-07 tree ([`crate::draft07`]), pretty-printed.
    Draft07Tree,
    /// The same, minified: the whole file on one line.
    Draft07TreeMinified,
}

impl Shape {
    pub fn label(self) -> &'static str {
        match self {
            Shape::Flat => "flat",
            Shape::Cyclic => "cyclic",
            Shape::Tree => "tree",
            Shape::Draft07Tree => "draft07-tree",
            Shape::Draft07TreeMinified => "draft07-tree-min",
        }
    }

    pub const ALL: [Shape; 5] = [
        Shape::Flat,
        Shape::Cyclic,
        Shape::Tree,
        Shape::Draft07Tree,
        Shape::Draft07TreeMinified,
    ];

    /// The shape `label` names.
    pub fn from_label(label: &str) -> Option<Shape> {
        Shape::ALL.into_iter().find(|s| s.label() == label)
    }

    /// Whether the files say draft-07 themselves (the npm peer's copies are then the files).
    pub fn is_draft07(self) -> bool {
        matches!(self, Shape::Draft07Tree | Shape::Draft07TreeMinified)
    }
}

/// What [`generate`] produced.
#[derive(Debug, Clone)]
pub struct Pair {
    pub old: String,
    pub new: String,
    pub defs: usize,
    /// Properties in OLD, over all definitions.
    pub properties: usize,
    /// One line per change applied to NEW, e.g. `Def17.city_3: type integer -> string`.
    pub changes: Vec<String>,
}

/// Generates OLD and NEW with `defs` definitions and (up to) `changes` changes.
pub fn generate(defs: usize, changes: usize, seed: u64, shape: Shape) -> Pair {
    assert!(defs > 0, "at least one definition");
    if shape.is_draft07() {
        return crate::draft07::generate(defs, changes, seed, shape == Shape::Draft07TreeMinified);
    }
    let mut rng = Rng::new(seed);
    let old: Vec<Def> = (0..defs)
        .map(|i| make_def(i, defs, shape, &mut rng))
        .collect();
    let mut new = old.clone();
    let applied = apply_changes(&mut new, changes, &mut rng);
    Pair {
        old: render(&old, shape),
        new: render(&new, shape),
        defs,
        properties: old.iter().map(|d| d.props.len()).sum(),
        changes: applied,
    }
}

fn make_def(i: usize, defs: usize, shape: Shape, rng: &mut Rng) -> Def {
    let count = 8 + rng.below(5); // 8..=12, about 10 on average
    let mut props = Vec::with_capacity(count);
    for (slot, child) in [2 * i + 1, 2 * i + 2].into_iter().enumerate() {
        if child < defs && shape != Shape::Flat {
            let kind = if slot == 0 {
                Kind::Ref(child)
            } else {
                Kind::Nullable(Box::new(Kind::Ref(child)))
            };
            props.push(Prop {
                name: if slot == 0 { "child_a" } else { "child_b" }.to_owned(),
                kind,
                required: slot == 0 && rng.chance(30),
                structural: true,
            });
        }
    }
    let mut j = 0;
    while props.len() < count {
        let word = WORDS[rng.below(WORDS.len())];
        let kind = random_kind(defs, shape == Shape::Cyclic, rng);
        // A required reference only points forward: no cycle of required properties.
        let may_require = match &kind {
            Kind::Ref(t) => *t > i,
            Kind::Nullable(_) => true,
            _ => true,
        };
        props.push(Prop {
            name: format!("{word}_{j}"),
            kind,
            required: may_require && rng.chance(30),
            structural: false,
        });
        j += 1;
    }
    Def { props }
}

fn random_kind(defs: usize, refs: bool, rng: &mut Rng) -> Kind {
    match rng.below(100) {
        0..=29 => random_string(rng),
        72..=84 if !refs => random_string(rng),
        30..=49 => Kind::Int,
        50..=59 => Kind::Bool,
        60..=71 => Kind::StrArray,
        72..=84 => Kind::Ref(rng.below(defs)),
        _ => Kind::Nullable(Box::new(match rng.below(3) {
            0 => Kind::Str {
                max_length: None,
                enum_values: None,
            },
            1 => Kind::Int,
            _ if !refs => Kind::Int,
            _ => Kind::Ref(rng.below(defs)),
        })),
    }
}

fn random_string(rng: &mut Rng) -> Kind {
    if rng.chance(25) {
        let n = 3 + rng.below(3);
        let start = rng.below(ENUM_WORDS.len());
        let values = (0..n)
            .map(|k| ENUM_WORDS[(start + k) % ENUM_WORDS.len()].to_owned())
            .collect();
        Kind::Str {
            max_length: None,
            enum_values: Some(values),
        }
    } else {
        let max_length = rng.chance(40).then(|| 16 << rng.below(5));
        Kind::Str {
            max_length,
            enum_values: None,
        }
    }
}

const CHANGE_KINDS: usize = 9;

/// Applies `count` changes, cycling through the change kinds, each to a random definition
/// and a property no other change touched. Returns one description per change.
fn apply_changes(defs: &mut [Def], count: usize, rng: &mut Rng) -> Vec<String> {
    let mut touched: HashSet<(usize, String)> = HashSet::new();
    let mut log = Vec::with_capacity(count);
    for c in 0..count {
        let kind = c % CHANGE_KINDS;
        // Some definitions have no property a given change applies to: try others.
        for _attempt in 0..200 {
            let d = rng.below(defs.len());
            if let Some(line) = try_change(kind, c, d, &mut defs[d], &mut touched, rng) {
                log.push(line);
                break;
            }
        }
    }
    log
}

fn pick(
    def: &Def,
    d: usize,
    touched: &HashSet<(usize, String)>,
    rng: &mut Rng,
    ok: impl Fn(&Prop) -> bool,
) -> Option<usize> {
    let candidates: Vec<usize> = (0..def.props.len())
        .filter(|&k| {
            let p = &def.props[k];
            !p.structural && ok(p) && !touched.contains(&(d, p.name.clone()))
        })
        .collect();
    (!candidates.is_empty()).then(|| candidates[rng.below(candidates.len())])
}

fn try_change(
    kind: usize,
    c: usize,
    d: usize,
    def: &mut Def,
    touched: &mut HashSet<(usize, String)>,
    rng: &mut Rng,
) -> Option<String> {
    let line = match kind {
        0 | 1 => {
            let required = kind == 1;
            let name = format!("added_{c}");
            def.props.push(Prop {
                name: name.clone(),
                kind: if c % 2 == 0 {
                    Kind::Int
                } else {
                    Kind::Str {
                        max_length: None,
                        enum_values: None,
                    }
                },
                required,
                structural: false,
            });
            touched.insert((d, name.clone()));
            let how = if required { "required" } else { "optional" };
            return Some(format!("Def{d}.{name}: added ({how})"));
        }
        2 => {
            let k = pick(def, d, touched, rng, |_| true)?;
            let p = def.props.remove(k);
            touched.insert((d, p.name.clone()));
            return Some(format!("Def{d}.{}: removed", p.name));
        }
        3 => {
            let k = pick(def, d, touched, rng, |p| {
                matches!(
                    p.kind,
                    Kind::Int
                        | Kind::Bool
                        | Kind::Str {
                            enum_values: None,
                            ..
                        }
                )
            })?;
            let p = &mut def.props[k];
            let (from, to, kind) = match p.kind {
                Kind::Int => (
                    "integer",
                    "string",
                    Kind::Str {
                        max_length: None,
                        enum_values: None,
                    },
                ),
                Kind::Bool => ("boolean", "integer", Kind::Int),
                _ => ("string", "integer", Kind::Int),
            };
            p.kind = kind;
            format!("Def{d}.{}: type {from} -> {to}", p.name)
        }
        4 | 5 => {
            let k = pick(
                def,
                d,
                touched,
                rng,
                |p| matches!(&p.kind, Kind::Str { enum_values: Some(v), .. } if v.len() >= 2),
            )?;
            let p = &mut def.props[k];
            let Kind::Str {
                enum_values: Some(values),
                ..
            } = &mut p.kind
            else {
                unreachable!("picked an enum property")
            };
            if kind == 4 {
                let value = format!("extra{c}");
                values.push(value.clone());
                format!("Def{d}.{}: enum value `{value}` added", p.name)
            } else {
                let value = values.pop().unwrap_or_default();
                format!("Def{d}.{}: enum value `{value}` removed", p.name)
            }
        }
        6 => {
            let k = pick(def, d, touched, rng, |p| {
                matches!(
                    p.kind,
                    Kind::Str {
                        max_length: Some(_),
                        ..
                    }
                )
            })?;
            let p = &mut def.props[k];
            let Kind::Str {
                max_length: Some(n),
                ..
            } = &mut p.kind
            else {
                unreachable!("picked a string with maxLength")
            };
            let old = *n;
            *n = if c % 2 == 0 { old / 2 } else { old * 2 };
            format!("Def{d}.{}: maxLength {old} -> {n}", p.name)
        }
        7 | 8 => {
            // Toggle `required`; only for non-reference properties, so required
            // references stay acyclic.
            let want_required = kind == 7;
            let k = pick(def, d, touched, rng, |p| {
                p.required != want_required && !matches!(p.kind, Kind::Ref(_))
            })?;
            let p = &mut def.props[k];
            p.required = want_required;
            let how = if want_required {
                "optional -> required"
            } else {
                "required -> optional"
            };
            format!("Def{d}.{}: {how}", p.name)
        }
        _ => unreachable!("CHANGE_KINDS"),
    };
    touched.insert((d, def_name_of(&line)));
    Some(line)
}

/// The property name in a change line `Def{d}.{name}: ...`.
fn def_name_of(line: &str) -> String {
    let after_dot = line.split_once('.').map_or("", |(_, rest)| rest);
    after_dot.split_once(':').map_or("", |(n, _)| n).to_owned()
}

fn render(defs: &[Def], shape: Shape) -> String {
    let mut all = Map::new();
    for (i, def) in defs.iter().enumerate() {
        let mut properties = Map::new();
        for p in &def.props {
            properties.insert(p.name.clone(), render_kind(&p.kind));
        }
        let required: Vec<Value> = def
            .props
            .iter()
            .filter(|p| p.required)
            .map(|p| Value::String(p.name.clone()))
            .collect();
        let mut object = Map::new();
        object.insert("type".into(), json!("object"));
        object.insert("properties".into(), Value::Object(properties));
        if !required.is_empty() {
            object.insert("required".into(), Value::Array(required));
        }
        all.insert(format!("Def{i}"), Value::Object(object));
    }
    let root = if shape == Shape::Flat {
        let properties: Map<String, Value> = (0..defs.len())
            .map(|i| (format!("p{i}"), render_kind(&Kind::Ref(i))))
            .collect();
        json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "type": "object",
            "properties": Value::Object(properties),
            "$defs": Value::Object(all),
        })
    } else {
        json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$ref": "#/$defs/Def0",
            "$defs": Value::Object(all),
        })
    };
    let mut text = serde_json::to_string_pretty(&root).expect("a Value always serialises");
    text.push('\n');
    text
}

fn render_kind(kind: &Kind) -> Value {
    match kind {
        Kind::Str {
            max_length,
            enum_values,
        } => {
            let mut o = Map::new();
            o.insert("type".into(), json!("string"));
            if let Some(n) = max_length {
                o.insert("maxLength".into(), json!(n));
            }
            if let Some(values) = enum_values {
                o.insert("enum".into(), json!(values));
            }
            Value::Object(o)
        }
        Kind::Int => json!({"type": "integer"}),
        Kind::Bool => json!({"type": "boolean"}),
        Kind::StrArray => json!({"type": "array", "items": {"type": "string"}}),
        Kind::Ref(t) => json!({"$ref": format!("#/$defs/Def{t}")}),
        Kind::Nullable(inner) => json!({"anyOf": [render_kind(inner), {"type": "null"}]}),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_and_readable() {
        let a = generate(40, 12, 7, Shape::Cyclic);
        let b = generate(40, 12, 7, Shape::Cyclic);
        assert_eq!(a.old, b.old);
        assert_eq!(a.new, b.new);
        assert_eq!(a.changes, b.changes);
        assert_eq!(a.changes.len(), 12);
        assert_ne!(a.old, a.new);
        assert_ne!(generate(40, 12, 8, Shape::Cyclic).old, a.old);

        for shape in [Shape::Flat, Shape::Cyclic, Shape::Tree] {
            let pair = generate(40, 12, 7, shape);
            let old = docver_check::read_schema("old.json", &pair.old).expect("OLD reads");
            let new = docver_check::read_schema("new.json", &pair.new).expect("NEW reads");
            let report = docver_check::diff(&old, &new, &docver_check::DiffOptions::default());
            assert!(!report.findings.is_empty());
        }
    }

    #[test]
    fn every_definition_is_referenced() {
        for shape in [Shape::Flat, Shape::Cyclic, Shape::Tree] {
            let pair = generate(25, 0, 1, shape);
            for i in 1..25 {
                let pointer = format!("\"#/$defs/Def{i}\"");
                let uses = pair.old.matches(&pointer).count();
                assert!(uses >= 1, "Def{i} unreferenced");
                if shape != Shape::Cyclic {
                    assert_eq!(uses, 1, "Def{i} referenced more than once");
                }
            }
        }
    }
}
