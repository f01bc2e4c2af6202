//! The history rules: what `docver check --against REF` finds by comparing a family's Rust
//! source with the same source at the ref. This crate only catalogs them (they need Rust
//! source and git, which `docver-source` reads); their fixtures are `.rs` pairs in
//! `crates/docver-source/tests/fixtures/history/<id>/` (the crate that runs them), with a
//! `docver.toml` where the rule needs a policy.

use super::{Category, Effect, RuleInfo, Scope};

macro_rules! history_example {
    ($id:literal) => {
        (
            include_str!(concat!(
                "../../../docver-source/tests/fixtures/history/",
                $id,
                "/old.rs"
            )),
            include_str!(concat!(
                "../../../docver-source/tests/fixtures/history/",
                $id,
                "/new.rs"
            )),
        )
    };
}

const BREAKS_BOTH: Effect = Effect {
    backward: "breaking",
    forward: "breaking",
};

pub static BREAKING_WITHOUT_MIGRATION: RuleInfo = RuleInfo {
    id: "breaking-without-migration",
    category: Category::History,
    scope: Scope::History,
    annotation_only: false,
    closed_object: false,
    summary: "A new version breaks its predecessor and the family declares no migration for the step.",
    effect: BREAKS_BOTH,
    explanation: "Documents of both versions meet in the stores: without an `upgrade`/`downgrade` \
        function or a `step(to = N, …)`, one side's readers reject what the other side writes. \
        Declare the migration, or make the change compatible.",
    example_old: history_example!("breaking-without-migration").0,
    example_new: history_example!("breaking-without-migration").1,
    example_policy: None,
};

pub static VERSION_EDITED_IN_PLACE: RuleInfo = RuleInfo {
    id: "version-edited-in-place",
    category: Category::History,
    scope: Scope::History,
    annotation_only: false,
    closed_object: false,
    summary: "A released version's shape changed: apps already running it read and write the old shape.",
    effect: BREAKS_BOTH,
    explanation: "A version at the base ref is released: apps in the field read and write its \
        old shape, and documents of that shape stay in the stores. Changing it in place makes \
        the code and those documents disagree under one version number. Add a new version \
        instead (annotation-only changes do not count).",
    example_old: history_example!("version-edited-in-place").0,
    example_new: history_example!("version-edited-in-place").1,
    example_policy: None,
};

pub static LIVE_VERSION_REMOVED: RuleInfo = RuleInfo {
    id: "live-version-removed",
    category: Category::History,
    scope: Scope::History,
    annotation_only: false,
    closed_object: false,
    summary: "A version was removed while the policy still declares it live.",
    effect: BREAKS_BOTH,
    explanation: "The policy (`live` in `docver.toml`) says documents of this version are still \
        in the stores and apps still run it; without the version the family can neither read \
        those documents nor write for those apps. Retire the version from `live` first.",
    example_old: history_example!("live-version-removed").0,
    example_new: history_example!("live-version-removed").1,
    example_policy: Some(include_str!(
        "../../../docver-source/tests/fixtures/history/live-version-removed/docver.toml"
    )),
};

pub static FIELD_NAME_REUSED: RuleInfo = RuleInfo {
    id: "field-name-reused",
    category: Category::History,
    scope: Scope::History,
    annotation_only: false,
    closed_object: false,
    summary: "A field name was removed and later declared again with another type.",
    effect: BREAKS_BOTH,
    explanation: "Old documents may still carry the removed field with its old type; a reader of \
        the new declaration then fails on them, or worse, misreads them. The name stays \
        reserved: pick another one. The whole history reachable from HEAD is searched, not \
        only the base ref.",
    example_old: history_example!("field-name-reused").0,
    example_new: history_example!("field-name-reused").1,
    example_policy: None,
};

/// Every history rule, in the order reports list them.
pub static HISTORY_RULES: &[&RuleInfo] = &[
    &BREAKING_WITHOUT_MIGRATION,
    &VERSION_EDITED_IN_PLACE,
    &LIVE_VERSION_REMOVED,
    &FIELD_NAME_REUSED,
];
