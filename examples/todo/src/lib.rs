//! The seed's todo app through all its schema versions.
//!
//! - v1: `title: String`, `status: bool`;
//! - v2: adds `important: bool` (non-breaking: it has a default);
//! - v3: `status` becomes a progress string (`open`, `started`, `blocked`, `rejected`,
//!   `completed`; `true` ↔ `completed`);
//! - v4: `status` moves out of the todo into its own `todo-status` document.

pub mod contact;
pub mod notes;

use docver::versioned;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// How far along a todo is (v3 onwards).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Progress {
    Open,
    Started,
    Blocked,
    Rejected,
    Completed,
}

/// A todo item. Documents written before versioning existed have no tag and are read as v1.
#[versioned(
    schema = "todo-item",
    versions = 1..=4,
    base = 1,
    // v2 → v3 is a lens: no hand-written code, and the downgrade's loss is derived from the
    // tables (`started`, `blocked` and `rejected` all read as not done).
    step(to = 3, lens(convert(
        status,
        up = { false => Progress::Open, true => Progress::Completed },
        down = { Progress::Completed => true, _ => false },
    ))),
    // v3 → v4 splits the status into its own document: no lens operation does that.
    step(to = 4, upgrade = migrate::split_status, downgrade = migrate::join_status, fallible, lossless, parts = ["todo-status"])
)]
#[derive(Debug, Clone, PartialEq)]
pub struct Todo {
    pub title: String,
    /// Done or not (v1, v2).
    #[docver(until = 3)]
    pub status: bool,
    #[docver(since = 2, default)]
    pub important: bool,
    /// Progress (v3; v4 keeps it in the `todo-status` document).
    #[docver(since = 3, until = 4)]
    pub status: Progress,
}

/// The status of one todo, in its own document from todo v4 on. `todo` is the todo's raw uuid,
/// never a versioned id.
#[versioned(schema = "todo-status", versions = [1])]
#[derive(Debug, Clone, PartialEq)]
pub struct TodoStatus {
    pub todo: String,
    pub status: Progress,
}

/// The migrations no generated glue can write.
pub mod migrate {
    use docver::{MigrationError, Parts, Versioned};

    use super::{TodoStatusV1, TodoV3, TodoV4};

    /// v3 → v4: the status moves into a `todo-status` document referring to the todo's uuid.
    pub fn split_status(todo: TodoV3, parts: &mut Parts) -> Result<TodoV4, MigrationError> {
        let id = parts.id.clone().ok_or_else(|| {
            MigrationError::new("splitting the status off a todo needs the todo's id")
        })?;
        parts.put(&TodoStatusV1 {
            todo: id,
            status: todo.status,
            unknown: Default::default(),
        });
        Ok(TodoV4 {
            title: todo.title,
            important: todo.important,
            unknown: todo.unknown,
        })
    }

    /// v4 → v3: the status comes back from its document, which must be there.
    pub fn join_status(todo: TodoV4, parts: &mut Parts) -> Result<TodoV3, MigrationError> {
        let status = parts
            .take::<TodoStatusV1>()
            .map_err(MigrationError::new)?
            .ok_or_else(|| {
                MigrationError::new(format!(
                    "the `{}` document of this todo is missing",
                    TodoStatusV1::SCHEMA_NAME
                ))
            })?;
        Ok(TodoV3 {
            title: todo.title,
            status: status.status,
            important: todo.important,
            unknown: todo.unknown,
        })
    }
}

/// Where the example's schemas live, relative to the crate.
pub const SCHEMA_DIR: &str = "schemas";

/// Each version's reader schema, as `examples/todo/schemas/v{N}.json` holds it, and the writer
/// schema where it differs (`v{N}.writer.json`); the `contact` family's under `contact/`, the
/// `note` family's under `notes/`; each directory's `family.toml` makes it a family directory
/// (`docver <command> --family examples/todo/schemas/contact`).
///
/// A version reached by a lens step carries that lens at its root (`x-docver-lens`), so that
/// `docver diff v2.json v3.json` also checks that the declared lens produces v3 from v2.
pub fn schema_files() -> Vec<(String, String)> {
    use contact::{AnyContact, ContactV2, ContactV3, ContactV4, ContactV5};
    let mut files = family_files(
        "",
        &TodoFamily,
        AnyTodo::VERSIONS,
        AnyTodo::json_schema,
        &[(3, TodoV3::lens)],
    );
    files.extend(family_files(
        "contact/",
        &contact::ContactFamily,
        AnyContact::VERSIONS,
        AnyContact::json_schema,
        &[
            (2, ContactV2::lens),
            (3, ContactV3::lens),
            (4, ContactV4::lens),
            (5, ContactV5::lens),
        ],
    ));
    files.extend(family_files(
        "notes/",
        &notes::NoteFamily,
        notes::AnyNote::VERSIONS,
        notes::AnyNote::json_schema,
        &[(2, notes::NoteV2::lens)],
    ));
    files
}

type SchemaOf = fn(u32, docver::Contract) -> Option<serde_json::Value>;
/// A version reached by a lens step, and that step's `lens()`.
type LensOf = (u32, fn() -> serde_json::Value);

fn family_files(
    prefix: &str,
    family: &dyn docver::Family,
    versions: &[u32],
    schema_of: SchemaOf,
    lenses: &[LensOf],
) -> Vec<(String, String)> {
    let pretty = |v: &serde_json::Value| serde_json::to_string_pretty(v).unwrap_or_default() + "\n";
    let mut files = Vec::new();
    for &version in versions {
        let mut reader = schema_of(version, docver::Contract::Reader).unwrap_or_default();
        let writer = schema_of(version, docver::Contract::Writer).unwrap_or_default();
        if let (Some((_, lens)), serde_json::Value::Object(schema)) =
            (lenses.iter().find(|(v, _)| *v == version), &mut reader)
        {
            schema.insert(docver::lens::LENS_KEYWORD.to_owned(), lens());
        }
        files.push((format!("{prefix}v{version}.json"), pretty(&reader)));
        let mut writer_compared = writer.clone();
        if let (serde_json::Value::Object(w), serde_json::Value::Object(r)) =
            (&mut writer_compared, &reader)
            && let Some(lens) = r.get(docver::lens::LENS_KEYWORD)
        {
            w.insert(docver::lens::LENS_KEYWORD.to_owned(), lens.clone());
        }
        if writer_compared != reader {
            files.push((format!("{prefix}v{version}.writer.json"), pretty(&writer)));
        }
    }
    let manifest = docver_migrate::family_dir::manifest::manifest_text(family);
    files.push((
        format!("{prefix}{}", docver_migrate::family_dir::MANIFEST_FILE),
        manifest,
    ));
    files
}
