//! `family.toml`: what a family directory's schemas do not say (the family's name, its tag
//! fields, the base version, the id scheme and the companion documents each version is split
//! into). Read strictly: an unknown key or a bad value is an error with its line and column.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use serde_json::Value;
use toml::Spanned;

/// The id scheme every strategy uses: the logical document's `_id` is its uuid, and the
/// per-version copies and companions are `<schema>@<version>:<uuid>` (the seed's taxonomy).
pub const ID_SCHEME: &str = "schema@version:uuid";

/// The parsed `family.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Manifest {
    /// The value of the schema tag, e.g. `"contact"`.
    pub name: Spanned<String>,
    /// The field holding the schema name: always `schema`, which the strategies read (not a
    /// key of the file).
    #[serde(skip, default = "default_schema_field")]
    pub schema_field: String,
    /// The field holding the version (default `version`).
    #[serde(default = "default_version_field")]
    pub version_field: String,
    /// The version an untagged document is read as.
    #[serde(default)]
    pub base: Option<Spanned<u32>>,
    /// How documents are named in the stores (only [`ID_SCHEME`] exists).
    #[serde(default = "default_id_scheme")]
    pub id_scheme: Spanned<String>,
    /// Companion schemas by version (`[parts]` with `"4" = ["todo-status"]`).
    #[serde(default)]
    pub parts: BTreeMap<Spanned<String>, Vec<String>>,
}

fn default_schema_field() -> String {
    "schema".to_owned()
}

fn default_version_field() -> String {
    "version".to_owned()
}

fn default_id_scheme() -> Spanned<String> {
    Spanned::new(0..0, ID_SCHEME.to_owned())
}

/// `path:line:column: message` for a byte offset in `text`.
fn located(path: &Path, text: &str, offset: usize, message: impl std::fmt::Display) -> String {
    let (line, column) = docver_check::LineIndex::new(text).line_col(text, offset);
    format!("{}:{line}:{column}: {message}", path.display())
}

impl Manifest {
    /// Parses and validates `text`, read from `path` (named in every error).
    pub fn parse(path: &Path, text: &str) -> Result<Manifest, String> {
        let manifest: Manifest = toml::from_str(text).map_err(|e| {
            let offset = e.span().map_or(0, |s| s.start);
            located(path, text, offset, e.message().trim_end())
        })?;
        let name = manifest.name.get_ref();
        // `@`, `:` and `/` separate the parts of versioned ids and of `ddoc/filter` names.
        if name.is_empty() || name.contains(['@', ':', '/']) || name.trim() != name {
            return Err(located(
                path,
                text,
                manifest.name.span().start,
                format!(
                    "`name` must be non-empty, without surrounding spaces, `@`, `:` or `/` \
                     (they separate the parts of document ids), found {:?}",
                    name
                ),
            ));
        }
        let field = &manifest.version_field;
        if field.is_empty() || field.starts_with('_') || *field == manifest.schema_field {
            return Err(format!(
                "{}: `version-field` must be a non-empty field name, not starting with `_` \
                 (CouchDB reserves those) and not `{}` (the schema tag), found {field:?}",
                path.display(),
                manifest.schema_field
            ));
        }
        if manifest.id_scheme.get_ref() != ID_SCHEME {
            return Err(located(
                path,
                text,
                manifest.id_scheme.span().start,
                format!(
                    "`id-scheme` {:?} is not supported: the strategies name copies `{ID_SCHEME}`",
                    manifest.id_scheme.get_ref()
                ),
            ));
        }
        for key in manifest.parts.keys() {
            if key.get_ref().parse::<u32>().is_err() {
                return Err(located(
                    path,
                    text,
                    key.span().start,
                    format!(
                        "`parts` keys are version numbers, found {:?}",
                        key.get_ref()
                    ),
                ));
            }
        }
        Ok(manifest)
    }

    /// The companion schemas of `version`.
    pub fn parts_of(&self, version: u32) -> Vec<String> {
        self.parts
            .iter()
            .find(|(k, _)| k.get_ref().parse::<u32>() == Ok(version))
            .map(|(_, parts)| parts.clone())
            .unwrap_or_default()
    }

    /// `path:line:column: message` at `offset` of `text`.
    pub(crate) fn error_at(path: &Path, text: &str, offset: usize, message: String) -> String {
        located(path, text, offset, message)
    }
}

/// The `family.toml` describing `family` (a derived one, when its schemas are exported next to
/// it): its name, base version and companion documents. The tag fields are the derive's
/// defaults, left out.
pub fn manifest_text(family: &dyn docver::Family) -> String {
    // A JSON string is a TOML basic string: same quotes, and every escape JSON writes is TOML's.
    let quoted = |s: &str| Value::from(s).to_string();
    let mut out = format!(
        "# Written by the family's schema export: the family as data, for\n\
         # `docver <command> --family <this directory>`.\nname = {}\n",
        quoted(family.schema_name())
    );
    if let Some(base) = crate::strategy::engine::base_version(family) {
        out.push_str(&format!("base = {base}\n"));
    }
    let parts: Vec<(u32, Vec<String>)> = family
        .versions()
        .iter()
        .map(|&v| (v, family.part_schemas(v)))
        .filter(|(_, parts)| !parts.is_empty())
        .collect();
    if !parts.is_empty() {
        out.push_str("\n[parts]\n");
        for (v, names) in parts {
            let names: Vec<String> = names.iter().map(|n| quoted(n)).collect();
            out.push_str(&format!("{v} = [{}]\n", names.join(", ")));
        }
    }
    out
}
