//! Issue 21's shape: a draft-07 schema whose root object is definition `D0` itself (inline,
//! not a `$ref`), and whose other definitions `D{i}` sit under `definitions`, each an object
//! with `left` and `right` referring to `D{2i+1}` and `D{2i+2}` (a binary tree of `$ref`s),
//! about ten primitive properties and five of them required. NEW is OLD with changes of four
//! kinds spread over distinct definitions: a property added, a property made required, a
//! string turned into an array of strings, a property removed. Written minified (one line) or
//! pretty-printed.

use serde_json::{Map, Value, json};

use crate::generate::{Pair, Rng};

pub const DRAFT_07: &str = "http://json-schema.org/draft-07/schema#";

#[derive(Debug, Clone, PartialEq)]
struct Prop {
    name: String,
    schema: Value,
}

#[derive(Debug, Clone, PartialEq)]
struct Def {
    props: Vec<Prop>,
    required: Vec<String>,
}

const NAMES: &[&str] = &[
    "name", "title", "status", "count", "owner", "label", "note", "kind", "total", "price",
    "email", "city", "score", "level", "color", "active",
];

/// A primitive property schema, as schemas generated from code write them.
fn primitive(rng: &mut Rng) -> Value {
    match rng.below(6) {
        0 => json!({"type": "string", "maxLength": 16 << rng.below(5)}),
        1 => json!({"type": "string", "format": "date-time"}),
        2 => json!({"type": "integer", "minimum": 0, "maximum": 1000 * (1 + rng.below(9))}),
        3 => json!({"type": "number", "description": "a measured value, in units"}),
        4 => json!({"type": "boolean", "default": false}),
        _ => json!({"type": "string", "description": "free text shown to the user"}),
    }
}

fn make_def(rng: &mut Rng) -> Def {
    let count = 9 + rng.below(3); // 9..=11, about 10
    let props: Vec<Prop> = (0..count)
        .map(|j| Prop {
            name: format!("{}_{j}", NAMES[rng.below(NAMES.len())]),
            schema: primitive(rng),
        })
        .collect();
    let required = props.iter().take(5).map(|p| p.name.clone()).collect();
    Def { props, required }
}

/// Generates OLD and NEW with `defs` definitions (the root counts as `D0`) and `changes`
/// changes, each in a different definition while there are enough of them.
pub fn generate(defs: usize, changes: usize, seed: u64, minified: bool) -> Pair {
    assert!(defs > 0, "at least one definition");
    let mut rng = Rng::new(seed);
    let old: Vec<Def> = (0..defs).map(|_| make_def(&mut rng)).collect();
    let mut new = old.clone();
    let mut log = Vec::with_capacity(changes);
    let mut order: Vec<usize> = (0..defs).collect();
    for i in (1..order.len()).rev() {
        order.swap(i, rng.below(i + 1));
    }
    for c in 0..changes {
        let d = order[c % defs];
        let def = &mut new[d];
        let line = match c % 4 {
            0 => {
                let name = format!("added_{c}");
                def.props.push(Prop {
                    name: name.clone(),
                    schema: json!({"type": "integer"}),
                });
                format!("D{d}.{name}: added (optional)")
            }
            1 => {
                let Some(p) = def.props.iter().find(|p| !def.required.contains(&p.name)) else {
                    continue;
                };
                def.required.push(p.name.clone());
                format!("D{d}.{}: optional -> required", p.name)
            }
            2 => {
                let Some(p) = def.props.iter_mut().find(|p| p.schema["type"] == "string") else {
                    continue;
                };
                p.schema = json!({"type": "array", "items": p.schema.clone()});
                format!("D{d}.{}: string -> array of strings", p.name)
            }
            _ => {
                let Some(p) = def.props.pop() else { continue };
                def.required.retain(|r| *r != p.name);
                format!("D{d}.{}: removed", p.name)
            }
        };
        log.push(line);
    }
    Pair {
        old: render(&old, minified),
        new: render(&new, minified),
        defs,
        properties: old.iter().map(|d| d.props.len() + 2).sum(),
        changes: log,
    }
}

/// `D{i}`'s keywords: `type`, `properties` (`left`, `right` where the children exist, then
/// the primitives), `required`.
fn def_object(i: usize, def: &Def, defs: usize) -> Map<String, Value> {
    let mut properties = Map::new();
    for (name, child) in [("left", 2 * i + 1), ("right", 2 * i + 2)] {
        if child < defs {
            properties.insert(
                name.into(),
                json!({"$ref": format!("#/definitions/D{child}")}),
            );
        }
    }
    for p in &def.props {
        properties.insert(p.name.clone(), p.schema.clone());
    }
    let mut object = Map::new();
    object.insert("type".into(), json!("object"));
    object.insert("properties".into(), Value::Object(properties));
    object.insert("required".into(), json!(def.required));
    object
}

fn render(defs: &[Def], minified: bool) -> String {
    let definitions: Map<String, Value> = defs
        .iter()
        .enumerate()
        .skip(1)
        .map(|(i, d)| (format!("D{i}"), Value::Object(def_object(i, d, defs.len()))))
        .collect();
    let mut root = Map::new();
    root.insert("$schema".into(), json!(DRAFT_07));
    root.extend(def_object(0, &defs[0], defs.len()));
    root.insert("definitions".into(), Value::Object(definitions));
    let root = Value::Object(root);
    let mut text = if minified {
        serde_json::to_string(&root)
    } else {
        serde_json::to_string_pretty(&root)
    }
    .expect("a Value always serialises");
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tree_of_refs_with_the_changes_asked_for() {
        let pair = generate(40, 12, 3, true);
        assert_eq!(pair.old.lines().count(), 1);
        assert_eq!(pair.changes.len(), 12);
        for i in 1..40 {
            let uses = pair.old.matches(&format!("\"#/definitions/D{i}\"")).count();
            assert_eq!(uses, 1, "D{i}");
        }
        let pretty = generate(40, 12, 3, false);
        let as_value = |t: &str| serde_json::from_str::<Value>(t).unwrap();
        assert_eq!(as_value(&pretty.old), as_value(&pair.old));
        assert_eq!(as_value(&pretty.new), as_value(&pair.new));
        let old = docver_check::read_schema("old.json", &pair.old).expect("OLD reads");
        let new = docver_check::read_schema("new.json", &pair.new).expect("NEW reads");
        let report = docver_check::diff(&old, &new, &docver_check::DiffOptions::default());
        assert!(report.findings.len() >= 12, "{:#?}", report.findings);
    }
}
