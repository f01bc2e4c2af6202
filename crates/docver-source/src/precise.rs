//! The precise comparison of two versions of a family: each version has a reader and a writer
//! schema (serde reads more than it writes), so backward asks whether the newer reader accepts
//! what the older writer wrote, and forward whether the older reader accepts what the newer
//! writer writes. Findings then point into the `.rs` file.

use docver_attr::FamilyDecl;
use docver_check::{
    DiffOptions, DiffReport, Direction, Finding, Location, Schema, Verdict, Witness, diff,
};

use crate::scan::SourceFile;
use crate::schema::Derived;

/// One version's models: the reader's and the writer's, each with what its derivation found.
#[derive(Debug)]
pub struct VersionModels {
    pub reader_derived: Derived,
    pub reader: Schema,
    pub writer_derived: Derived,
    pub writer: Schema,
}

/// A version's two schema models, without the source spans (which stay on one thread).
#[derive(Debug, Clone, Copy)]
pub struct Contracts<'a> {
    pub reader: &'a Schema,
    pub writer: &'a Schema,
}

impl VersionModels {
    pub fn contracts(&self) -> Contracts<'_> {
        Contracts {
            reader: &self.reader,
            writer: &self.writer,
        }
    }
}

/// Backward from writer(old) → reader(new), forward from reader(old) → writer(new), merged.
pub fn precise_diff(old: Contracts<'_>, new: Contracts<'_>) -> DiffReport {
    let options = DiffOptions::default();
    let backward = diff(old.writer, new.reader, &options);
    let forward = diff(old.reader, new.writer, &options);
    let mut warnings = backward.warnings;
    // Renames come from the family's declared lens operations, never from a guess: a property
    // removed and another added are a removal and an addition.
    let guessed = |f: &Finding| f.rule == docver_check::rules::PROPERTY_RENAMED.info.id;
    warnings.extend(forward.warnings);
    let mut merged: Vec<Finding> = Vec::new();
    for mut f in backward.findings.into_iter().filter(|f| !guessed(f)) {
        f.forward = Verdict::Compatible;
        f.witnesses.retain(|w| w.direction == Direction::Backward);
        merged.push(f);
    }
    // From the forward check only what breaks forward: its compatible notes repeat the
    // backward check's in the writer's terms.
    for f in forward
        .findings
        .into_iter()
        .filter(|f| f.forward.is_breaking() && !guessed(f))
    {
        match merged
            .iter_mut()
            .find(|m| m.rule == f.rule && m.pointer == f.pointer && m.detail == f.detail)
        {
            Some(m) => {
                m.forward = f.forward;
                m.witnesses.extend(
                    f.witnesses
                        .into_iter()
                        .filter(|w: &Witness| w.direction == Direction::Forward),
                );
            }
            None => {
                let mut f = f;
                f.backward = Verdict::Compatible;
                f.witnesses.retain(|w| w.direction == Direction::Forward);
                merged.push(f);
            }
        }
    }
    let worst = |d: Direction| {
        merged
            .iter()
            .fold(Verdict::Compatible, |v, f| v.worst(f.verdict(d)))
    };
    DiffReport {
        backward: worst(Direction::Backward),
        forward: worst(Direction::Forward),
        findings: merged,
        warnings,
    }
}

/// Where a finding points in the `.rs` file: the field its first document-path segment names
/// in that version, or the family's name. `None` when the finding has no location on that
/// side, or names a property this version does not declare (the other side's says it).
pub fn rust_location(
    file: &SourceFile,
    family: &FamilyDecl,
    derived: &Derived,
    pointer: Option<&str>,
    instance_path: &str,
) -> Option<Location> {
    let pointer = pointer?;
    let first = docver::pointer::first_token(instance_path).into_owned();
    let span = match derived.fields.get(&first) {
        Some(span) => *span,
        None if !first.is_empty()
            && first != family.schema_field
            && first != family.version_field =>
        {
            return None;
        }
        None => family.ident.span(),
    };
    Some(Location {
        pointer: pointer.to_owned(),
        span: file.span(span),
        key_span: None,
    })
}

/// `, field `status` declared by `#[docver(since = 3, …)]`` for the field a document path
/// starts at, in `version`: what a reviewer looks for next to the diagnostic.
pub fn declaration(family: &FamilyDecl, version: u32, instance_path: &str) -> Option<String> {
    let first = docver::pointer::first_token(instance_path);
    // Documents name the field by its serde name, which a rename may have changed.
    let field = family
        .fields_in(version)
        .into_iter()
        .find(|f| family.json_name(f) == first)?;
    let attribute = field
        .attrs_docver
        .as_ref()
        .map(|a| format!(" declared by `{a}`"))
        .unwrap_or_default();
    Some(format!(", field `{}`{attribute}", field.name()))
}

/// Points a pair's findings into the `.rs` file and names the versions and the declaration in
/// each message.
pub fn locate_findings(
    report: &mut DiffReport,
    file: &SourceFile,
    family: &FamilyDecl,
    (a, old): (u32, &VersionModels),
    (b, new): (u32, &VersionModels),
) {
    for f in &mut report.findings {
        let old_pointer = f.old.as_ref().map(|l| l.pointer.clone());
        let new_pointer = f.new.as_ref().map(|l| l.pointer.clone());
        f.old = rust_location(
            file,
            family,
            &old.reader_derived,
            old_pointer.as_deref(),
            &f.instance_path,
        );
        f.new = rust_location(
            file,
            family,
            &new.reader_derived,
            new_pointer.as_deref(),
            &f.instance_path,
        );
        f.message = format!(
            "{} (v{a} → v{b}{})",
            f.message,
            declaration(family, b, &f.instance_path)
                .or_else(|| declaration(family, a, &f.instance_path))
                .unwrap_or_default()
        );
    }
}
