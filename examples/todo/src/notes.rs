//! A third family, for write-back: a lens step that is lossy going up, a conversion by user
//! functions, and a split into a companion document, so that an old app's edit has to travel
//! through every kind of migration to reach the newest document.
//!
//! - v1: `title`, `body`, `pinned: bool`, `tags: [String]`;
//! - v2: `tags` becomes one `tag` (lens: `rename` then `head`; a v1 edit that leaves anything
//!   but exactly one tag cannot be written back into v2 or later, and says so);
//! - v3: by user functions, `body` is renamed `content` and `pinned` becomes a `priority`
//!   (`true` ↔ `high`; `low` and `normal` both read as not pinned);
//! - v4: the priority moves into its own `note-priority` document.

use docver::versioned;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// How much a note matters (v3 onwards).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Priority {
    Low,
    Normal,
    High,
}

/// A note. Documents written before versioning existed have no tag and are read as v1.
#[versioned(
    schema = "note",
    versions = 1..=4,
    base = 1,
    step(to = 2, lens(rename(from = tags, to = tag), head(tag, default = ""))),
    step(to = 3, upgrade = migrate::prioritize, downgrade = migrate::pin),
    step(to = 4, upgrade = migrate::split_priority, downgrade = migrate::join_priority,
         fallible, lossless, parts = ["note-priority"]),
)]
#[derive(Debug, Clone, PartialEq)]
pub struct Note {
    pub title: String,
    #[docver(until = 3)]
    pub body: String,
    #[docver(since = 3)]
    pub content: String,
    #[docver(until = 3)]
    pub pinned: bool,
    #[docver(since = 3, until = 4)]
    pub priority: Priority,
    #[docver(until = 2)]
    pub tags: Vec<String>,
    #[docver(since = 2)]
    pub tag: String,
}

/// The priority of one note, in its own document from note v4 on. `note` is the note's raw
/// uuid, never a versioned id.
#[versioned(schema = "note-priority", versions = [1])]
#[derive(Debug, Clone, PartialEq)]
pub struct NotePriority {
    pub note: String,
    pub priority: Priority,
}

/// The migrations of `note` that no lens declares.
pub mod migrate {
    use docver::{MigrationError, Parts, Versioned};

    use super::{NotePriorityV1, NoteV2, NoteV3, NoteV4, Priority};

    /// v2 → v3: `body` is now `content`; a pinned note is a high-priority one.
    pub fn prioritize(note: NoteV2, _parts: &mut Parts) -> NoteV3 {
        NoteV3 {
            title: note.title,
            content: note.body,
            priority: if note.pinned {
                Priority::High
            } else {
                Priority::Normal
            },
            tag: note.tag,
            unknown: note.unknown,
        }
    }

    /// v3 → v2: only a high-priority note is pinned (lossy: `low` and `normal` both read as
    /// not pinned).
    pub fn pin(note: NoteV3, _parts: &mut Parts) -> NoteV2 {
        NoteV2 {
            title: note.title,
            body: note.content,
            pinned: note.priority == Priority::High,
            tag: note.tag,
            unknown: note.unknown,
        }
    }

    /// v3 → v4: the priority moves into a `note-priority` document referring to the note's
    /// uuid.
    pub fn split_priority(note: NoteV3, parts: &mut Parts) -> Result<NoteV4, MigrationError> {
        let id = parts.id.clone().ok_or_else(|| {
            MigrationError::new("splitting the priority off a note needs the note's id")
        })?;
        parts.put(&NotePriorityV1 {
            note: id,
            priority: note.priority,
            unknown: Default::default(),
        });
        Ok(NoteV4 {
            title: note.title,
            content: note.content,
            tag: note.tag,
            unknown: note.unknown,
        })
    }

    /// v4 → v3: the priority comes back from its document, which must be there.
    pub fn join_priority(note: NoteV4, parts: &mut Parts) -> Result<NoteV3, MigrationError> {
        let priority = parts
            .take::<NotePriorityV1>()
            .map_err(MigrationError::new)?
            .ok_or_else(|| {
                MigrationError::new(format!(
                    "the `{}` document of this note is missing",
                    NotePriorityV1::SCHEMA_NAME
                ))
            })?;
        Ok(NoteV3 {
            title: note.title,
            content: note.content,
            priority: priority.priority,
            tag: note.tag,
            unknown: note.unknown,
        })
    }
}
