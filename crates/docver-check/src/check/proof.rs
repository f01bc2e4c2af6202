//! Witnesses proven by an independent validator at run time: before a break is reported as
//! shown, its witness is validated against the two original schema files with the
//! `jsonschema` crate, under the files' own draft. A witness the real schemas do not agree
//! with (a keyword the model reads differently, a remote `$ref`) leaves the verdict undecided.

use std::cell::OnceCell;

use serde_json::Value;

use crate::finding::Direction;
use crate::model::{Draft, Schema};

/// The two schemas compiled by `jsonschema`, once per diff and only when a witness needs it.
pub(crate) struct Proof<'s> {
    old: &'s Schema,
    new: &'s Schema,
    old_validator: OnceCell<Option<jsonschema::Validator>>,
    new_validator: OnceCell<Option<jsonschema::Validator>>,
}

impl<'s> Proof<'s> {
    pub(crate) fn new(old: &'s Schema, new: &'s Schema) -> Proof<'s> {
        Proof {
            old,
            new,
            old_validator: OnceCell::new(),
            new_validator: OnceCell::new(),
        }
    }

    /// Whether `document` shows the break in `direction`: valid under the schema documents are
    /// written with (OLD for backward) and rejected by the reader's. `false` when either file
    /// cannot be compiled (a remote `$ref`, a pattern `jsonschema` cannot read).
    pub(crate) fn holds(&self, direction: Direction, document: &Value) -> bool {
        let old = self.old_validator.get_or_init(|| compile(self.old));
        let new = self.new_validator.get_or_init(|| compile(self.new));
        let (Some(old), Some(new)) = (old, new) else {
            return false;
        };
        let (writer, reader) = match direction {
            Direction::Backward => (old, new),
            Direction::Forward => (new, old),
        };
        writer.is_valid(document) && !reader.is_valid(document)
    }
}

/// The schema file as `jsonschema` reads it. Formats are asserted, as docver's own check does.
fn compile(schema: &Schema) -> Option<jsonschema::Validator> {
    let value: Value = serde_json::from_str(&schema.text).ok()?;
    jsonschema::options()
        .with_draft(draft(schema.draft))
        .should_validate_formats(true)
        .build(&value)
        .ok()
}

fn draft(draft: Draft) -> jsonschema::Draft {
    match draft {
        Draft::Draft4 => jsonschema::Draft::Draft4,
        Draft::Draft6 => jsonschema::Draft::Draft6,
        Draft::Draft7 => jsonschema::Draft::Draft7,
        Draft::Draft201909 => jsonschema::Draft::Draft201909,
        Draft::Draft202012 => jsonschema::Draft::Draft202012,
    }
}
