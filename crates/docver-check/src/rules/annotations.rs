//! Changes that do not change which documents are valid: annotations, defaults, `$ref` names.

use super::{Change, Effect, Pair, Rule, RuleInfo, example};

/// An annotation as a reader sees it at the place the walk reached: on the wrapper first (a
/// described `$ref`), then on the shape.
fn annotation<'a>(
    pair: &'a Pair<'_>,
    old: bool,
    get: fn(&'a crate::model::Node) -> Option<&'a String>,
) -> Option<&'a String> {
    let (schema, origin, r) = if old {
        (pair.old, pair.old_origin, &pair.o)
    } else {
        (pair.new, pair.new_origin, &pair.n)
    };
    get(schema.node(origin)).or_else(|| get(r.node))
}

pub static DEFAULT_CHANGED: Rule = Rule {
    info: RuleInfo {
        id: "default-changed",
        category: super::Category::Annotation,
        summary: "A default value was added, removed or changed.",
        effect: Effect {
            backward: "compatible",
            forward: "compatible",
        },
        explanation: "Validity does not change, but readers that fill a missing value from the \
            default now read old documents differently: worth a look in review.",
        example_old: example!("default-changed").0,
        example_new: example!("default-changed").1,
        example_policy: None,
        scope: super::Scope::Change,
        annotation_only: true,
        closed_object: false,
    },
    check: |pair, out| {
        let get = |schema: &crate::model::Schema, origin, r: &crate::model::Resolved<'_>| {
            schema
                .node(origin)
                .default
                .clone()
                .or_else(|| r.node.default.clone())
        };
        let (o, n) = (
            get(pair.old, pair.old_origin, &pair.o),
            get(pair.new, pair.new_origin, &pair.n),
        );
        if o == n {
            return;
        }
        let show =
            |v: &Option<serde_json::Value>| v.as_ref().map_or("none".to_owned(), |v| v.to_string());
        out.push(
            Change::new(
                &DEFAULT_CHANGED,
                pair,
                format!("default changed from {} to {}", show(&o), show(&n)),
            )
            .detail(format!("{}->{}", show(&o), show(&n)))
            .at(Some(pair.old_origin), Some(pair.new_origin)),
        );
    },
};

pub static ANNOTATION_CHANGED: Rule = Rule {
    info: RuleInfo {
        id: "annotation-changed",
        category: super::Category::Annotation,
        summary: "Only a title or description changed.",
        effect: Effect {
            backward: "compatible",
            forward: "compatible",
        },
        explanation: "Titles and descriptions document a schema; no reader accepts or rejects a \
            document because of them.",
        example_old: example!("annotation-changed").0,
        example_new: example!("annotation-changed").1,
        example_policy: None,
        scope: super::Scope::Change,
        annotation_only: true,
        closed_object: false,
    },
    check: |pair, out| {
        for (keyword, get) in [
            (
                "title",
                (|n: &crate::model::Node| n.title.as_ref())
                    as fn(&crate::model::Node) -> Option<&String>,
            ),
            ("description", |n: &crate::model::Node| {
                n.description.as_ref()
            }),
        ] {
            if annotation(pair, true, get) != annotation(pair, false, get) {
                out.push(
                    Change::new(&ANNOTATION_CHANGED, pair, format!("`{keyword}` changed"))
                        .detail(keyword)
                        .at(Some(pair.old_origin), Some(pair.new_origin)),
                );
            }
        }
    },
};

pub static REF_TARGET_CHANGED: Rule = Rule {
    info: RuleInfo {
        id: "ref-target-changed",
        category: super::Category::Reference,
        summary: "A `$ref` now names a different definition.",
        effect: Effect {
            backward: "as the changes between the two definitions",
            forward: "as the changes between the two definitions",
        },
        explanation: "Renaming a definition changes nothing by itself; the two definitions are \
            compared shape by shape, and any difference is reported by its own rule.",
        example_old: example!("ref-target-changed").0,
        example_new: example!("ref-target-changed").1,
        example_policy: None,
        scope: super::Scope::Change,
        annotation_only: true,
        closed_object: false,
    },
    check: |pair, out| {
        let (o, n) = (
            &pair.old.node(pair.old_origin).reference,
            &pair.new.node(pair.new_origin).reference,
        );
        // `#/definitions/X` (draft-07) and `#/$defs/X` (2020-12) name the same definition.
        let name = |r: &str| r.rsplit('/').next().unwrap_or(r).to_owned();
        if let (Some(o), Some(n)) = (o, n)
            && name(o) != name(n)
        {
            out.push(
                Change::new(
                    &REF_TARGET_CHANGED,
                    pair,
                    format!("`$ref` changed from `{o}` to `{n}`"),
                )
                .detail(format!("{o}->{n}"))
                .at(Some(pair.old_origin), Some(pair.new_origin)),
            );
        }
    },
};
