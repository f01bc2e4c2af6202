//! A family as the TypeScript generator reads it: the exported reader schemas `v1.json … vN.json`
//! of one directory, the tag fields they declare, and each step's declared lens (or none: a step
//! the app supplies).
//!
//! Only `v<N>.json` files are read; writer schemas (`v2.writer.json`) and configuration files
//! beside them are left to the tools that read those.

use std::collections::BTreeMap;
use std::path::Path;

use docver::lens::{LENS_KEYWORD, Lens};
use serde_json::Value;

use crate::CodegenError;

/// One family's reader schemas, in version order.
#[derive(Debug, Clone, PartialEq)]
pub struct FamilySchemas {
    /// Version → (where the schema came from, for messages; the schema).
    pub versions: BTreeMap<u32, (String, Value)>,
}

/// A step between two consecutive versions.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Step {
    pub(crate) from: u32,
    pub(crate) to: u32,
    /// The lens the newer schema declares; `None`: the app supplies the step (`Decisions`).
    pub(crate) lens: Option<Lens>,
}

/// The family, checked: contiguous versions, one tag field pair, valid lenses.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Family {
    /// The family name (the string constant of the schema field).
    pub(crate) name: String,
    pub(crate) schema_field: String,
    pub(crate) version_field: String,
    pub(crate) versions: BTreeMap<u32, Value>,
    pub(crate) steps: Vec<Step>,
}

impl FamilySchemas {
    /// Reads `v<N>.json` from `dir`.
    pub fn read_dir(dir: &Path) -> Result<FamilySchemas, CodegenError> {
        let io = |e: std::io::Error| CodegenError::Io {
            path: dir.display().to_string(),
            message: e.to_string(),
        };
        let mut versions = BTreeMap::new();
        for entry in std::fs::read_dir(dir).map_err(io)? {
            let path = entry.map_err(io)?.path();
            let Some(file) = path.file_name().and_then(|n| n.to_str()) else {
                continue;
            };
            let Some(version) = file
                .strip_prefix('v')
                .and_then(|rest| rest.strip_suffix(".json"))
                .and_then(|n| n.parse::<u32>().ok())
            else {
                continue;
            };
            let name = path.display().to_string();
            let text = std::fs::read_to_string(&path).map_err(|e| CodegenError::Io {
                path: name.clone(),
                message: e.to_string(),
            })?;
            let schema = serde_json::from_str(&text).map_err(|e| CodegenError::Schema {
                name: name.clone(),
                message: format!("{name}:{}:{}: {e}", e.line(), e.column()),
            })?;
            versions.insert(version, (name, schema));
        }
        if versions.is_empty() {
            return Err(CodegenError::NoVersions {
                family: dir.display().to_string(),
            });
        }
        Ok(FamilySchemas { versions })
    }

    /// Checks the family and reads its tag fields and steps.
    pub(crate) fn family(&self) -> Result<Family, CodegenError> {
        let (first_name, first) =
            self.versions
                .values()
                .next()
                .ok_or_else(|| CodegenError::NoVersions {
                    family: "(none)".into(),
                })?;
        let schema_error = |name: &str, message: String| CodegenError::Schema {
            name: name.to_owned(),
            message: format!("{name}: {message}"),
        };
        let (schema_field, family) = family_tag(first).ok_or_else(|| {
            schema_error(
                first_name,
                "no property holds the family name as a string `const` (the type tag)".into(),
            )
        })?;
        let mut versions = BTreeMap::new();
        let mut steps = Vec::new();
        let mut version_field: Option<String> = None;
        let mut previous: Option<u32> = None;
        for (&version, (name, schema)) in &self.versions {
            if let Some(previous) = previous
                && previous + 1 != version
            {
                return Err(schema_error(
                    name,
                    format!("versions must follow each other: v{previous} then v{version}"),
                ));
            }
            if tag_const(schema, &schema_field) != Some(&Value::String(family.clone())) {
                return Err(schema_error(
                    name,
                    format!(
                        "`properties.{schema_field}.const` must be {} as in {first_name}",
                        Value::String(family.clone())
                    ),
                ));
            }
            let field =
                version_tag(schema, version, version_field.as_deref()).ok_or_else(|| {
                    schema_error(
                        name,
                        format!(
                            "no property holds the version {version} as a `const` (the version tag)"
                        ),
                    )
                })?;
            version_field.get_or_insert(field);
            if let Some(from) = previous {
                steps.push(Step {
                    from,
                    to: version,
                    lens: step_lens(name, schema, from, version)?,
                });
            }
            versions.insert(version, schema.clone());
            previous = Some(version);
        }
        Ok(Family {
            name: family,
            schema_field,
            version_field: version_field.expect("at least one version"),
            versions,
            steps,
        })
    }
}

fn tag_const<'a>(schema: &'a Value, field: &str) -> Option<&'a Value> {
    let tag = schema.get("properties")?.get(field)?;
    tag.get("const").or_else(|| match tag.get("enum") {
        Some(Value::Array(values)) if values.len() == 1 => values.first(),
        _ => None,
    })
}

/// The property whose constant is a string: `schema` first when several are.
fn family_tag(schema: &Value) -> Option<(String, String)> {
    let properties = schema.get("properties")?.as_object()?;
    let mut candidates = properties
        .keys()
        .filter_map(|key| Some((key.clone(), tag_const(schema, key)?.as_str()?.to_owned())));
    let all: Vec<(String, String)> = candidates.by_ref().collect();
    all.iter()
        .find(|(key, _)| key == "schema")
        .or_else(|| all.first())
        .cloned()
}

/// The property whose constant is `version`: the one earlier versions used, else `version`
/// first when several are.
fn version_tag(schema: &Value, version: u32, known: Option<&str>) -> Option<String> {
    let holds =
        |key: &str| tag_const(schema, key).and_then(Value::as_u64) == Some(u64::from(version));
    if let Some(known) = known {
        return holds(known).then(|| known.to_owned());
    }
    let properties = schema.get("properties")?.as_object()?;
    let all: Vec<&String> = properties.keys().filter(|key| holds(key)).collect();
    all.iter()
        .find(|key| key.as_str() == "version")
        .or_else(|| all.first())
        .map(|key| (*key).clone())
}

fn step_lens(name: &str, schema: &Value, from: u32, to: u32) -> Result<Option<Lens>, CodegenError> {
    let Some(value) = schema.get(LENS_KEYWORD) else {
        return Ok(None);
    };
    let lens = Lens::from_value(value).map_err(|e| CodegenError::Schema {
        name: name.to_owned(),
        message: format!("{name}: `{LENS_KEYWORD}`: {e}"),
    })?;
    if lens.from.is_some_and(|f| f != u64::from(from))
        || lens.to.is_some_and(|t| t != u64::from(to))
    {
        return Err(CodegenError::Schema {
            name: name.to_owned(),
            message: format!(
                "{name}: `{LENS_KEYWORD}` is declared for {}, but this schema is the step v{from} → v{to}",
                lens_versions(&lens)
            ),
        });
    }
    Ok(Some(lens))
}

fn lens_versions(lens: &Lens) -> String {
    let show = |v: Option<u64>| v.map_or_else(|| "?".to_owned(), |v| format!("v{v}"));
    format!("{} → {}", show(lens.from), show(lens.to))
}
