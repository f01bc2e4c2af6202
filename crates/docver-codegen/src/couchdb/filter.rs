//! The replication filter for clients of one version, as a design document with a JavaScript
//! filter function: for servers and clients without Mango selector support in replication
//! (pouchdb-server crashes on `_changes?filter=_selector`, and its `_replicate` ignores
//! `selector`). It passes what the Mango selector of `docver filter` passes: everything except
//! the family's documents tagged with a version below the client's.
//!
//! Every name reaches the function as a JSON-encoded literal ([`super::js`]), so no family or
//! field name can change what the function does.

use serde_json::{Value, json};

use super::js;

/// The filter's name inside its design document (`"<design name>/client"` in a replication).
pub const FILTER_NAME: &str = "client";

/// The design document's name (without `_design/`) for `family`'s clients at `client_version`.
pub fn replication_design_name(family: &str, client_version: u32) -> String {
    format!("docver-replication-{family}-v{client_version}")
}

/// The design document holding the filter (its `_id` included).
pub fn replication_design_document(
    family: &str,
    schema_field: &str,
    version_field: &str,
    client_version: u32,
) -> Value {
    let function = format!(
        "function (doc, req) {{\n  \
           var family = {family}, schemaField = {schema}, versionField = {version};\n  \
           if (doc[schemaField] !== family) return true;\n  \
           var v = doc[versionField];\n  \
           return !(typeof v === \"number\" && v < {client_version});\n\
         }}",
        family = js::string(family),
        schema = js::string(schema_field),
        version = js::string(version_field),
    );
    json!({
        "_id": format!("_design/{}", replication_design_name(family, client_version)),
        "language": "javascript",
        "filters": { FILTER_NAME: function },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_literals_in_the_function() {
        let hostile = "x\"; return false; //\u{2028}</script>";
        let doc = replication_design_document(hostile, "schema", "version", 2);
        let function = doc["filters"][FILTER_NAME].as_str().unwrap();
        let literal = js::string(hostile);
        assert!(function.contains(&format!("var family = {literal},")));
        // The only statements are the template's.
        assert_eq!(
            function.matches("return").count(),
            2 + hostile.matches("return").count()
        );
        assert!(!function.contains('\u{2028}'));
    }
}
