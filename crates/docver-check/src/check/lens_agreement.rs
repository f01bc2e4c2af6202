//! Whether a step's declared lens produces its schema: the check behind `lens-disagrees`.
//!
//! NEW may carry the lens from the previous version at its root (`x-docver-lens`). The lens is
//! applied to OLD's schema ([`docver::lens::Lens::apply_schema`], going up) and the result is
//! diffed against NEW; every difference that is not an annotation is a disagreement.
//!
//! When the check runs: when OLD's version tag (see [`DiffOptions::version_field`]) is the
//! lens's `from`; when either is unknown, whenever OLD does not carry the very same lens (so a
//! schema diffed against itself reports nothing). A lens whose `from` is another version
//! describes another step and is not checked.

use super::{DiffOptions, diff, render};
use crate::finding::Finding;
use crate::model::Schema;
use docver::lens::{Lens, LensError, LensOp, Way};

/// Rules whose findings never make a lens disagree: annotations (descriptions, titles and
/// `$ref` names are not the lens's business), the version tag, which moves by design, and
/// rename suggestions (the removal and the addition they sit under are reported).
const IGNORED: &[&str] = &[
    "annotation-changed",
    "property-renamed",
    "ref-target-changed",
    "version-tag-changed",
];

/// One way the lens and NEW disagree.
#[derive(Debug, Clone, PartialEq)]
pub struct Disagreement {
    /// The pointer of a node in NEW to point at (the differing node, or its nearest ancestor
    /// that exists in NEW; the root when the lens itself is at fault).
    pub new_pointer: String,
    /// Where in documents, when the difference is below the root.
    pub instance_path: String,
    pub message: String,
    /// Distinguishes disagreements at the same pointer (the underlying rule and place).
    pub detail: String,
}

/// The lens NEW carries, checked against OLD as described in the module documentation.
/// Empty when NEW carries no lens, or a lens for another step.
pub fn disagreements(old: &Schema, new: &Schema, options: &DiffOptions) -> Vec<Disagreement> {
    let Some(raw) = &new.lens else {
        return Vec::new();
    };
    let at_root = |message: String, detail: &str| Disagreement {
        new_pointer: String::new(),
        instance_path: String::new(),
        message,
        detail: detail.to_owned(),
    };
    let lens = match Lens::from_value(raw) {
        Ok(lens) => lens,
        Err(e) => {
            return vec![at_root(
                format!("`x-docver-lens` is not a valid lens: {e}"),
                "invalid",
            )];
        }
    };
    let field = options.version_field.as_deref();
    let (old_version, new_version) = (version(old, field), version(new, field));
    match (old_version, lens.from) {
        (Some(v), Some(from)) if v != from => return Vec::new(),
        (Some(_), Some(_)) => {}
        _ if old.lens.as_ref() == Some(raw) => return Vec::new(),
        _ => {}
    }
    let mut out = Vec::new();
    if let (Some(v), Some(to)) = (new_version, lens.to)
        && v != to
    {
        out.push(at_root(
            format!("the lens {lens} leads to version {to}, but NEW is version {v}"),
            "version",
        ));
    }
    match differences(old, new, &lens, options) {
        Err(e) => out.push(at_root(
            format!(
                "the lens {} cannot be applied to OLD's schema: {e}",
                versions(&lens)
            ),
            "apply",
        )),
        Ok(findings) => {
            for f in findings {
                let new_pointer = match &f.new {
                    Some(loc) => loc.pointer.clone(),
                    None => nearest(new, &f.pointer),
                };
                out.push(Disagreement {
                    message: format!(
                        "the lens {} does not produce NEW: {}: {}",
                        versions(&lens),
                        responsible(&lens.ops, &f.instance_path),
                        f.message
                    ),
                    detail: format!("{}:{}:{}", f.rule, f.instance_path, f.detail),
                    new_pointer,
                    instance_path: f.instance_path,
                });
            }
        }
    }
    out
}

/// The findings of diffing OLD with `lens` applied (going up) against NEW, without those that
/// cannot make a lens disagree (annotations, `$ref` names, the version tag). Empty when the
/// lens produces NEW. Findings name nodes in NEW by pointer; their OLD side is the transformed
/// schema, not OLD's file.
pub fn differences(
    old: &Schema,
    new: &Schema,
    lens: &Lens,
    options: &DiffOptions,
) -> Result<Vec<Finding>, LensError> {
    let transformed = lens.apply_schema(&render::to_json(old), Way::Up)?;
    let text = serde_json::to_string_pretty(&transformed).expect("a schema serializes");
    let transformed =
        crate::source::read_schema("OLD with the lens applied", &text).map_err(|e| LensError {
            pointer: String::new(),
            op: None,
            message: format!("the transformed schema cannot be read: {}", e.message),
        })?;
    let mut new = new.clone();
    new.lens = None;
    let report = diff(&transformed, &new, options);
    Ok(report
        .findings
        .into_iter()
        .filter(|f| !IGNORED.contains(&f.rule.as_str()))
        .collect())
}

/// `2→3` (or `?→3`): how messages name a lens.
fn versions(lens: &Lens) -> String {
    let v = |n: Option<u64>| n.map_or("?".to_owned(), |n| n.to_string());
    format!("{}→{}", v(lens.from), v(lens.to))
}

/// The version constant at the root's `field` property.
pub(crate) fn version(schema: &Schema, field: Option<&str>) -> Option<u64> {
    let root = schema.resolve(schema.root()).node;
    let id = *root.object.properties.get(field?)?;
    let node = schema.resolve(id).node;
    match node.values.as_deref() {
        Some([v]) if node.is_const => v.as_u64(),
        _ => None,
    }
}

/// The pointer of the nearest node in `schema` at or above `pointer`.
fn nearest(schema: &Schema, pointer: &str) -> String {
    let mut p = pointer;
    loop {
        if schema.nodes.iter().any(|n| n.pointer == p) {
            return p.to_owned();
        }
        match p.rfind('/') {
            Some(i) => p = &p[..i],
            None => return String::new(),
        }
    }
}

/// Names the operations that touch the document path `path`, or says that none does.
fn responsible(ops: &[LensOp], path: &str) -> String {
    let related = |touched: &str| {
        let (a, b) = (tokens(touched), tokens(path));
        a.iter().zip(b.iter()).all(|(x, y)| x == y || *x == "*")
    };
    let named: Vec<String> = ops
        .iter()
        .enumerate()
        .filter(|(_, op)| op.touches("").iter().any(|t| related(t)))
        .map(|(i, op)| format!("operation {} ({})", i + 1, op.describe()))
        .collect();
    if path.is_empty() {
        return "at the root".to_owned();
    }
    let at = path;
    if named.is_empty() {
        format!("no operation declares the change at {at}")
    } else {
        format!("{} at {at}", named.join(", "))
    }
}

fn tokens(pointer: &str) -> Vec<&str> {
    pointer.split('/').skip(1).collect()
}
