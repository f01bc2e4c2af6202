//! A step's declared lens against its schemas (see [`crate::check::lens_agreement`]).

use super::{Change, Effect, Rule, RuleInfo, example};
use crate::check::DiffOptions;
use crate::check::lens_agreement::disagreements;

pub static LENS_DISAGREES: Rule = Rule {
    info: RuleInfo {
        id: "lens-disagrees",
        category: super::Category::Lens,
        summary: "A step's declared lenses do not produce its schema.",
        effect: Effect {
            backward: "undecided",
            forward: "undecided",
        },
        explanation: "NEW carries the lens from the previous version at its root \
            (`x-docver-lens`, see docs/lenses.md). Applied to OLD's schema it must give NEW's: \
            otherwise the migration the lens declares (and the code derived from it) turns \
            documents into something other than what NEW's readers expect, or the schema \
            changed in a way no operation declares. Each difference is reported where it is \
            in NEW, naming the operations at that place; a lens that does not apply to OLD \
            (an operation on a property OLD lacks) or is not a valid lens is reported at the \
            root. Which readers break depends on the documents the lens produces, so the \
            verdict is undecided both ways: a check does not pass on a step whose declared \
            migration contradicts its schema. Descriptions, titles and `$ref` names are not \
            compared. The check runs when OLD's version tag is the lens's `from` (or either \
            is unknown).",
        example_old: example!("lens-disagrees").0,
        example_new: example!("lens-disagrees").1,
        example_policy: None,
        scope: super::Scope::Change,
        annotation_only: false,
        closed_object: false,
    },
    check: |pair, out| {
        if pair.new.lens.is_none()
            || !pair.instance_path.is_empty()
            || pair.old_origin != pair.old.root()
            || pair.new_origin != pair.new.root()
        {
            return;
        }
        let options = DiffOptions {
            strict: pair.strict,
            version_field: pair.version_field.map(str::to_owned),
        };
        for d in disagreements(pair.old, pair.new, &options) {
            let node = pair
                .new
                .nodes
                .iter()
                .position(|n| n.pointer == d.new_pointer)
                .map_or(pair.new.root(), |i| crate::model::NodeId(i as u32));
            let mut change = Change::new(&LENS_DISAGREES, pair, d.message)
                .detail(d.detail)
                .at(None, Some(node))
                .undecided_backward()
                .undecided_forward();
            change.instance_path = Some(d.instance_path);
            out.push(change);
        }
    },
};
