//! The migrations a family declares, as the check's verdict sees them: for the steps from one
//! version to another, which declaration carries a top-level field across, in which direction
//! (backward: the upgrade chain an old document takes to a new reader; forward: the downgrade
//! chain a new document takes to an old reader), and whether it keeps everything.
//!
//! What counts as declared is what the derive turns into the generated chain: a step's lens
//! operations (both ways, lossy where [`docver_attr::lens_syntax::loss`] says so), a step's
//! `upgrade`/`downgrade` functions (the whole document; lossy back unless `lossless`), a field's
//! `upgrade`/`downgrade` on the boundary, and a field's `default` (what the generated glue
//! fills in for a field the other side lacks).

use docver_attr::FamilyDecl;
use docver_attr::lens_syntax;
use docver_check::{DiffReport, Direction, Verdict};

use crate::policy::Policy;

/// How one declaration carries a change across one step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Carried {
    /// The step's target version.
    pub to: u32,
    /// What a reviewer looks for: "lens `rename` `full_name`", "`migrate::split_status`".
    pub by: String,
    /// Why going this way loses something, if it does.
    pub loss: Option<String>,
}

/// The declarations that carry a change of top-level property `property` (its JSON name; empty
/// for the document root) from version `from` to version `to` (`from < to`), going `direction`:
/// one per step between them that declares something about it. Empty when none does.
pub fn carried(
    family: &FamilyDecl,
    from: u32,
    to: u32,
    property: &str,
    direction: Direction,
) -> Vec<Carried> {
    family
        .steps_between()
        .into_iter()
        .filter(|(_, next)| *next > from && *next <= to)
        .filter_map(|(previous, next)| step_carries(family, previous, next, property, direction))
        .collect()
}

/// The declaration of step `previous → next` that carries `property` going `direction`.
fn step_carries(
    family: &FamilyDecl,
    previous: u32,
    next: u32,
    property: &str,
    direction: Direction,
) -> Option<Carried> {
    let carried = |by: String, loss: Option<String>| Carried { to: next, by, loss };
    if let Some(step) = family.function_step_to(next) {
        let (function, lossy) = match direction {
            Direction::Backward => (step.upgrade.as_ref(), false),
            Direction::Forward => (step.downgrade.as_ref(), !step.lossless),
        };
        let path = function?;
        let loss = lossy.then(|| "the step's function is not declared `lossless`".to_owned());
        return Some(carried(format!("`{}`", path_text(path)), loss));
    }
    let ops = lens_ops_on(family, previous, next, property);
    if !ops.is_empty() {
        // Every operation on the property counts: `rename` then `wrap` loses what `wrap` does.
        let loss = match direction {
            Direction::Backward => None,
            Direction::Forward => ops.iter().find_map(|op| lens_syntax::loss(op)),
        };
        let names: Vec<String> = ops
            .iter()
            .map(|op| {
                let field = lens_syntax::field(op)
                    .map(|f| format!(" `{f}`"))
                    .unwrap_or_default();
                format!("`{}`{field}", op.kind().name())
            })
            .collect();
        return Some(carried(format!("lens {}", names.join(", ")), loss));
    }
    field_carries(family, previous, next, property, direction).map(|(by, loss)| carried(by, loss))
}

/// The operations of the lens of step `previous → next` that carry `property`: those naming it,
/// and those naming what they connect it to (`rename(from = email, to = emails)` then
/// `wrap(emails)` both carry `email`).
fn lens_ops_on<'a>(
    family: &'a FamilyDecl,
    previous: u32,
    next: u32,
    property: &str,
) -> Vec<&'a lens_syntax::Op> {
    let ops: Vec<&lens_syntax::Op> = family.lens_to(next).iter().map(|w| &w.op).collect();
    let names = |op: &lens_syntax::Op| -> Vec<String> {
        let (reads, writes) = lens_syntax::touches(op);
        let name = |ident: &syn::Ident| {
            family
                .field_in(previous, &ident.to_string())
                .or_else(|| family.field_in(next, &ident.to_string()))
                .map_or_else(|| ident.to_string(), |f| family.json_name(f))
        };
        reads.into_iter().chain(writes).map(name).collect()
    };
    let mut connected = vec![property.to_owned()];
    let mut chosen = vec![false; ops.len()];
    // Small lists: repeat until no operation joins (a later one may connect an earlier one).
    let mut changed = true;
    while changed {
        changed = false;
        for (i, op) in ops.iter().enumerate() {
            let touched = names(op);
            if !chosen[i] && touched.iter().any(|n| connected.contains(n)) {
                chosen[i] = true;
                changed = true;
                connected.extend(touched);
            }
        }
    }
    ops.into_iter()
        .zip(chosen)
        .filter_map(|(op, chosen)| chosen.then_some(op))
        .collect()
}

/// A field declaration on the boundary that carries `property`: the newer field's `upgrade`
/// or `default` going backward, the older field's `downgrade` or `default` going forward.
fn field_carries(
    family: &FamilyDecl,
    previous: u32,
    next: u32,
    property: &str,
    direction: Direction,
) -> Option<(String, Option<String>)> {
    let declared = |version: u32| {
        family
            .fields_in(version)
            .into_iter()
            .find(|f| family.json_name(f) == property)
    };
    let (old, new) = (declared(previous), declared(next));
    let (field, function, other) = match direction {
        Direction::Backward => (new?, new?.docver.upgrade.as_ref(), old),
        Direction::Forward => (old?, old?.docver.downgrade.as_ref(), new),
    };
    let same_declaration = other.is_some_and(|o| std::ptr::eq(o, field));
    if same_declaration {
        return None;
    }
    if let Some(path) = function {
        let loss = (direction == Direction::Forward && !field.docver.lossless)
            .then(|| format!("`{}` is not declared `lossless`", path_text(path)));
        return Some((format!("`{}`", path_text(path)), loss));
    }
    if other.is_none() && (field.default().is_some() || field.is_option()) {
        return Some((format!("the default of `{}`", field.name()), None));
    }
    None
}

fn path_text(path: &syn::Path) -> String {
    quote::ToTokens::to_token_stream(path)
        .to_string()
        .replace(' ', "")
}

/// Turns each breaking direction of a finding in the `from → to` comparison that a declared
/// migration carries into *migrated* (compatible, with a note naming the declarations and
/// whether they lose anything), unless the policy still needs it to be an error: forward
/// under a strategy where old readers meet new documents as they are, or a lossy downgrade
/// where the policy requires lossless ones. `lens-disagrees` is never carried.
pub fn apply_migrations(
    report: &mut DiffReport,
    family: &FamilyDecl,
    (from, to): (u32, u32),
    policy: &Policy,
) -> Applied {
    let mut applied = Applied::default();
    for f in &mut report.findings {
        if f.rule == docver_check::rules::LENS_DISAGREES.info.id {
            continue;
        }
        let property = docver::pointer::first_token(&f.instance_path).into_owned();
        let mut notes = Vec::new();
        for direction in Direction::ALL {
            if !f.verdict(direction).is_breaking() {
                continue;
            }
            let steps = carried(family, from, to, &property, direction);
            if steps.is_empty() {
                continue;
            }
            let (way, by) = (direction_word(direction), describe(&steps));
            let loss = steps.iter().find_map(|c| c.loss.clone());
            if direction == Direction::Forward && !policy.strategy.old_readers_read_own_version() {
                notes.push(format!("not migrated forward: {by} exists, but with strategy `{}` old readers read new documents as they are", policy.strategy.as_str()));
                continue;
            }
            if let (Some(loss), true) = (&loss, policy.lossless) {
                notes.push(format!("the downgrade is lossy ({by}: {loss}), and docver.toml requires lossless downgrades"));
                continue;
            }
            match direction {
                Direction::Backward => f.backward = Verdict::Compatible,
                Direction::Forward => f.forward = Verdict::Compatible,
            }
            f.witnesses.retain(|w| w.direction != direction);
            applied.record(direction, loss.is_some());
            let quality = loss.map_or_else(|| "lossless".to_owned(), |l| format!("lossy: {l}"));
            notes.push(format!("migrated {way} by {by}, {quality}"));
        }
        if !notes.is_empty() {
            f.message = format!("{}; {}", f.message, notes.join("; "));
        }
    }
    let worst = |d: Direction| {
        report
            .findings
            .iter()
            .fold(Verdict::Compatible, |v, f| v.worst(f.verdict(d)))
    };
    report.backward = worst(Direction::Backward);
    report.forward = worst(Direction::Forward);
    applied
}

/// What [`apply_migrations`] turned into *migrated*, per direction.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Applied {
    /// `Some(lossless)` when a breaking change was migrated backward.
    pub backward: Option<bool>,
    pub forward: Option<bool>,
}

impl Applied {
    fn record(&mut self, direction: Direction, lossy: bool) {
        let slot = match direction {
            Direction::Backward => &mut self.backward,
            Direction::Forward => &mut self.forward,
        };
        *slot = Some(slot.unwrap_or(true) && !lossy);
    }

    /// `Some(lossless)` when something was migrated `direction`.
    pub fn get(self, direction: Direction) -> Option<bool> {
        match direction {
            Direction::Backward => self.backward,
            Direction::Forward => self.forward,
        }
    }
}

fn direction_word(direction: Direction) -> &'static str {
    match direction {
        Direction::Backward => "backward",
        Direction::Forward => "forward",
    }
}

/// `lens `rename` `full_name` (step to v2)`, joined with `then` over several steps.
fn describe(steps: &[Carried]) -> String {
    steps
        .iter()
        .map(|c| format!("{} (step to v{})", c.by, c.to))
        .collect::<Vec<_>>()
        .join(" then ")
}
