//! `pattern` and `format`.

use super::{Change, Effect, Probe, Rule, RuleInfo, example};
use crate::check::instance::{distinguishing, finite_pattern};
use crate::model::{JsonType, Resolved};

fn admits_strings(r: &Resolved<'_>) -> bool {
    r.effective_types()
        .is_none_or(|t| t.contains(JsonType::String))
}

/// Whether every string `from` admits is admitted by `to`, when that can be decided: `from`
/// absent can't be contained by `to` present (undecided, unless a witness shows it); a finite
/// pattern is decided by testing each of its strings.
fn contained(from: Option<&str>, to: Option<&str>) -> Option<bool> {
    match (from, to) {
        (_, None) => Some(true),
        (Some(a), Some(b)) if a == b => Some(true),
        (Some(a), Some(b)) => {
            let literals = finite_pattern(a)?;
            let re = crate::check::pattern::ecma_regex(b)?;
            Some(literals.iter().all(|s| re.is_match(s)))
        }
        (None, Some(_)) => None,
    }
}

pub static PATTERN_CHANGED: Rule = Rule {
    info: RuleInfo {
        id: "pattern-changed",
        category: super::Category::String,
        summary: "A string pattern was added, removed or changed.",
        effect: Effect {
            backward: "breaking unless the new pattern admits every old string",
            forward: "breaking unless the old pattern admits every new string",
        },
        explanation: "Whether one regular expression admits everything another does is decided \
            when a pattern spells out a finite set of strings (`^(open|done)$`) or when a \
            witness string shows the difference; otherwise the change is reported as breaking \
            (undecided), never guessed compatible.",
        example_old: example!("pattern-changed").0,
        example_new: example!("pattern-changed").1,
        example_policy: None,
        scope: super::Scope::Change,
        annotation_only: false,
        closed_object: false,
    },
    check: |pair, out| {
        let (o, n) = (
            pair.o.node.string.pattern.as_deref(),
            pair.n.node.string.pattern.as_deref(),
        );
        if o == n || !admits_strings(&pair.o) || !admits_strings(&pair.n) {
            return;
        }
        let show = |p: Option<&str>| p.map_or("none".to_owned(), |p| format!("`{p}`"));
        let mut change = Change::new(
            &PATTERN_CHANGED,
            pair,
            format!("pattern changed from {} to {}", show(o), show(n)),
        )
        .detail(format!("{}->{}", o.unwrap_or(""), n.unwrap_or("")));
        if contained(o, n) != Some(true) {
            change = match distinguishing(pair.old, pair.o.id, pair.new, pair.n.id) {
                Some(value) => change.breaks_backward(Probe::Value(value)),
                None if contained(o, n) == Some(false) => change.breaks_backward(Probe::Search),
                None => change.undecided_backward(),
            };
        }
        if contained(n, o) != Some(true) {
            change = match distinguishing(pair.new, pair.n.id, pair.old, pair.o.id) {
                Some(value) => change.breaks_forward(Probe::Value(value)),
                None if contained(n, o) == Some(false) => change.breaks_forward(Probe::Search),
                None => change.undecided_forward(),
            };
        }
        out.push(change);
    },
};

pub static FORMAT_CHANGED: Rule = Rule {
    info: RuleInfo {
        id: "format-changed",
        category: super::Category::String,
        summary: "A string format (date-time, uuid, email, …) was added, removed or changed.",
        effect: Effect {
            backward: "breaking when a format is added or changed",
            forward: "breaking when a format is removed or changed",
        },
        explanation: "JSON Schema 2020-12 makes `format` an annotation, but typed readers assert \
            it (serde into `chrono::DateTime` or `uuid::Uuid` fails on other strings), so a \
            format is compared like a constraint.",
        example_old: example!("format-changed").0,
        example_new: example!("format-changed").1,
        example_policy: None,
        scope: super::Scope::Change,
        annotation_only: false,
        closed_object: false,
    },
    check: |pair, out| {
        let (o, n) = (
            pair.o.node.string.format.as_deref(),
            pair.n.node.string.format.as_deref(),
        );
        if o == n || !admits_strings(&pair.o) || !admits_strings(&pair.n) {
            return;
        }
        let show = |f: Option<&str>| f.map_or("none".to_owned(), |f| format!("`{f}`"));
        let mut change = Change::new(
            &FORMAT_CHANGED,
            pair,
            format!("format changed from {} to {}", show(o), show(n)),
        )
        .detail(format!("{}->{}", o.unwrap_or(""), n.unwrap_or("")));
        if n.is_some() {
            change = change.breaks_backward(Probe::Search);
        }
        if o.is_some() {
            change = change.breaks_forward(Probe::Search);
        }
        out.push(change);
    },
};
