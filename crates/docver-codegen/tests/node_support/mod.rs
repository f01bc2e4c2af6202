//! Running a generated `validate_doc_update` in a real JavaScript engine (node), as the tests
//! of the CouchDB validation share it.

use std::process::Command;

use serde_json::Value;

/// Runs the validation function on each document; `None` = accepted, `Some(message)` = the
/// `forbidden` message it threw. Any other exception fails the test: the server would answer
/// it with HTTP 500 on every write.
pub fn run_in_node(function: &str, docs: &[Value]) -> Vec<Option<String>> {
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("validate.js");
    let program = format!(
        "var validate = ({function});\n\
         var docs = {docs};\n\
         var results = docs.map(function (doc) {{\n\
           try {{ validate(doc, null, {{}}, {{}}); return null; }}\n\
           catch (e) {{ if (e && e.forbidden) {{ return e.forbidden; }} throw e; }}\n\
         }});\n\
         process.stdout.write(JSON.stringify(results));\n",
        docs = Value::Array(docs.to_vec())
    );
    std::fs::write(&script, program).unwrap();
    let output = Command::new("node")
        .arg(&script)
        .output()
        .expect("node (Node.js) must be installed to run the CouchDB validation tests");
    assert!(
        output.status.success(),
        "node failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

/// `doc` as its schema sees it: without CouchDB's own top-level fields (`_id`, `_rev`, …),
/// which the generated validation leaves to the server.
pub fn without_couchdb_fields(doc: &Value) -> Value {
    match doc {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(key, _)| !key.starts_with('_'))
                .map(|(key, value)| (key.clone(), value.clone()))
                .collect(),
        ),
        other => other.clone(),
    }
}
