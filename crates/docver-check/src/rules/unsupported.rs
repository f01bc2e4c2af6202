//! Keywords the model leaves out (`not`, `if`/`then`/`else`, an embedded `$id`, a `oneOf` that
//! rejects null, …): the checker cannot tell what a change to one of them does, so it never
//! calls it compatible.

use serde_json::Value;

use super::{Change, Effect, Rule, RuleInfo, example};
use crate::model::{Resolved, json_equal};

/// The keywords left out at a place: on the node the walk reached and on the node it resolves
/// to (a `$ref` with `not` beside it keeps both).
fn unsupported<'a>(at: &Resolved<'a>) -> Vec<&'a (String, Value)> {
    let mut keywords: Vec<&(String, Value)> = at.origin.unsupported.iter().collect();
    if !std::ptr::eq(at.origin, at.node) {
        keywords.extend(&at.node.unsupported);
    }
    keywords
}

/// The keywords of `from` that `to` lacks or writes differently, by name.
fn changed<'a>(from: &[&'a (String, Value)], to: &[&(String, Value)]) -> Vec<&'a str> {
    from.iter()
        .filter(|(key, value)| {
            !to.iter()
                .any(|(other, written)| other == key && json_equal(value, written))
        })
        .map(|(key, _)| key.as_str())
        .collect()
}

pub static UNSUPPORTED_KEYWORD_CHANGED: Rule = Rule {
    info: RuleInfo {
        id: "unsupported-keyword-changed",
        category: super::Category::Keyword,
        summary: "A keyword the checker does not understand was added, removed or changed.",
        effect: Effect {
            backward: "breaking (undecided)",
            forward: "breaking (undecided)",
        },
        explanation: "The checker compares documents as if keywords it does not model (`not`, \
            `if`/`then`/`else`, `allOf` of several schemas, an embedded `$id`, a `oneOf` whose \
            branches overlap on null, …) were absent, and the schema warnings name them. Any \
            change to such a keyword may accept or reject documents either way, so it is \
            reported as breaking (undecided) in both directions rather than as compatible; an \
            unchanged one adds no finding.",
        example_old: example!("unsupported-keyword-changed").0,
        example_new: example!("unsupported-keyword-changed").1,
        example_policy: None,
        scope: super::Scope::Change,
        annotation_only: false,
        closed_object: false,
    },
    check: |pair, out| {
        let (old, new) = (unsupported(&pair.o), unsupported(&pair.n));
        if old.is_empty() && new.is_empty() {
            return;
        }
        let mut keys = changed(&old, &new);
        for key in changed(&new, &old) {
            if !keys.contains(&key) {
                keys.push(key);
            }
        }
        if keys.is_empty() {
            return;
        }
        let names: Vec<String> = keys.iter().map(|k| format!("`{k}`")).collect();
        out.push(
            Change::new(
                &UNSUPPORTED_KEYWORD_CHANGED,
                pair,
                format!(
                    "unsupported keyword {} changed; what it accepts cannot be compared",
                    names.join(", ")
                ),
            )
            .detail(keys.join(","))
            .undecided_backward()
            .undecided_forward(),
        );
    },
};
