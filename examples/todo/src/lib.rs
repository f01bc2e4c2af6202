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

/// The families whose schemas `examples/todo/schemas/` holds, each with its directory there:
/// the todo's at the top, the `contact` family's under `contact/`, the `note` family's under
/// `notes/`.
pub const SCHEMA_FAMILIES: [(&str, &dyn docver::Family); 3] = [
    ("", &TodoFamily),
    ("contact", &contact::ContactFamily),
    ("notes", &notes::NoteFamily),
];

/// Every schema file of [`SCHEMA_FAMILIES`], by its path under [`SCHEMA_DIR`]
/// (`docver::Family::schema_files`: `v{N}.json`, `v{N}.writer.json` where the writer differs,
/// a lens step's lens at the root as `x-docver-lens`), and the `family.toml` that makes each
/// directory a family directory (`docver <command> --family examples/todo/schemas/contact`).
pub fn schema_files() -> Vec<(String, String)> {
    SCHEMA_FAMILIES
        .into_iter()
        .flat_map(|(dir, family)| {
            let files = family.schema_files().into_iter().map(move |file| {
                let path = std::path::Path::new(dir).join(&file.name);
                (path.to_string_lossy().into_owned(), file.text)
            });
            let manifest =
                std::path::Path::new(dir).join(docver_migrate::family_dir::MANIFEST_FILE);
            files.chain(std::iter::once((
                manifest.to_string_lossy().into_owned(),
                docver_migrate::family_dir::manifest::manifest_text(family),
            )))
        })
        .collect()
}
