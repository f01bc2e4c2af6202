//! CouchDB design documents whose `validate_doc_update` accepts every live version of a family.
//!
//! The seed's "JSON Schema + server-side validations": the server refuses a write that matches
//! none of the family's live versions, using CouchDB's `{forbidden: message}` convention, with a
//! message that names the family, the version and the field. The generated function embeds each
//! version's JSON Schema and a small ES5 validator for the keywords docver's schemas use
//! (CouchDB's JavaScript engine may predate ES2015), so the design document is self-contained.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use crate::error::CodegenError;

mod filter;
pub(crate) mod js;
mod pattern;

pub use filter::{FILTER_NAME, replication_design_document, replication_design_name};

/// The JavaScript validator shared by every generated design document.
const VALIDATOR_JS: &str = include_str!("validator.js");

/// Keywords the embedded validator checks. Anything else that asserts (rather than annotates) is
/// reported as a warning at generation time, since the server would not enforce it.
const ENFORCED_KEYWORDS: &[&str] = &[
    "$ref",
    "type",
    "const",
    "enum",
    "minLength",
    "maxLength",
    "pattern",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "items",
    "prefixItems",
    "minItems",
    "maxItems",
    "uniqueItems",
    "properties",
    "required",
    "additionalProperties",
    "allOf",
    "anyOf",
    "oneOf",
    "not",
];

/// Keywords that only describe (never reject), or hold subschemas we walk into.
const ANNOTATION_KEYWORDS: &[&str] = &[
    "$schema",
    "$id",
    "$comment",
    "$defs",
    "definitions",
    "title",
    "description",
    "default",
    "examples",
    "deprecated",
    "readOnly",
    "writeOnly",
    "format",
];

/// How documents carry their family and version, and how untagged documents are treated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationOptions {
    /// Top-level field holding the family name (`"schema": "todo-item"`).
    pub schema_field: String,
    /// Top-level field holding the integer major version (`"version": 2`).
    pub version_field: String,
    /// The version a family document without a version tag is read as; without one, such a
    /// document is rejected.
    pub base_version: Option<u32>,
    /// Also validate documents with no family tag at all as `base_version` (for a database that
    /// holds only this family, with documents written before versioning). Off by default:
    /// a design document for one family then leaves other documents alone.
    pub untagged_as_base: bool,
}

impl Default for ValidationOptions {
    fn default() -> Self {
        Self {
            schema_field: "schema".to_owned(),
            version_field: "version".to_owned(),
            base_version: None,
            untagged_as_base: false,
        }
    }
}

/// A generated `_design/<family>` document.
#[derive(Debug, Clone, PartialEq)]
pub struct DesignDocument {
    /// `_design/<family>`.
    pub id: String,
    /// The `validate_doc_update` function's source text.
    pub validate_doc_update: String,
    /// Keywords in the schemas that the server will not enforce, with their JSON pointers.
    pub warnings: Vec<String>,
}

impl DesignDocument {
    /// The design document as CouchDB stores it (without `_rev`).
    pub fn to_json(&self) -> Value {
        json!({
            "_id": self.id,
            "language": "javascript",
            "validate_doc_update": self.validate_doc_update,
        })
    }
}

/// Generates the design document for `family` from its live versions' reader schemas.
pub fn design_document(
    family: &str,
    versions: &BTreeMap<u32, Value>,
    options: &ValidationOptions,
) -> Result<DesignDocument, CodegenError> {
    if versions.is_empty() {
        return Err(CodegenError::NoVersions {
            family: family.to_owned(),
        });
    }
    if options.untagged_as_base && options.base_version.is_none() {
        return Err(CodegenError::UntaggedWithoutBase {
            family: family.to_owned(),
        });
    }
    if let Some(base) = options.base_version
        && !versions.contains_key(&base)
    {
        return Err(CodegenError::BaseNotLive {
            family: family.to_owned(),
            base,
        });
    }
    let mut inspection = Inspection::default();
    for (version, schema) in versions {
        inspection.schema(schema, &format!("v{version}#"));
    }
    if !inspection.unsupported_patterns.is_empty() {
        return Err(CodegenError::UnsupportedPatterns {
            family: family.to_owned(),
            problems: inspection.unsupported_patterns,
        });
    }
    let schemas: Map<String, Value> = versions
        .iter()
        .map(|(version, schema)| {
            let mut schema = schema.clone();
            strip_annotations(&mut schema);
            (version.to_string(), schema)
        })
        .collect();
    let live: Vec<String> = versions.keys().map(u32::to_string).collect();
    let validate_doc_update = render_function(family, &live, &Value::Object(schemas), options);
    Ok(DesignDocument {
        id: format!("_design/{family}"),
        validate_doc_update,
        warnings: inspection.warnings,
    })
}

/// Removes what only documents a schema (titles, descriptions, comments, examples, `x-` vendor
/// keywords) from every subschema: the server does not need it, and the design document stays
/// small.
pub(crate) fn strip_annotations(schema: &mut Value) {
    let Some(object) = schema.as_object_mut() else {
        return;
    };
    for key in ["title", "description", "$comment", "examples"] {
        object.remove(key);
    }
    // Vendor keywords (`x-docver-lens`, `x-rust-type`) say nothing to a validator.
    object.retain(|key, _| !key.starts_with("x-"));
    for (key, value) in object.iter_mut() {
        match key.as_str() {
            "properties" | "$defs" | "definitions" | "patternProperties" => {
                if let Some(children) = value.as_object_mut() {
                    children.values_mut().for_each(strip_annotations);
                }
            }
            "anyOf" | "oneOf" | "allOf" | "prefixItems" => {
                if let Some(children) = value.as_array_mut() {
                    children.iter_mut().for_each(strip_annotations);
                }
            }
            "items" | "additionalProperties" | "not" | "contains" => strip_annotations(value),
            _ => {}
        }
    }
}

/// The version a reader schema declares for itself: `properties.<version_field>.const` (or a
/// one-value `enum`), as docver's derive emits it.
pub fn declared_version(schema: &Value, version_field: &str) -> Option<u32> {
    let tag = schema.get("properties")?.get(version_field)?;
    let value = tag.get("const").or_else(|| match tag.get("enum") {
        Some(Value::Array(values)) if values.len() == 1 => values.first(),
        _ => None,
    })?;
    value.as_u64().and_then(|v| u32::try_from(v).ok())
}

fn render_function(
    family: &str,
    live: &[String],
    schemas: &Value,
    options: &ValidationOptions,
) -> String {
    // Every value from the input goes through `js`; the comment holds only version numbers.
    let quote = js::string;
    let schemas = js::pretty_literal(schemas, "  ");
    let base = options
        .base_version
        .map_or_else(|| "null".to_owned(), |v| v.to_string());
    let mut out = String::new();
    out.push_str("function (newDoc, oldDoc, userCtx, secObj) {\n");
    out.push_str(&format!(
        "  // Generated by docver: accepts the live versions {} of the family named below and\n  \
         // rejects family documents that match none of them.\n",
        live.join(", ")
    ));
    out.push_str(&format!("  var family = {};\n", quote(family)));
    out.push_str(&format!(
        "  var schemaField = {};\n",
        quote(&options.schema_field)
    ));
    out.push_str(&format!(
        "  var versionField = {};\n",
        quote(&options.version_field)
    ));
    out.push_str(&format!("  var baseVersion = {base};\n"));
    out.push_str(&format!(
        "  var untaggedAsBase = {};\n",
        options.untagged_as_base
    ));
    out.push_str(&format!("  var schemas = {schemas};\n\n"));
    out.push_str(VALIDATOR_JS);
    out.push_str(
        r#"
  function forbid(message) {
    throw({forbidden: family + " " + message});
  }

  if (newDoc._deleted === true || newDoc._id.indexOf("_design/") === 0) {
    return;
  }
  var tagged = Object.prototype.hasOwnProperty.call(newDoc, schemaField);
  if (tagged && newDoc[schemaField] !== family) {
    return;
  }
  if (!tagged && !untaggedAsBase) {
    return;
  }
  var version = newDoc[versionField];
  if (version === undefined) {
    if (baseVersion === null) {
      forbid("document has no \"" + versionField + "\" tag and the family declares no base version");
    }
    version = baseVersion;
  }
  if (typeof version !== "number" || Math.floor(version) !== version) {
    forbid("document's \"" + versionField + "\" must be an integer, found " + JSON.stringify(version));
  }
  var schema = schemas[String(version)];
  if (schema === undefined) {
    forbid("version " + version + " is not a live version (live: " + Object.keys(schemas).join(", ") + ")");
  }
  var idVersion = /^([^@:]+)@([0-9]+):/.exec(newDoc._id);
  if (idVersion !== null && idVersion[1] === family && Number(idVersion[2]) !== version) {
    forbid("version " + version + ": the id " + newDoc._id + " names version " + idVersion[2]);
  }
  // A document whose tags are implied is checked as if it carried them.
  var checked = newDoc;
  if (!tagged || newDoc[versionField] === undefined) {
    checked = {};
    for (var key in newDoc) {
      if (Object.prototype.hasOwnProperty.call(newDoc, key)) {
        checked[key] = newDoc[key];
      }
    }
    checked[schemaField] = family;
    checked[versionField] = version;
  }
  var error = check(schema, schema, checked, "", 0);
  if (error) {
    forbid("version " + version + ": " + error);
  }
}
"#,
    );
    out
}

/// What a walk over the schemas found: keywords the server will not enforce (warnings) and
/// patterns it cannot compile (errors).
#[derive(Default)]
pub(crate) struct Inspection {
    pub(crate) warnings: Vec<String>,
    pub(crate) unsupported_patterns: Vec<String>,
}

impl Inspection {
    pub(crate) fn schema(&mut self, schema: &Value, pointer: &str) {
        match schema {
            Value::Object(map) => {
                for (key, value) in map {
                    self.keyword(key, value, &docver::pointer::push(pointer, key));
                }
            }
            Value::Bool(_) => {}
            _ => self.warnings.push(format!(
                "{pointer}: not a schema (expected an object or a boolean)"
            )),
        }
    }

    fn keyword(&mut self, key: &str, value: &Value, here: &str) {
        if !ENFORCED_KEYWORDS.contains(&key)
            && !ANNOTATION_KEYWORDS.contains(&key)
            && !key.starts_with("x-")
        {
            self.warnings.push(format!(
                "{here}: `{key}` is not enforced by the generated validation function"
            ));
        }
        match key {
            "pattern" => {
                let problem = match value {
                    Value::String(text) => pattern::unsupported_syntax(text),
                    _ => Some("a pattern must be a string".to_owned()),
                };
                if let Some(problem) = problem {
                    self.unsupported_patterns
                        .push(format!("{here}: {value}: {problem}"));
                }
            }
            "properties" | "$defs" | "definitions" => {
                if let Value::Object(children) = value {
                    for (name, child) in children {
                        self.schema(child, &docver::pointer::push(here, name));
                    }
                }
            }
            "items" | "additionalProperties" | "not" => self.schema(value, here),
            "prefixItems" | "allOf" | "anyOf" | "oneOf" => {
                if let Value::Array(children) = value {
                    for (index, child) in children.iter().enumerate() {
                        self.schema(child, &format!("{here}/{index}"));
                    }
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declared_version_reads_const_or_single_enum() {
        let schema = json!({"properties": {"version": {"const": 3}}});
        assert_eq!(declared_version(&schema, "version"), Some(3));
        let schema = json!({"properties": {"v": {"enum": [2]}}});
        assert_eq!(declared_version(&schema, "v"), Some(2));
        assert_eq!(declared_version(&json!({}), "version"), None);
    }

    #[test]
    fn unenforced_keywords_are_warned_with_their_pointer() {
        let versions = BTreeMap::from([(
            1,
            json!({"properties": {"a": {"patternProperties": {}, "format": "uuid"}}}),
        )]);
        let doc = design_document("t", &versions, &ValidationOptions::default()).unwrap();
        assert_eq!(
            doc.warnings,
            vec![
                "v1#/properties/a/patternProperties: `patternProperties` is not enforced by the generated validation function"
            ]
        );
    }

    #[test]
    fn base_version_must_be_live() {
        let versions = BTreeMap::from([(2, json!({}))]);
        let options = ValidationOptions {
            base_version: Some(1),
            ..ValidationOptions::default()
        };
        assert!(matches!(
            design_document("t", &versions, &options),
            Err(CodegenError::BaseNotLive { base: 1, .. })
        ));
    }
}
