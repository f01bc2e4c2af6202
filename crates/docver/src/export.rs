//! A family's JSON Schema files, as `docver diff`, `generate adapters` and
//! `generate couchdb-validation` read them: each version's reader contract as `v{N}.json`, its
//! writer contract as `v{N}.writer.json` where the two differ, and, on a version reached by a
//! lens step, that lens at the schema's root (`x-docver-lens`), so that `diff` also checks the
//! lens produces the version.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::document::Contract;
use crate::family::Family;
use crate::lens::LENS_KEYWORD;

/// One schema file: its name (relative to the family's directory) and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaFile {
    /// `v3.json` or `v3.writer.json`.
    pub name: String,
    /// Pretty-printed JSON with a trailing newline.
    pub text: String,
}

fn pretty(schema: &Value) -> String {
    serde_json::to_string_pretty(schema).unwrap_or_default() + "\n"
}

/// The schema files of every version of `family` (none for a family that exports no schemas).
pub fn schema_files<F: Family + ?Sized>(family: &F) -> Vec<SchemaFile> {
    let mut files = Vec::new();
    for &version in family.versions() {
        let (Some(mut reader), Some(writer)) = (
            family.json_schema(version, Contract::Reader),
            family.json_schema(version, Contract::Writer),
        ) else {
            continue;
        };
        let lens = family.lens(version);
        if let (Some(lens), Value::Object(schema)) = (&lens, &mut reader) {
            schema.insert(LENS_KEYWORD.to_owned(), lens.clone());
        }
        files.push(SchemaFile {
            name: format!("v{version}.json"),
            text: pretty(&reader),
        });
        // The writer file exists where the contracts differ by more than the lens.
        let mut writer_compared = writer.clone();
        if let (Some(lens), Value::Object(schema)) = (lens, &mut writer_compared) {
            schema.insert(LENS_KEYWORD.to_owned(), lens);
        }
        if writer_compared != reader {
            files.push(SchemaFile {
                name: format!("v{version}.writer.json"),
                text: pretty(&writer),
            });
        }
    }
    files
}

/// Writes [`schema_files`] into `dir` (created if missing); returns the paths written. An error
/// names the path it happened at.
pub fn write_schemas<F: Family + ?Sized>(family: &F, dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let located = |path: &Path, e: std::io::Error| {
        std::io::Error::new(e.kind(), format!("{}: {e}", path.display()))
    };
    std::fs::create_dir_all(dir).map_err(|e| located(dir, e))?;
    let mut written = Vec::new();
    for file in schema_files(family) {
        let path = dir.join(&file.name);
        std::fs::write(&path, file.text).map_err(|e| located(&path, e))?;
        written.push(path);
    }
    Ok(written)
}
