//! Adversarial schemas that tests and the hostile-input bench share, so that each names the
//! same input the same way.

use serde_json::{Map, Value, json};

/// A union whose every branch leads, through a chain of `depth` `ways`-way unions, back to the
/// union being built: every path is cut, but only after ways^depth of them were tried (the
/// witness search cannot remember a cut path: another path might not pass through the union).
pub fn diamond_chain(depth: usize, ways: usize) -> Value {
    let union = |target: &str| {
        let branches: Vec<Value> = (0..ways)
            .map(|i| {
                let name = format!("m{i}");
                json!({"type": "object", "properties": {&name: {"$ref": target}}, "required": [name]})
            })
            .collect();
        json!({"anyOf": branches})
    };
    let mut defs = Map::new();
    defs.insert("T".to_owned(), union("#/$defs/A0"));
    for i in 0..depth {
        let next = if i + 1 == depth {
            "#/$defs/T".to_owned()
        } else {
            format!("#/$defs/A{}", i + 1)
        };
        defs.insert(format!("A{i}"), union(&next));
    }
    json!({"$ref": "#/$defs/T", "$defs": defs})
}
