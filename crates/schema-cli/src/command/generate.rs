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
    }
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
