//! Schema files as the CLI reads them: the text (for diagnostics) and the model.

use std::path::{Path, PathBuf};

use docver_check::{LineIndex, Schema, Span};

use crate::CliError;

/// Files larger than this are refused before reading: a schema this big is a mistake, and
/// reading it whole would take the memory of the machine.
pub const MAX_SCHEMA_BYTES: u64 = 256 * 1024 * 1024;

/// One schema file: where it came from, its text, and what it reads as.
#[derive(Debug)]
pub struct SchemaFile {
    pub path: PathBuf,
    /// The path as shown in reports and used as a SARIF/GitHub location (forward slashes).
    pub name: String,
    pub text: String,
    /// Built on first use: most files need no line numbers.
    lines: std::sync::OnceLock<LineIndex>,
    pub schema: Schema,
    /// What reports call this file when it stands for one version of a family in a Rust
    /// source file (`todo-item v3`); `None` for schema files.
    pub version_label: Option<String>,
}

impl SchemaFile {
    pub fn load(path: &Path) -> Result<SchemaFile, CliError> {
        let name = display_name(path);
        let size = std::fs::metadata(path)
            .map_err(|e| CliError(format!("{name}: cannot read: {e}")))?
            .len();
        if size > MAX_SCHEMA_BYTES {
            return Err(CliError(format!(
                "{name}: {size} bytes is larger than the {MAX_SCHEMA_BYTES}-byte limit for a schema"
            )));
        }
        let bytes =
            std::fs::read(path).map_err(|e| CliError(format!("{name}: cannot read: {e}")))?;
        let text = String::from_utf8(bytes).map_err(|e| {
            CliError(format!(
                "{name}: not UTF-8 text (invalid byte at offset {})",
                e.utf8_error().valid_up_to()
            ))
        })?;
        Self::from_text(path, text)
    }

    pub fn from_text(path: &Path, text: String) -> Result<SchemaFile, CliError> {
        let name = display_name(path);
        let schema =
            docver_check::read_schema(&name, &text).map_err(|e| CliError(e.to_string()))?;
        Ok(SchemaFile {
            path: path.to_owned(),
            name,
            text,
            lines: std::sync::OnceLock::new(),
            schema,
            version_label: None,
        })
    }

    /// A Rust source file standing for one version of a family: diagnostics point into `text`
    /// (the `.rs` file), `schema` is the version's derived schema.
    pub fn rust_version(path: &Path, text: String, schema: Schema, label: String) -> SchemaFile {
        SchemaFile {
            path: path.to_owned(),
            name: display_name(path),
            text,
            lines: std::sync::OnceLock::new(),
            schema,
            version_label: Some(label),
        }
    }

    /// How summaries name this file: the path, with the family version for Rust sources.
    pub fn label(&self) -> String {
        match &self.version_label {
            Some(v) => format!("{} ({v})", self.name),
            None => self.name.clone(),
        }
    }

    /// The text's line index, built on first use.
    pub fn lines(&self) -> &LineIndex {
        self.lines.get_or_init(|| LineIndex::new(&self.text))
    }

    /// 1-based line and column of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        self.lines().line_col(&self.text, offset)
    }

    /// Start and end `(line, column)` of a span.
    pub fn region(&self, span: Span) -> ((usize, usize), (usize, usize)) {
        (self.line_col(span.start), self.line_col(span.end))
    }
}

fn display_name(path: &Path) -> String {
    let s = path.to_string_lossy().replace('\\', "/");
    s.strip_prefix("./").map(str::to_owned).unwrap_or(s)
}
