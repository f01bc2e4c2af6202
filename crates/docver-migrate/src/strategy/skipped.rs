//! The documents a command leaves alone, counted and named: no command skips a document without
//! a word. Each reason keeps its count and the first [`NAMED_PER_REASON`] ids (a store may hold
//! millions of another family's documents; the count says how many, the ids say which kind).

use std::collections::BTreeMap;

use serde_json::{Value, json};

/// How many ids of each reason a report names.
pub const NAMED_PER_REASON: usize = 20;

/// Why a document was left alone.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum SkipReason {
    /// Tagged with another family's schema (not asked about).
    OtherFamily,
    /// No type tag, and the family declares no `base` version to read it as.
    Untagged,
    /// Not selected by `--only FIELD=VALUE` (not asked about).
    NotSelected,
    /// Its migration would lose data (the listed JSON pointers) and `--allow-lossy` was not
    /// given.
    Lossy,
    /// Stored only at versions that are not live, so no live version can be made from it.
    NotLive,
}

impl SkipReason {
    /// A stable id for `--format json`.
    pub fn id(&self) -> &'static str {
        match self {
            SkipReason::OtherFamily => "other-family",
            SkipReason::Untagged => "untagged",
            SkipReason::NotSelected => "not-selected",
            SkipReason::Lossy => "lossy",
            SkipReason::NotLive => "not-live",
        }
    }

    /// What the reason means, for the text summary.
    pub fn describe(&self) -> &'static str {
        match self {
            SkipReason::OtherFamily => "another family's documents",
            SkipReason::Untagged => "untagged, and the family declares no base version",
            SkipReason::NotSelected => "not selected by --only",
            SkipReason::Lossy => "would lose data (pass --allow-lossy to migrate them anyway)",
            SkipReason::NotLive => "stored only at versions that are not live",
        }
    }

    /// Whether leaving such a document alone means the work asked for was not done (the
    /// command then exits 1): documents outside what was asked about (another family, not
    /// selected, untagged without a base) do not count.
    pub fn leaves_work_undone(&self) -> bool {
        matches!(self, SkipReason::Lossy | SkipReason::NotLive)
    }
}

/// The documents of one reason.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SkipGroup {
    pub count: usize,
    /// The first [`NAMED_PER_REASON`] ids, in the order met.
    pub ids: Vec<String>,
}

/// Documents left alone, by reason.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Skipped {
    pub groups: BTreeMap<SkipReason, SkipGroup>,
}

impl Skipped {
    /// Counts `id` under `reason` (named while fewer than [`NAMED_PER_REASON`] are).
    pub fn add(&mut self, reason: SkipReason, id: &str) {
        let group = self.groups.entry(reason).or_default();
        group.count += 1;
        if group.ids.len() < NAMED_PER_REASON {
            group.ids.push(id.to_owned());
        }
    }

    /// Adds what `other` (a further pass of the same run) skipped.
    pub fn absorb(&mut self, other: Skipped) {
        for (reason, group) in other.groups {
            let mine = self.groups.entry(reason).or_default();
            mine.count += group.count;
            let room = NAMED_PER_REASON.saturating_sub(mine.ids.len());
            mine.ids.extend(group.ids.into_iter().take(room));
        }
    }

    /// Documents skipped, all reasons together.
    pub fn total(&self) -> usize {
        self.groups.values().map(|g| g.count).sum()
    }

    /// Whether some skipped document means the work asked for was not done.
    pub fn leaves_work_undone(&self) -> bool {
        self.groups.keys().any(SkipReason::leaves_work_undone)
    }

    /// One line per reason, with its count and the named ids (`… and N more`).
    pub fn lines(&self) -> Vec<String> {
        self.groups
            .iter()
            .map(|(reason, group)| {
                let more = group.count - group.ids.len();
                let more = match more {
                    0 => String::new(),
                    n => format!(" … and {n} more"),
                };
                format!(
                    "skipped {} ({}): {}{more}",
                    group.count,
                    reason.describe(),
                    group.ids.join(", ")
                )
            })
            .collect()
    }

    /// `[{"reason": id, "why": …, "count": n, "ids": [...]}]` for `--format json`.
    pub fn to_json(&self) -> Value {
        Value::Array(
            self.groups
                .iter()
                .map(|(reason, group)| {
                    json!({
                        "reason": reason.id(),
                        "why": reason.describe(),
                        "count": group.count,
                        "ids": group.ids,
                    })
                })
                .collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_every_document_and_names_a_bounded_few() {
        let mut skipped = Skipped::default();
        for i in 0..NAMED_PER_REASON + 5 {
            skipped.add(SkipReason::OtherFamily, &format!("c{i}"));
        }
        let mut more = Skipped::default();
        more.add(SkipReason::OtherFamily, "late");
        more.add(SkipReason::Lossy, "t1");
        skipped.absorb(more);
        let group = &skipped.groups[&SkipReason::OtherFamily];
        assert_eq!(group.count, NAMED_PER_REASON + 6);
        assert_eq!(group.ids.len(), NAMED_PER_REASON);
        assert_eq!(skipped.total(), NAMED_PER_REASON + 7);
        assert!(skipped.leaves_work_undone());
        assert!(
            skipped.lines()[0].ends_with("… and 6 more"),
            "{:?}",
            skipped.lines()
        );
        assert_eq!(skipped.to_json()[1]["ids"], json!(["t1"]));
    }
}
