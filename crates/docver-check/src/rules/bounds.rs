//! Numeric bounds (`minimum`, `maximum`, exclusive forms, `multipleOf`) and length bounds
//! (`minLength`/`maxLength`, `minItems`/`maxItems`, `minProperties`/`maxProperties`).

use super::{Change, Effect, Pair, Probe, Rule, RuleInfo, example};
use std::cmp::Ordering;

use serde_json::Number;

use crate::model::{JsonType, Node, Resolved, number_cmp, number_equal};

/// A bound as `(value, exclusive)`, the value as written (compared with [`number_cmp`], so
/// integers beyond 2^53 are told apart).
type Bound<'a> = Option<(&'a Number, bool)>;

/// The tighter of an inclusive and an exclusive bound; `tighter` is the order in which the
/// exclusive one wins when they are equal or it lies further in.
fn combine<'a>(
    inclusive: Option<&'a Number>,
    exclusive: Option<&'a Number>,
    tighter: Ordering,
) -> Bound<'a> {
    match (inclusive, exclusive) {
        (Some(a), Some(b)) if number_cmp(b, a) == tighter || number_equal(a, b) => Some((b, true)),
        (Some(a), _) => Some((a, false)),
        (None, Some(b)) => Some((b, true)),
        (None, None) => None,
    }
}

fn lower(node: &Node) -> Bound<'_> {
    let n = &node.number;
    combine(
        n.minimum.as_ref(),
        n.exclusive_minimum.as_ref(),
        Ordering::Greater,
    )
}

fn upper(node: &Node) -> Bound<'_> {
    let n = &node.number;
    combine(
        n.maximum.as_ref(),
        n.exclusive_maximum.as_ref(),
        Ordering::Less,
    )
}

/// Whether bound `b` admits less than bound `a`, where `inward` is the order of a tighter
/// value (greater for a lower bound, less for an upper one).
fn tighter(a: Bound<'_>, b: Bound<'_>, inward: Ordering) -> bool {
    match (a, b) {
        (_, None) => false,
        (None, Some(_)) => true,
        (Some((av, ax)), Some((bv, bx))) => {
            let order = number_cmp(bv, av);
            order == inward || (order == Ordering::Equal && bx && !ax)
        }
    }
}

/// Whether lower bound `b` admits less than lower bound `a`.
fn lower_tighter(a: Bound<'_>, b: Bound<'_>) -> bool {
    tighter(a, b, Ordering::Greater)
}

fn upper_tighter(a: Bound<'_>, b: Bound<'_>) -> bool {
    tighter(a, b, Ordering::Less)
}

/// `multipleOf`: whether a value valid under `b` may be invalid under `a` (`None` = no
/// constraint). Multiples of `b` are all multiples of `a` exactly when `b` is a multiple of `a`.
fn multiple_looser(a: Option<f64>, b: Option<f64>) -> bool {
    match (a, b) {
        (None, _) => false,
        (Some(_), None) => true,
        (Some(a), Some(b)) => {
            let q = b / a;
            (q - q.round()).abs() > 1e-9
        }
    }
}

fn describe(bound: Bound<'_>) -> String {
    match bound {
        None => "none".into(),
        Some((v, true)) => format!("exclusive {v}"),
        Some((v, false)) => format!("{v}"),
    }
}

fn admits(r: &Resolved<'_>, t: JsonType) -> bool {
    r.effective_types().is_none_or(|set| set.admits(t))
}

/// Numeric bound differences: `(keyword, old, new, tightened)`.
fn numeric_changes(pair: &Pair<'_>) -> Vec<(&'static str, String, String, bool)> {
    if !(admits(&pair.o, JsonType::Number) || admits(&pair.o, JsonType::Integer))
        || !(admits(&pair.n, JsonType::Number) || admits(&pair.n, JsonType::Integer))
    {
        return Vec::new();
    }
    let (o, n) = (pair.o.node, pair.n.node);
    let mut changes = Vec::new();
    let (ol, nl, ou, nu) = (lower(o), lower(n), upper(o), upper(n));
    if lower_tighter(ol, nl) {
        changes.push(("minimum", describe(ol), describe(nl), true));
    } else if lower_tighter(nl, ol) {
        changes.push(("minimum", describe(ol), describe(nl), false));
    }
    if upper_tighter(ou, nu) {
        changes.push(("maximum", describe(ou), describe(nu), true));
    } else if upper_tighter(nu, ou) {
        changes.push(("maximum", describe(ou), describe(nu), false));
    }
    let (om, nm) = (o.number.multiple_of, n.number.multiple_of);
    let show = |m: Option<f64>| m.map_or("none".to_owned(), |m| m.to_string());
    if multiple_looser(nm, om) {
        changes.push(("multipleOf", show(om), show(nm), true));
    }
    if multiple_looser(om, nm) {
        changes.push(("multipleOf", show(om), show(nm), false));
    }
    changes
}

/// Length bound differences: `(keyword, old, new, tightened)`.
fn length_changes(pair: &Pair<'_>) -> Vec<(&'static str, String, String, bool)> {
    let (o, n) = (pair.o.node, pair.n.node);
    let show = |v: Option<u64>| v.map_or("none".to_owned(), |v| v.to_string());
    let mut changes = Vec::new();
    let mut compare =
        |keyword: &'static str, t: JsonType, ov: Option<u64>, nv: Option<u64>, is_min: bool| {
            if ov == nv || !admits(&pair.o, t) || !admits(&pair.n, t) {
                return;
            }
            let (a, b) = (
                ov.unwrap_or(if is_min { 0 } else { u64::MAX }),
                nv.unwrap_or(if is_min { 0 } else { u64::MAX }),
            );
            if a == b {
                return;
            }
            let tightened = if is_min { b > a } else { b < a };
            changes.push((keyword, show(ov), show(nv), tightened));
        };
    compare(
        "minLength",
        JsonType::String,
        o.string.min_length,
        n.string.min_length,
        true,
    );
    compare(
        "maxLength",
        JsonType::String,
        o.string.max_length,
        n.string.max_length,
        false,
    );
    compare(
        "minItems",
        JsonType::Array,
        o.array.min_items,
        n.array.min_items,
        true,
    );
    compare(
        "maxItems",
        JsonType::Array,
        o.array.max_items,
        n.array.max_items,
        false,
    );
    compare(
        "minProperties",
        JsonType::Object,
        o.object.min_properties,
        n.object.min_properties,
        true,
    );
    compare(
        "maxProperties",
        JsonType::Object,
        o.object.max_properties,
        n.object.max_properties,
        false,
    );
    changes
}

/// Whether a bound finding's `detail` (`keyword:old->new`, written by [`report`]) is about how
/// many properties an object may have rather than a value's length or size.
pub fn counts_properties(detail: &str) -> bool {
    detail
        .split_once(':')
        .is_some_and(|(keyword, _)| matches!(keyword, "minProperties" | "maxProperties"))
}

fn report(
    rule: &'static Rule,
    pair: &Pair<'_>,
    out: &mut Vec<Change>,
    changes: Vec<(&'static str, String, String, bool)>,
    want_tightened: bool,
) {
    for (keyword, old, new, tightened) in changes {
        if tightened != want_tightened {
            continue;
        }
        let verb = if tightened { "tightened" } else { "loosened" };
        let change = Change::new(
            rule,
            pair,
            format!("`{keyword}` {verb} from {old} to {new}"),
        )
        .detail(format!("{keyword}:{old}->{new}"));
        out.push(if tightened {
            change.breaks_backward(Probe::Search)
        } else {
            change.breaks_forward(Probe::Search)
        });
    }
}

pub static NUMERIC_BOUND_TIGHTENED: Rule = Rule {
    info: RuleInfo {
        id: "numeric-bound-tightened",
        category: super::Category::Bound,
        summary: "A numeric bound (minimum, maximum, exclusive bounds, multipleOf) admits less.",
        effect: Effect {
            backward: "breaking",
            forward: "compatible",
        },
        explanation: "Old documents may hold numbers outside the new range, which a new reader \
            rejects.",
        example_old: example!("numeric-bound-tightened").0,
        example_new: example!("numeric-bound-tightened").1,
        example_policy: None,
        scope: super::Scope::Change,
        annotation_only: false,
        closed_object: false,
    },
    check: |pair, out| {
        report(
            &NUMERIC_BOUND_TIGHTENED,
            pair,
            out,
            numeric_changes(pair),
            true,
        )
    },
};

pub static NUMERIC_BOUND_LOOSENED: Rule = Rule {
    info: RuleInfo {
        id: "numeric-bound-loosened",
        category: super::Category::Bound,
        summary: "A numeric bound admits more.",
        effect: Effect {
            backward: "compatible",
            forward: "breaking",
        },
        explanation: "New documents may hold numbers outside the old range, which an old reader \
            rejects.",
        example_old: example!("numeric-bound-loosened").0,
        example_new: example!("numeric-bound-loosened").1,
        example_policy: None,
        scope: super::Scope::Change,
        annotation_only: false,
        closed_object: false,
    },
    check: |pair, out| {
        report(
            &NUMERIC_BOUND_LOOSENED,
            pair,
            out,
            numeric_changes(pair),
            false,
        )
    },
};

pub static LENGTH_BOUND_TIGHTENED: Rule = Rule {
    info: RuleInfo {
        id: "length-bound-tightened",
        category: super::Category::Bound,
        summary: "A length bound (string length, item count, property count) admits less.",
        effect: Effect {
            backward: "breaking",
            forward: "compatible",
        },
        explanation: "Old documents may hold strings, arrays or objects of a size the new reader \
            rejects.",
        example_old: example!("length-bound-tightened").0,
        example_new: example!("length-bound-tightened").1,
        example_policy: None,
        scope: super::Scope::Change,
        annotation_only: false,
        closed_object: false,
    },
    check: |pair, out| {
        report(
            &LENGTH_BOUND_TIGHTENED,
            pair,
            out,
            length_changes(pair),
            true,
        )
    },
};

pub static LENGTH_BOUND_LOOSENED: Rule = Rule {
    info: RuleInfo {
        id: "length-bound-loosened",
        category: super::Category::Bound,
        summary: "A length bound admits more.",
        effect: Effect {
            backward: "compatible",
            forward: "breaking",
        },
        explanation: "New documents may hold strings, arrays or objects of a size an old reader \
            rejects.",
        example_old: example!("length-bound-loosened").0,
        example_new: example!("length-bound-loosened").1,
        example_policy: None,
        scope: super::Scope::Change,
        annotation_only: false,
        closed_object: false,
    },
    check: |pair, out| {
        report(
            &LENGTH_BOUND_LOOSENED,
            pair,
            out,
            length_changes(pair),
            false,
        )
    },
};
