//! Adapters between two versions of a document schema: the Rust types of both versions and
//! the `upgrade` and `downgrade` functions between them.
//!
//! The generated module holds:
//!
//! - `pub mod old` and `pub mod new`: one Rust type per schema object (a struct with serde and
//!   schemars derives), string enum (a Rust enum) and document root. Every struct keeps the
//!   properties its version does not name in `pub unknown: serde_json::Map<…>`
//!   (`#[serde(flatten)]`), so a document read by one version and written back loses nothing.
//! - `pub trait Decisions`: one method per change the schemas alone cannot settle (a type
//!   change, a new required property, a value an older reader rejects, …). Each method's doc
//!   cites the rule id, schema pointer and message of the finding behind it. There are no
//!   default bodies, so the module does not compile until a person has written every
//!   decision. When no decision is needed the trait is empty and implemented for `()`.
//! - `pub fn upgrade(old: old::Root, decisions: &impl Decisions) -> new::Root` and
//!   `pub fn downgrade(new: new::Root, decisions: &impl Decisions) -> old::Root`: the same
//!   signature whether or not decisions are needed, so callers do not change when a later
//!   schema adds one.
//!
//! What is filled in without a decision (when no finding is breaking in that direction):
//!
//! - a property both versions have with convertible Rust types is moved (nested objects
//!   through generated per-pair functions, enums by value, `i64` → `f64`, `T` → `Option<T>`);
//! - a property only the target has is read from the source's unknown fields when it is there
//!   and reads as the target type, else it is `None` (optional) or its schema `default`;
//! - a property only the source has is kept in the target's unknown fields (on upgrade as on
//!   downgrade), so `downgrade(upgrade(x)) == x` when nothing had to be decided; a defaulted
//!   property equal to its default and an absent optional one are not written there;
//! - a `const` property of the target (the version tag) is set to the target's constant.
//!
//! Generated comments (rustdoc) on each conversion function list how every property was
//! handled and which findings (rule id, pointer) were taken into account.
//!
//! # Existing Rust types
//!
//! A schema type can be taken from existing code instead of generated: an entry of
//! [`Options::type_map`] (`Progress` → `crate::model::Progress`; [`Builder::type_map`];
//! `--type Progress=crate::model::Progress` on the command line), or `"x-rust-type":
//! "crate::model::Progress"` in the schema itself. Then:
//!
//! - `old` and `new` do not define the type; each refers to it under the name it would have
//!   had (`pub use crate::model::Progress;`, or `pub type Name = …;` for a type that is not a
//!   plain path), so `new::Progress` still names it. Nothing the mapped schema node contains is
//!   generated for it.
//! - A value whose old and new types map to the same Rust type is moved as it is: no
//!   conversion function and no decision, unless a finding breaking in that direction touches
//!   it; then the decision for the property returns the mapped type as usual. Mapped to
//!   different Rust types, or mapped on one side only, the property needs a decision.
//! - The Rust type must be written so it resolves inside `old` and `new` (`crate::…`, `::…`
//!   or a dependency's name, not `super::…`), have the same serde representation as the
//!   schema, and implement `Debug`, `Clone`, `PartialEq`, `serde::Serialize`,
//!   `serde::Deserialize` and `schemars::JsonSchema`, as the generated types around it derive
//!   them. A property of a mapped type with a `default` is an `Option` (the default is not
//!   written as a Rust value).
//!
//! # Example
//!
//! ```
//! use docver_codegen::adapters::{Options, generate};
//!
//! let old = r#"{"title": "Todo", "type": "object",
//!     "properties": {"title": {"type": "string"}, "done": {"type": "boolean"}},
//!     "required": ["title", "done"]}"#;
//! let new = r#"{"title": "Todo", "type": "object",
//!     "properties": {"title": {"type": "string"}, "done": {"type": "string"}},
//!     "required": ["title", "done"]}"#;
//! let code = generate("old.json", old, "new.json", new, &Options::default())?;
//! assert!(code.contains("pub mod old {"));
//! assert!(code.contains("fn upgrade_done(&self, old: &old::Todo) -> String;"));
//! assert!(code.contains("`type-changed` at `/properties/done`"));
//! // Deterministic: the same input gives the same bytes.
//! assert_eq!(code, generate("old.json", old, "new.json", new, &Options::default())?);
//! # Ok::<(), docver_codegen::CodegenError>(())
//! ```
//!
//! # In a build script
//!
//! ```no_run
//! // In build.rs's `fn main`: writes `$OUT_DIR/todo_v1_v2.rs` and prints
//! // `cargo:rerun-if-changed=` for both schemas.
//! docver_codegen::adapters::Builder::new()
//!     .pair("todo_v1_v2", "schemas/v1.json", "schemas/v2.json")
//!     .write_to_out_dir()
//!     .expect("adapters");
//! ```
//!
//! and in the crate (which depends on `serde` with `derive`, `serde_json` and `schemars`):
//!
//! ```ignore
//! include!(concat!(env!("OUT_DIR"), "/todo_v1_v2.rs"));
//! // `todo_v1_v2::upgrade(doc, &decisions)`
//! ```

mod generate;
pub(crate) mod names;
mod rust_type;
mod types;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::CodegenError;

/// How adapters are generated.
#[derive(Debug, Clone)]
pub struct Options {
    /// Wrap the output in `pub mod <module> { … }` (for `include!`); `None` emits a file
    /// module body (inner attributes first), to save as `src/<name>.rs`.
    pub module: Option<String>,
    /// Passed to the compatibility check: pure instance-set inclusion.
    pub strict: bool,
    /// The top-level property holding the version tag (`version`), whose change between
    /// versions is expected.
    pub version_field: Option<String>,
    /// Schema types to take from existing Rust code instead of generating them: a schema
    /// type's name → the Rust type to use (`"Progress"` → `"crate::model::Progress"`). The
    /// name is matched against a node's `$defs` key, its title, or the name its generated
    /// struct or enum would have (`Progress`). One map serves both versions.
    ///
    /// A schema can also say so itself: a node with `"x-rust-type": "crate::model::Progress"`
    /// (on the definition, or next to a `$ref` to it) is mapped the same way, ahead of this
    /// map.
    ///
    /// See [the module docs](self#existing-rust-types) for what the generated code does with
    /// a mapped type.
    pub type_map: BTreeMap<String, String>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            module: None,
            strict: false,
            version_field: Some("version".to_owned()),
            type_map: BTreeMap::new(),
        }
    }
}

/// Generates the adapter module for two schema versions. `old_name` and `new_name` label the
/// schemas in errors and in the generated docs.
pub fn generate(
    old_name: &str,
    old_text: &str,
    new_name: &str,
    new_text: &str,
    options: &Options,
) -> Result<String, CodegenError> {
    let load = |name: &str, text: &str| {
        docver_check::read_schema(name, text).map_err(|e| CodegenError::Schema {
            name: name.to_owned(),
            message: e.to_string(),
        })
    };
    let old = load(old_name, old_text)?;
    let new = load(new_name, new_text)?;
    let diff_options = docver_check::DiffOptions {
        strict: options.strict,
        version_field: options.version_field.clone(),
    };
    let report = docver_check::diff(&old, &new, &diff_options);
    let build = |name: &str, text: &str, schema: &docver_check::Schema| {
        // `x-rust-type` is a vendor keyword the schema model does not keep: read the JSON.
        let raw: serde_json::Value =
            serde_json::from_str(text).map_err(|e| CodegenError::Schema {
                name: name.to_owned(),
                message: format!("{name}: {e}"),
            })?;
        let mapping = types::Mapping {
            type_map: &options.type_map,
            raw: &raw,
        };
        types::Module::build(schema, &mapping).map_err(|message| CodegenError::Schema {
            name: name.to_owned(),
            message: format!("{name}: {message}"),
        })
    };
    let old_types = build(old_name, old_text, &old)?;
    let new_types = build(new_name, new_text, &new)?;
    let body =
        generate::Generator::new(&old_types, &new_types, old_name, new_name, &report.findings)
            .generate();
    let tokens = match &options.module {
        Some(name) => {
            if !is_module_name(name) {
                return Err(CodegenError::ModuleName { name: name.clone() });
            }
            let name = proc_macro2::Ident::new(name, proc_macro2::Span::call_site());
            quote::quote!(pub mod #name { #body })
        }
        None => body,
    };
    let file: syn::File = syn::parse2(tokens).map_err(|e| CodegenError::Internal {
        message: format!("generated code does not parse: {e}"),
    })?;
    Ok(prettyplease::unparse(&file))
}

fn is_module_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && syn::parse_str::<syn::Ident>(name).is_ok()
}

/// Generates adapter modules from a build script: one `$OUT_DIR/<module>.rs` per pair, each
/// holding `pub mod <module> { … }` for `include!`.
#[derive(Debug, Clone, Default)]
pub struct Builder {
    pairs: Vec<(String, PathBuf, PathBuf)>,
    options: Options,
}

impl Builder {
    pub fn new() -> Builder {
        Builder::default()
    }

    /// Adapters from the schema at `old` to the one at `new`, as module `module` (a snake-case
    /// Rust identifier). Paths are relative to the build script's working directory, which
    /// is the package root.
    pub fn pair(
        mut self,
        module: impl Into<String>,
        old: impl AsRef<Path>,
        new: impl AsRef<Path>,
    ) -> Builder {
        self.pairs.push((
            module.into(),
            old.as_ref().to_owned(),
            new.as_ref().to_owned(),
        ));
        self
    }

    /// Options for every pair (`module` is set per pair and ignored here).
    pub fn options(mut self, options: Options) -> Builder {
        self.options = options;
        self
    }

    /// Takes the schema type `name` from the existing Rust type `rust_type` in every pair
    /// instead of generating it (an entry of [`Options::type_map`]); call after
    /// [`Builder::options`], which replaces the whole map.
    pub fn type_map(mut self, name: impl Into<String>, rust_type: impl Into<String>) -> Builder {
        self.options.type_map.insert(name.into(), rust_type.into());
        self
    }

    /// Writes every module to `$OUT_DIR` and prints `cargo:rerun-if-changed` for each schema.
    pub fn write_to_out_dir(&self) -> Result<Vec<PathBuf>, CodegenError> {
        let out_dir = std::env::var_os("OUT_DIR").ok_or_else(|| CodegenError::Io {
            path: "$OUT_DIR".to_owned(),
            message: "not set (call this from a build script)".to_owned(),
        })?;
        for (_, old, new) in &self.pairs {
            println!("cargo:rerun-if-changed={}", old.display());
            println!("cargo:rerun-if-changed={}", new.display());
        }
        self.write_to(Path::new(&out_dir))
    }

    /// Writes every module to `dir`, returning the files written.
    pub fn write_to(&self, dir: &Path) -> Result<Vec<PathBuf>, CodegenError> {
        let mut written = Vec::new();
        for (module, old, new) in &self.pairs {
            let read = |path: &Path| {
                std::fs::read_to_string(path).map_err(|e| CodegenError::Io {
                    path: display(path),
                    message: e.to_string(),
                })
            };
            let (old_text, new_text) = (read(old)?, read(new)?);
            let options = Options {
                module: Some(module.clone()),
                ..self.options.clone()
            };
            let code = generate(&display(old), &old_text, &display(new), &new_text, &options)?;
            let path = dir.join(format!("{module}.rs"));
            // Unchanged output is not rewritten, so dependants are not rebuilt for nothing.
            if std::fs::read_to_string(&path).ok().as_deref() != Some(code.as_str()) {
                std::fs::write(&path, code).map_err(|e| CodegenError::Io {
                    path: display(&path),
                    message: e.to_string(),
                })?;
            }
            written.push(path);
        }
        Ok(written)
    }
}

fn display(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}
