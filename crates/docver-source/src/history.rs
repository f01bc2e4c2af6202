//! The history rules, checked against a base ref: a new version that breaks its predecessor
//! without a migration, a released version edited in place, a live version removed, a field
//! name reused with another type.

use std::collections::BTreeMap;

use docver::Contract;
use docver_attr::FamilyDecl;
use docver_check::rules::history::{
    BREAKING_WITHOUT_MIGRATION, FIELD_NAME_REUSED, LIVE_VERSION_REMOVED, VERSION_EDITED_IN_PLACE,
};
use docver_check::rules::{RuleInfo, rule_info};
use docver_check::{DiffOptions, DiffReport, Finding, Location, Verdict, diff};

use crate::error::SourceError;
use crate::git::PastTypes;
use crate::migration::apply_migrations;
use crate::policy::Policy;
use crate::precise::{VersionModels, precise_diff, rust_location};
use crate::scan::SourceFile;
use crate::sources::Sources;

/// One family at HEAD, as the history rules see it.
#[derive(Debug)]
pub struct FamilyAtHead<'a> {
    pub file: &'a SourceFile,
    pub family: &'a FamilyDecl,
    /// Versions still in the stores.
    pub live: &'a [u32],
    /// Every version's models, by (family index, version).
    pub models: &'a BTreeMap<(usize, u32), VersionModels>,
    pub family_index: usize,
}

impl FamilyAtHead<'_> {
    fn model(&self, version: u32) -> &VersionModels {
        &self.models[&(self.family_index, version)]
    }
}

/// A history finding at `location`; `about` is the schema change it is about, whose place in
/// the schema and in documents it names (a finding about a whole version has none).
fn history_finding(
    rule: &RuleInfo,
    message: String,
    detail: String,
    location: Option<Location>,
    about: Option<&Finding>,
) -> Finding {
    Finding {
        rule: rule.id.to_owned(),
        pointer: about.map(|f| f.pointer.clone()).unwrap_or_default(),
        instance_path: about.map(|f| f.instance_path.clone()).unwrap_or_default(),
        backward: Verdict::Breaking,
        forward: Verdict::Breaking,
        message,
        detail,
        old: None,
        new: location,
        witnesses: Vec::new(),
    }
}

/// History against the base ref: every history rule on one family.
pub fn history(
    head: &FamilyAtHead<'_>,
    base: &Sources,
    past: &PastTypes,
    policy: &Policy,
) -> Result<DiffReport, SourceError> {
    let mut findings = Vec::new();
    if let Some(old_family) = base.family(&head.family.schema.value()) {
        breaking_without_migration(head, old_family, policy, &mut findings);
        removed_or_edited(head, base, old_family, &mut findings)?;
        field_name_reused(head, old_family, past, &mut findings);
    }
    let breaking = if findings.is_empty() {
        Verdict::Compatible
    } else {
        Verdict::Breaking
    };
    Ok(DiffReport {
        findings,
        backward: breaking,
        forward: breaking,
        warnings: Vec::new(),
    })
}

/// New versions (not at the base) whose change from their predecessor breaks a reader in a
/// way no migration the family declares for that step carries (under the policy).
fn breaking_without_migration(
    head: &FamilyAtHead<'_>,
    old_family: &FamilyDecl,
    policy: &Policy,
    out: &mut Vec<Finding>,
) {
    let (family, name) = (head.family, head.family.schema.value());
    let base_versions = old_family.version_numbers();
    for pair in family.version_numbers().windows(2) {
        let (previous, version) = (pair[0], pair[1]);
        if base_versions.contains(&version) {
            continue;
        }
        let (old, new) = (head.model(previous), head.model(version));
        let mut report = precise_diff(old.contracts(), new.contracts());
        apply_migrations(&mut report, family, (previous, version), policy);
        for f in report
            .findings
            .iter()
            .filter(|f| f.backward.is_breaking() || f.forward.is_breaking())
        {
            let at = |models: &VersionModels| {
                rust_location(
                    head.file,
                    family,
                    &models.reader_derived,
                    Some(&f.pointer),
                    &f.instance_path,
                )
            };
            out.push(history_finding(
                &BREAKING_WITHOUT_MIGRATION,
                format!("new version {version} of `{name}` breaks v{previous} (backward: {}, forward: {}): {} — declare a migration for the step (`upgrade`/`downgrade` or `step(to = {version}, …)`)", f.backward.label(), f.forward.label(), f.message),
                format!("v{version}:{}:{}:{}", f.rule, f.pointer, f.detail),
                at(new).or_else(|| at(old)),
                Some(f),
            ));
        }
    }
}

/// Versions at the base: removed while live, or changed in a way a reader or writer sees.
fn removed_or_edited(
    head: &FamilyAtHead<'_>,
    base: &Sources,
    old_family: &FamilyDecl,
    out: &mut Vec<Finding>,
) -> Result<(), SourceError> {
    let (family, name) = (head.family, head.family.schema.value());
    let head_versions = family.version_numbers();
    for version in old_family.version_numbers() {
        if !head_versions.contains(&version) {
            if head.live.contains(&version) {
                out.push(history_finding(
                    &LIVE_VERSION_REMOVED,
                    format!("version {version} of `{name}` was removed while it is still live"),
                    format!("v{version}"),
                    Some(head.file.location(family.ident.span())),
                    None,
                ));
            }
            continue;
        }
        let (_, before) = base.derive(old_family, version, Contract::Reader)?;
        let after = head.model(version);
        let report = diff(&before, &after.reader, &DiffOptions::default());
        // Annotations may change in a released version: documents stay valid.
        let real = report
            .findings
            .iter()
            .filter(|f| !rule_info(&f.rule).is_some_and(|r| r.annotation_only));
        for f in real {
            let location = rust_location(
                head.file,
                family,
                &after.reader_derived,
                Some(&f.pointer),
                &f.instance_path,
            );
            out.push(history_finding(
                &VERSION_EDITED_IN_PLACE,
                format!("released version {version} of `{name}` was edited in place: {}; add a new version instead", f.message),
                format!("v{version}:{}:{}:{}", f.rule, f.pointer, f.detail),
                location,
                Some(f),
            ));
        }
    }
    Ok(())
}

/// A name declared again with another type after a gap, in the whole history or the base's.
fn field_name_reused(
    head: &FamilyAtHead<'_>,
    old_family: &FamilyDecl,
    past: &PastTypes,
    out: &mut Vec<Finding>,
) {
    let (family, name) = (head.family, head.family.schema.value());
    let mut types: BTreeMap<String, Vec<(u32, String)>> = BTreeMap::new();
    // Every declaration the family's history holds, then the base's and HEAD's.
    for ((family_name, field), declared) in past {
        if *family_name == name {
            types
                .entry(field.clone())
                .or_default()
                .extend(declared.iter().cloned());
        }
    }
    for fam in [old_family, family] {
        for version in fam.version_numbers() {
            for field in fam.fields_in(version) {
                types
                    .entry(field.name())
                    .or_default()
                    .push((version, field.type_text()));
            }
        }
    }
    let head_versions = family.version_numbers();
    for field in &family.fields {
        let Some(since) = field.docver.since.map(|s| s.value) else {
            continue;
        };
        let previous = head_versions.iter().copied().filter(|v| *v < since).max();
        let declared_just_before =
            previous.is_some_and(|p| family.field_in(p, &field.name()).is_some());
        if declared_just_before {
            continue;
        }
        let earlier = types.get(&field.name()).and_then(|t| {
            t.iter()
                .find(|(v, ty)| *v < since && *ty != field.type_text())
                .cloned()
        });
        if let Some((version, ty)) = earlier {
            out.push(history_finding(
                &FIELD_NAME_REUSED,
                format!("field `{}` is declared again in v{since} as `{}` after it was removed; v{version} had it as `{ty}` (old documents may still carry that)", field.name(), field.type_text()),
                format!("{}:{since}", field.name()),
                Some(head.file.location(field.ident.span())),
                None,
            ));
        }
    }
}
