//! `docver generate …`: code from schema versions.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;

use clap::{Args, Subcommand};
use docver_codegen::couchdb::{ValidationOptions, declared_version, design_document};

use crate::{CliError, EXIT_OK};

#[derive(Debug, Args)]
pub struct GenerateArgs {
    #[command(subcommand)]
    pub what: Generate,
}

#[derive(Debug, Subcommand)]
pub enum Generate {
    /// A CouchDB design document whose validate_doc_update accepts every live version.
    CouchdbValidation(CouchdbArgs),
    /// A Rust module with the types of two schema versions, upgrade and downgrade functions,
    /// and a Decisions trait method for every breaking change.
    Adapters(AdaptersArgs),
    /// A dependency-free TypeScript module for a family's apps: a type and a validator per
    /// version, the steps compiled from the declared lenses, readAs and writeBack.
    Typescript(TypescriptArgs),
}

#[derive(Debug, Args)]
pub struct TypescriptArgs {
    /// The family directory: its reader schemas v1.json … vN.json (other files are ignored).
    #[arg(long, value_name = "DIR")]
    pub family: PathBuf,
    /// Write the module here instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct AdaptersArgs {
    /// The older schema.
    #[arg(value_name = "OLD")]
    pub old: PathBuf,
    /// The newer schema.
    #[arg(value_name = "NEW")]
    pub new: PathBuf,
    /// Wrap the code in `pub mod NAME { … }` (for `include!`) instead of emitting a file
    /// module (to save as `src/NAME.rs`).
    #[arg(long, value_name = "NAME")]
    pub module: Option<String>,
    /// Pure instance-set inclusion instead of tolerant-reader (serde) semantics.
    #[arg(long)]
    pub strict: bool,
    /// Top-level property holding the version tag; '' compares it like any constant.
    #[arg(long, default_value = "version", value_name = "NAME")]
    pub version_field: String,
    /// Write the module here instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Take the schema type NAME (a `$defs` key, title or generated type name) from the
    /// existing Rust type PATH (e.g. `Progress=crate::model::Progress`) instead of generating
    /// it, in both versions. Repeatable. Schemas can also say `"x-rust-type": "PATH"`.
    #[arg(long = "type", value_name = "NAME=PATH", value_parser = type_mapping)]
    pub types: Vec<(String, String)>,
}

/// `NAME=PATH` of `--type`.
fn type_mapping(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((name, path)) if !name.trim().is_empty() && !path.trim().is_empty() => {
            Ok((name.trim().to_owned(), path.trim().to_owned()))
        }
        _ => Err(format!(
            "expected NAME=PATH (e.g. `Progress=crate::model::Progress`), got `{text}`"
        )),
    }
}

#[derive(Debug, Args)]
pub struct CouchdbArgs {
    /// Reader schemas of the live versions (each declares its version as a constant).
    #[arg(required = true, value_name = "SCHEMA")]
    pub schemas: Vec<PathBuf>,
    /// The family name (default: the `schema` constant the schemas declare).
    #[arg(long)]
    pub family: Option<String>,
    /// The version untagged family documents are read as.
    #[arg(long, value_name = "N")]
    pub base: Option<u32>,
    /// Also validate documents with no type tag at all as the base version.
    #[arg(long)]
    pub untagged_as_base: bool,
    #[arg(long, default_value = "schema", value_name = "NAME")]
    pub schema_field: String,
    #[arg(long, default_value = "version", value_name = "NAME")]
    pub version_field: String,
    /// Write the design document here instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

pub fn run(args: &GenerateArgs, out: &mut dyn Write) -> Result<i32, CliError> {
    match &args.what {
        Generate::CouchdbValidation(args) => couchdb(args, out),
        Generate::Adapters(args) => adapters(args, out),
        Generate::Typescript(args) => typescript(args, out),
    }
}

fn typescript(args: &TypescriptArgs, out: &mut dyn Write) -> Result<i32, CliError> {
    use docver_codegen::typescript::{FamilySchemas, generate};
    let module = FamilySchemas::read_dir(&args.family)
        .and_then(|schemas| generate(&schemas))
        .map_err(|e| CliError(e.to_string()))?;
    for warning in &module.warnings {
        eprintln!("warning: {warning}");
    }
    write_output(args.out.as_deref(), &module.text, out)
}

fn adapters(args: &AdaptersArgs, out: &mut dyn Write) -> Result<i32, CliError> {
    // Read through the schema model first: the same located errors as `diff`.
    let old = crate::input::SchemaFile::load(&args.old)?;
    let new = crate::input::SchemaFile::load(&args.new)?;
    let options = docver_codegen::adapters::Options {
        module: args.module.clone(),
        strict: args.strict,
        version_field: (!args.version_field.is_empty()).then(|| args.version_field.clone()),
        type_map: args.types.iter().cloned().collect(),
    };
    let code =
        docver_codegen::adapters::generate(&old.name, &old.text, &new.name, &new.text, &options)
            .map_err(|e| CliError(e.to_string()))?;
    write_output(args.out.as_deref(), &code, out)
}

fn write_output(
    path: Option<&std::path::Path>,
    text: &str,
    out: &mut dyn Write,
) -> Result<i32, CliError> {
    match path {
        Some(path) => std::fs::write(path, text)
            .map_err(|e| CliError(format!("{}: cannot write: {e}", path.display())))?,
        None => out
            .write_all(text.as_bytes())
            .map_err(|e| CliError(format!("cannot write: {e}")))?,
    }
    Ok(EXIT_OK)
}

fn couchdb(args: &CouchdbArgs, out: &mut dyn Write) -> Result<i32, CliError> {
    let mut versions = BTreeMap::new();
    let mut family = args.family.clone();
    for path in &args.schemas {
        // Read through the schema model first: the same errors, with line and column, as `diff`.
        let file = crate::input::SchemaFile::load(path)?;
        let schema: serde_json::Value = serde_json::from_str(&file.text)
            .map_err(|e| CliError(format!("{}: {e}", file.name)))?;
        let version = declared_version(&schema, &args.version_field).ok_or_else(|| {
            CliError(format!(
                "{}: the schema declares no version (expected `properties.{}.const`)",
                file.name, args.version_field
            ))
        })?;
        let declared_family = schema
            .pointer(&format!("/properties/{}/const", args.schema_field))
            .and_then(|v| v.as_str())
            .map(str::to_owned);
        match (&family, declared_family) {
            (None, Some(name)) => family = Some(name),
            (Some(expected), Some(name)) if *expected != name && args.family.is_none() => {
                return Err(CliError(format!(
                    "{}: declares family `{name}`, but an earlier schema declares `{expected}`",
                    file.name
                )));
            }
            _ => {}
        }
        if versions.insert(version, schema).is_some() {
            return Err(CliError(format!(
                "{}: version {version} is given twice",
                file.name
            )));
        }
    }
    let family = family.ok_or_else(|| {
        CliError(
            "no family name: pass --family or give schemas that declare `properties.schema.const`"
                .into(),
        )
    })?;
    let options = ValidationOptions {
        schema_field: args.schema_field.clone(),
        version_field: args.version_field.clone(),
        base_version: args.base,
        untagged_as_base: args.untagged_as_base,
    };
    let design =
        design_document(&family, &versions, &options).map_err(|e| CliError(e.to_string()))?;
    for warning in &design.warnings {
        eprintln!("warning: {warning}");
    }
    let mut text =
        serde_json::to_string_pretty(&design.to_json()).map_err(|e| CliError(e.to_string()))?;
    text.push('\n');
    match &args.out {
        Some(path) => std::fs::write(path, text)
            .map_err(|e| CliError(format!("{}: cannot write: {e}", path.display())))?,
        None => out
            .write_all(text.as_bytes())
            .map_err(|e| CliError(format!("cannot write: {e}")))?,
    }
    Ok(EXIT_OK)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(rule: &str, which: &str) -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../tests/fixtures")
            .join(rule)
            .join(format!("{which}.json"))
    }

    fn args(old: PathBuf, new: PathBuf, out: Option<PathBuf>) -> AdaptersArgs {
        AdaptersArgs {
            old,
            new,
            module: None,
            strict: false,
            version_field: "version".into(),
            out,
            types: Vec::new(),
        }
    }

    #[test]
    fn adapters_to_stdout() {
        let mut out = Vec::new();
        let a = args(
            fixture("type-changed", "old"),
            fixture("type-changed", "new"),
            None,
        );
        assert_eq!(adapters(&a, &mut out).unwrap(), EXIT_OK);
        let text = String::from_utf8(out).unwrap();
        assert!(
            text.contains("fn upgrade_status(&self, old: &old::Todo) -> String;"),
            "{text}"
        );
        assert!(
            text.contains("`type-changed` at `/properties/status`"),
            "{text}"
        );
    }

    #[test]
    fn adapters_to_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("adapters.rs");
        let a = args(
            fixture("property-added-optional", "old"),
            fixture("property-added-optional", "new"),
            Some(path.clone()),
        );
        assert_eq!(adapters(&a, &mut Vec::new()).unwrap(), EXIT_OK);
        let text = std::fs::read_to_string(path).unwrap();
        assert!(text.contains("impl Decisions for () {}"), "{text}");
    }

    #[test]
    fn adapters_with_a_type_mapping() {
        let todo = |v: u32| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join(format!("../examples/todo/schemas/v{v}.json"))
        };
        let code = crate::run([
            "docver",
            "generate",
            "adapters",
            "--type",
            "Nope",
            todo(2).to_str().unwrap(),
            todo(3).to_str().unwrap(),
        ]);
        assert_eq!(
            code,
            crate::EXIT_BAD_INPUT,
            "`--type` without `=` is refused"
        );

        let mut a = args(todo(2), todo(3), None);
        a.types = vec![type_mapping("Progress=crate::model::Progress").unwrap()];
        let mut out = Vec::new();
        assert_eq!(adapters(&a, &mut out).unwrap(), EXIT_OK);
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains("pub use crate::model::Progress;"), "{text}");
        assert!(!text.contains("pub enum Progress"), "{text}");
        assert!(
            text.contains("fn upgrade_status(&self, old: &old::TodoItem) -> new::Progress;"),
            "{text}"
        );
    }

    #[test]
    fn bad_input_is_located() {
        let dir = tempfile::tempdir().unwrap();
        let bad = dir.path().join("bad.json");
        std::fs::write(&bad, "{\n  \"type\": \"object\",\n  oops\n}").unwrap();
        let a = args(fixture("type-changed", "old"), bad, None);
        let err = adapters(&a, &mut Vec::new()).unwrap_err();
        assert!(err.0.contains("bad.json:3:"), "{err}");
        let code = crate::run([
            "docver",
            "generate",
            "adapters",
            "missing-old.json",
            "missing-new.json",
        ]);
        assert_eq!(code, crate::EXIT_BAD_INPUT);
    }
}
