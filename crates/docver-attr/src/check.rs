//! Validation of a family as a whole: every error found, each with its span.

use crate::ast::{FamilyDecl, Field};
use crate::ctxt::Ctxt;
use crate::lens_syntax::{self, Op};
use docver_lens::{LensOp, Property};

/// Validates `family`, reporting every error to `cx`; returns, for each generated step (the
/// version it goes to), the fields its lens accounts for, which code generation needs.
pub fn check(cx: &Ctxt, family: &FamilyDecl) -> Vec<(u32, Lensed)> {
    check_versions(cx, family);
    check_ranges(cx, family);
    check_steps(cx, family);
    check_misplaced(cx, family);
    let mut lensed_steps = Vec::new();
    for (previous, next) in family.steps_between() {
        if family.function_step_to(next).is_none() {
            let lensed = check_lens(cx, family, previous, next);
            // With an operation that did not parse, the fields the lens leaves unaccounted for
            // are that operation's, already reported.
            if !family.step_to(next).is_some_and(|s| s.lens_incomplete) {
                check_glue(cx, family, previous, next, &lensed);
            }
            lensed_steps.push((next, lensed));
        }
    }
    lensed_steps
}

/// The fields a step's lens accounts for: those it reads from the older version and those it
/// writes to the newer one.
#[derive(Debug, Clone, Default)]
pub struct Lensed {
    pub read: Vec<String>,
    pub written: Vec<String>,
}

/// Follows the lens over the older version's field names, reporting each operation that
/// names a field that is not there (or already there), and each field the lens produces that
/// the newer version does not declare.
pub(crate) fn check_lens(cx: &Ctxt, family: &FamilyDecl, previous: u32, next: u32) -> Lensed {
    let ops = family.lens_to(next);
    let mut lensed = Lensed::default();
    if ops.is_empty() {
        return lensed;
    }
    let mut names: Vec<String> = family
        .fields_in(previous)
        .iter()
        .map(|f| f.name())
        .collect();
    let original = names.clone();
    for op in ops {
        let (reads, writes) = lens_syntax::touches(&op.op);
        for read in &reads {
            let name = read.to_string();
            if !names.contains(&name) {
                cx.error_spanned_by(
                    read,
                    format!("the lens reads `{name}`, which v{previous} (after the operations before this one) does not have"),
                );
            } else if original.contains(&name) && !lensed.read.contains(&name) {
                lensed.read.push(name);
            }
        }
        for read in &reads {
            if !writes.iter().any(|w| w == read) {
                names.retain(|n| *n != read.to_string());
            }
        }
        for write in &writes {
            let name = write.to_string();
            if !reads.iter().any(|r| r == write) && names.contains(&name) {
                cx.error_spanned_by(
                    write,
                    format!("the lens adds `{name}`, which is already there"),
                );
            }
            if !names.contains(&name) {
                names.push(name.clone());
            }
            if !lensed.written.contains(&name) {
                lensed.written.push(name);
            }
        }
    }
    for name in &lensed.written {
        if names.contains(name) && family.field_in(next, name).is_none() {
            let span = ops
                .iter()
                .flat_map(|op| lens_syntax::touches(&op.op).1)
                .find(|w| *w == name)
                .map_or(family.span, |w| w.span());
            cx.error_at(
                span,
                format!("the lens produces `{name}`, but v{next} declares no such field"),
            );
        }
    }
    // A field the lens consumes without producing must be gone in the newer version.
    for name in &lensed.read {
        if !names.contains(name) && family.field_in(next, name).is_some() {
            let span = ops
                .iter()
                .flat_map(|op| lens_syntax::touches(&op.op).0)
                .find(|r| *r == name)
                .map_or(family.span, |r| r.span());
            cx.error_at(
                span,
                format!("the lens takes `{name}` away, but v{next} still declares it"),
            );
        }
    }
    for op in ops {
        check_op_fields(cx, family, previous, next, &op.op);
    }
    lensed
}

/// Per-operation requirements the field declarations can show.
fn check_op_fields(cx: &Ctxt, family: &FamilyDecl, previous: u32, next: u32, op: &Op) {
    match op {
        LensOp::Remove(Property {
            name,
            default: None,
            ..
        }) => {
            if let Some(old) = family.field_in(previous, &name.to_string())
                && old.default().is_none()
                && !old.is_option()
            {
                cx.error_spanned_by(
                    name,
                    format!("`remove({name})` needs `default = value`: a downgrade to v{previous} must fill `{name}` in documents written without it"),
                );
            }
        }
        LensOp::Add(Property {
            name,
            default: None,
            ..
        }) => {
            if let Some(new) = family.field_in(next, &name.to_string())
                && new.default().is_none()
                && !new.is_option()
            {
                cx.error_spanned_by(
                    name,
                    format!("`add({name})` needs `default = value` (or `#[docver(default)]` on the field): an upgrade of a v{previous} document must fill it"),
                );
            }
        }
        LensOp::Add(_)
        | LensOp::Remove(_)
        | LensOp::Rename(_)
        | LensOp::Hoist(_)
        | LensOp::Plunge(_)
        | LensOp::Wrap(_)
        | LensOp::Head(_)
        | LensOp::In(_)
        | LensOp::Map(_)
        | LensOp::Convert(_) => {}
    }
}

fn check_versions(cx: &Ctxt, family: &FamilyDecl) {
    for pair in family.versions.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        if b.value == a.value {
            cx.error_at(b.span, format!("version {} is declared twice", b.value));
        } else if b.value < a.value {
            cx.error_at(
                b.span,
                format!(
                    "versions must increase: {} comes after {}",
                    b.value, a.value
                ),
            );
        }
    }
    if let Some(base) = family.base
        && !family.versions.iter().any(|v| v.value == base.value)
    {
        cx.error_at(
            base.span,
            format!(
                "`base = {}` is not one of the declared versions",
                base.value
            ),
        );
    }
}

fn check_ranges(cx: &Ctxt, family: &FamilyDecl) {
    let declared = family.version_numbers();
    for field in &family.fields {
        let (since, until) = (field.docver.since, field.docver.until);
        let since_undeclared = since.is_some_and(|s| !declared.contains(&s.value));
        if let Some(s) = since
            && since_undeclared
        {
            cx.error_at(
                s.span,
                format!(
                    "`since = {}` is not a declared version ({declared:?})",
                    s.value
                ),
            );
        }
        // An undeclared `since` is already reported; an empty range would say it twice.
        if !since_undeclared && !declared.iter().any(|v| field.exists_in(*v)) {
            let span = until.or(since).map_or(field.ident.span(), |v| v.span);
            let range = match (since, until) {
                (Some(s), Some(u)) => format!("`since = {}, until = {}`", s.value, u.value),
                (Some(s), None) => format!("`since = {}`", s.value),
                (None, Some(u)) => format!("`until = {}`", u.value),
                (None, None) => "the field".to_owned(),
            };
            cx.error_at(
                span,
                format!(
                    "the version range {range} of `{}` is empty: it exists in no declared version{}",
                    field.ident,
                    match (since, until) {
                        (Some(s), Some(u)) if u.value <= s.value =>
                            " (`until` is exclusive: the field exists in versions `since <= v < until`)",
                        _ => "",
                    }
                ),
            );
        }
    }
    // A name may appear several times, but only once per version.
    for (i, field) in family.fields.iter().enumerate() {
        for other in &family.fields[..i] {
            let shared: Vec<String> = declared
                .iter()
                .filter(|v| field.exists_in(**v) && other.exists_in(**v))
                .map(|v| format!("v{v}"))
                .collect();
            if other.ident == field.ident && !shared.is_empty() {
                cx.error_spanned_by(
                    &field.ident,
                    format!(
                        "field `{}` is declared twice for {}: give the declarations disjoint `since`/`until` ranges (`until` is exclusive)",
                        field.ident,
                        shared.join(", ")
                    ),
                );
            }
        }
    }
}

/// `upgrade` belongs on a field that begins after the first version (it computes the field from
/// the previous version); `downgrade` on one that ends or changes type before the last.
fn check_misplaced(cx: &Ctxt, family: &FamilyDecl) {
    let (first, last) = (family.versions.first().map(|v| v.value), family.latest());
    for field in &family.fields {
        if let Some(path) = &field.docver.upgrade
            && first.is_some_and(|first| field.exists_in(first))
        {
            cx.error_spanned_by(path, format!("`upgrade` on `{}` has nothing to upgrade from: the field exists in the first version", field.ident));
        }
        if let Some(path) = &field.docver.downgrade
            && field.exists_in(last)
        {
            cx.error_spanned_by(path, format!("`downgrade` on `{}` has nothing to downgrade from: the field exists in the last version", field.ident));
        }
    }
}

fn check_steps(cx: &Ctxt, family: &FamilyDecl) {
    let declared = family.version_numbers();
    for step in &family.steps {
        if step.to.value == 0 {
            continue;
        }
        if !declared.contains(&step.to.value) || declared.first() == Some(&step.to.value) {
            cx.error_at(
                step.to.span,
                format!(
                    "`step(to = {})` must name a declared version after the first",
                    step.to.value
                ),
            );
        }
        // A lens with an error of its own is reported there; it is still a lens.
        if !step.lens.is_empty() || step.lens_incomplete {
            if step.has_functions() {
                cx.error_at(
                    step.span,
                    "a `step(...)` is either `lens(...)` or `upgrade = path, downgrade = path`, not both",
                );
            }
        } else if step.upgrade.is_none() || step.downgrade.is_none() {
            cx.error_at(
                step.span,
                "a `step(...)` needs both `upgrade = path` and `downgrade = path` (or `lens(...)`)",
            );
        }
    }
}

/// Numeric types whose values all fit the next one: the step converts with `From` on upgrade
/// and `TryFrom` on downgrade.
fn widens(from: &str, to: &str) -> bool {
    const CHAINS: &[&[&str]] = &[
        &["i8", "i16", "i32", "i64", "i128"],
        &["u8", "u16", "u32", "u64", "u128"],
        &["f32", "f64"],
    ];
    let ordered = CHAINS.iter().any(|chain| {
        let (a, b) = (
            chain.iter().position(|t| *t == from),
            chain.iter().position(|t| *t == to),
        );
        matches!((a, b), (Some(a), Some(b)) if a < b)
    });
    ordered
        || matches!((from, to), ("u8", "i16") | ("u16", "i32") | ("u32", "i64"))
        || to == format!("Option<{from}>")
}

pub fn is_widening(from: &Field, to: &Field) -> bool {
    widens(&from.type_text(), &to.type_text())
}

fn check_glue(cx: &Ctxt, family: &FamilyDecl, previous: u32, next: u32, lensed: &Lensed) {
    for field in family.fields_in(next) {
        let name = field.name();
        if lensed.written.contains(&name) {
            continue;
        }
        match family.field_in(previous, &name) {
            Some(old) if old.type_text() == field.type_text() => {}
            Some(old) => {
                if field.docver.upgrade.is_none() && !is_widening(old, field) {
                    cx.error_spanned_by(
                        &field.ty,
                        format!(
                            "field `{name}` changes type from `{}` (v{previous}) to `{}` (v{next}) with no migration: \
                             add `upgrade = path` here and `downgrade = path` on the v{previous} field, or declare `step(to = {next}, …)`",
                            old.type_text(),
                            field.type_text()
                        ),
                    );
                } else if field.docver.upgrade.is_some()
                    && old.docver.downgrade.is_none()
                    && !is_widening(old, field)
                {
                    cx.error_spanned_by(
                        &old.ident,
                        format!("field `{name}` changes type in v{next}; this v{previous} declaration needs `downgrade = path` to get back from v{next}"),
                    );
                }
            }
            None => {
                if field.docver.upgrade.is_none() && field.default().is_none() && !field.is_option()
                {
                    cx.error_spanned_by(
                        &field.ident,
                        format!(
                            "required field `{name}` is added in v{next} with no default: add `default` (or `default = path`), \
                             make it an `Option`, or give `upgrade = path`"
                        ),
                    );
                }
            }
        }
    }
    for old in family.fields_in(previous) {
        let name = old.name();
        if lensed.read.contains(&name) {
            continue;
        }
        if family.field_in(next, &name).is_none()
            && old.docver.downgrade.is_none()
            && old.default().is_none()
            && !old.is_option()
        {
            cx.error_spanned_by(
                &old.ident,
                format!(
                    "field `{name}` is removed in v{next}; a downgrade to v{previous} needs a value for it: add `default`, \
                     make it an `Option`, or give `downgrade = path`"
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widening_is_known_for_numbers_and_options() {
        assert!(widens("i32", "i64"));
        assert!(widens("f32", "f64"));
        assert!(widens("u32", "i64"));
        assert!(widens("bool", "Option<bool>"));
        assert!(!widens("i64", "i32"));
        assert!(!widens("bool", "String"));
    }
}
