//! What a compatibility check reports.
//!
//! This is the contract between the checker (`check` + `rules`) and everything that shows or
//! acts on its results (the CLI's renderers, baselines, `plan`, code generation). Fields may be
//! added; existing ones keep their meaning.

use serde::{Deserialize, Serialize};

use crate::span::Span;

/// Who reads what.
///
/// - `Backward`: a NEW reader accepts every document valid under OLD (new app reads old docs).
/// - `Forward`: an OLD reader accepts every document valid under NEW (old app reads new docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    Backward,
    Forward,
}

impl Direction {
    pub const ALL: [Direction; 2] = [Direction::Backward, Direction::Forward];

    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Backward => "backward",
            Direction::Forward => "forward",
        }
    }
}

/// The verdict of one change (or a whole diff) in one direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Compatible,
    /// Breaking, shown by a witness document the reader rejects.
    Breaking,
    /// Not decidable exactly (e.g. two different regex patterns): treated as breaking, and
    /// said so, rather than guessed compatible.
    Undecided,
}

impl Verdict {
    /// Undecided counts as breaking: a check never passes on a guess.
    pub fn is_breaking(self) -> bool {
        !matches!(self, Verdict::Compatible)
    }

    /// The worse of two verdicts (`Undecided` is worse than `Compatible`, better than `Breaking`).
    pub fn worst(self, other: Verdict) -> Verdict {
        use Verdict::*;
        match (self, other) {
            (Breaking, _) | (_, Breaking) => Breaking,
            (Undecided, _) | (_, Undecided) => Undecided,
            _ => Compatible,
        }
    }

    /// How the verdict reads to a person: `compatible`, `breaking`, `breaking (undecided)`.
    pub fn label(self) -> &'static str {
        match self {
            Verdict::Compatible => "compatible",
            Verdict::Breaking => "breaking",
            Verdict::Undecided => "breaking (undecided)",
        }
    }
}

/// A node in one of the two schema files.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Location {
    /// JSON pointer into the schema document, e.g. `/$defs/Todo/properties/status`.
    pub pointer: String,
    /// Byte span of that node in the schema file's text.
    pub span: Span,
    /// Byte span of the key naming the node (`"status"`), when it has one.
    #[serde(default)]
    pub key_span: Option<Span>,
}

impl Location {
    /// A short span to underline: from the key (if any) to the end of the line the value
    /// starts on, so a label on a large object does not quote the whole object.
    pub fn label_span(&self, text: &str) -> Span {
        let start = self.key_span.map_or(self.span.start, |k| k.start);
        // Only the span is searched: on a minified file the line is the rest of the file.
        let line_end = text
            .get(self.span.start..self.span.end)
            .and_then(|rest| rest.find('\n'))
            .map_or(self.span.end, |i| self.span.start + i);
        Span::new(
            start,
            self.span
                .end
                .min(line_end)
                .max(start + 1)
                .min(text.len().max(start)),
        )
    }
}

/// A document that shows a change breaks a reader.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Witness {
    /// The reader that rejects `document`: for `Backward`, `document` is valid under OLD and
    /// rejected by NEW; for `Forward`, valid under NEW and rejected by OLD.
    pub direction: Direction,
    pub document: serde_json::Value,
}

/// One change between OLD and NEW, classified by one rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// Stable kebab-case rule id, e.g. `property-added-required`.
    pub rule: String,
    /// JSON pointer of the changed node: in NEW where the node exists there, else in OLD.
    pub pointer: String,
    /// Path inside *documents* (not the schema) that the change affects, e.g. `/items/0/status`.
    pub instance_path: String,
    pub backward: Verdict,
    pub forward: Verdict,
    /// One sentence a person reads, e.g. "property `important` was added as required".
    pub message: String,
    /// What distinguishes this finding from others of the same rule at the same pointer
    /// (e.g. the enum value that was removed); part of the fingerprint.
    pub detail: String,
    pub old: Option<Location>,
    pub new: Option<Location>,
    /// One witness per breaking direction that has one.
    pub witnesses: Vec<Witness>,
}

impl Finding {
    pub fn verdict(&self, direction: Direction) -> Verdict {
        match direction {
            Direction::Backward => self.backward,
            Direction::Forward => self.forward,
        }
    }

    /// A short stable hash of the rule, pointer and detail: the same change gets the same
    /// fingerprint in every run, so baselines and SARIF `partialFingerprints` can track it.
    pub fn fingerprint(&self) -> String {
        use sha2::{Digest, Sha256};
        let mut hasher = Sha256::new();
        for part in [&self.rule, &self.pointer, &self.detail] {
            hasher.update(part.as_bytes());
            hasher.update([0]);
        }
        hasher.finalize()[..8]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    pub fn witness(&self, direction: Direction) -> Option<&Witness> {
        self.witnesses.iter().find(|w| w.direction == direction)
    }
}
