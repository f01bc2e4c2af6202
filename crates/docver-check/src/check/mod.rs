//! Comparing two schemas: walk both in step, run every rule on every pair of nodes, and turn
//! what the rules report into [`Finding`]s with verified witnesses.

pub mod equivalence;
pub mod formats;
pub mod instance;
pub mod lens_agreement;
pub mod render;
pub mod validate;

use std::collections::{HashSet, VecDeque};
use std::rc::Rc;

use serde_json::Value;

use crate::finding::{Direction, Finding, Location, Verdict, Witness};
use crate::model::{Additional, NodeId, Schema};
use crate::rules::{CATALOG, Change, Pair, Probe};
use instance::Step;

/// How to compare.
#[derive(Debug, Clone)]
pub struct DiffOptions {
    /// Pure instance-set inclusion (Confluent's STRICT) instead of tolerant-reader semantics.
    pub strict: bool,
    /// The top-level property that holds the document's version (the seed's convention:
    /// `"version": 2`). A change of its constant is expected from one version to the next and
    /// is reported as `version-tag-changed`, not as a breaking `const-changed`. `None` treats
    /// it like any other constant.
    pub version_field: Option<String>,
}

impl Default for DiffOptions {
    fn default() -> Self {
        DiffOptions {
            strict: false,
            version_field: Some("version".to_owned()),
        }
    }
}

/// Everything `diff` found between two schemas.
#[derive(Debug, Clone, PartialEq)]
pub struct DiffReport {
    pub findings: Vec<Finding>,
    /// The worst verdict of any finding, per direction.
    pub backward: Verdict,
    pub forward: Verdict,
}

impl DiffReport {
    pub fn verdict(&self, direction: Direction) -> Verdict {
        match direction {
            Direction::Backward => self.backward,
            Direction::Forward => self.forward,
        }
    }
}

/// The steps from a root to a place, shared between the places below it (a walk over tens of
/// thousands of properties would otherwise copy every prefix).
#[derive(Debug, Clone, Default)]
struct Steps(Option<Rc<StepLink>>);

#[derive(Debug)]
struct StepLink {
    step: Step,
    parent: Steps,
}

impl Steps {
    fn push(&self, step: Step) -> Steps {
        Steps(Some(Rc::new(StepLink {
            step,
            parent: self.clone(),
        })))
    }

    fn to_vec(&self) -> Vec<Step> {
        let mut steps = Vec::new();
        let mut current = &self.0;
        while let Some(link) = current {
            steps.push(link.step.clone());
            current = &link.parent.0;
        }
        steps.reverse();
        steps
    }
}

/// One place reached in both schemas, and how to get there from each root.
#[derive(Debug)]
struct Task {
    old: NodeId,
    new: NodeId,
    old_steps: Steps,
    new_steps: Steps,
    instance_path: String,
}

/// A finding with what the walk knew when it was made.
struct Found {
    finding: Finding,
    old_steps: Vec<Step>,
    new_steps: Vec<Step>,
    /// For a change that heads the changes below it: the step prefix (old, new) they share.
    heads: Option<(Vec<Step>, Vec<Step>)>,
}

/// Compares OLD with NEW. Breadth-first, so each finding's instance path and witness are as
/// short as they can be; each pair of places is visited once, so shared and recursive
/// definitions are compared once, whatever their size.
pub fn diff(old: &Schema, new: &Schema, options: &DiffOptions) -> DiffReport {
    let mut queue = VecDeque::from([Task {
        old: old.root(),
        new: new.root(),
        old_steps: Steps::default(),
        new_steps: Steps::default(),
        instance_path: String::new(),
    }]);
    let mut visited = HashSet::new();
    let mut reported = HashSet::new();
    let mut found = Vec::new();
    let mut changes = Vec::new();
    while let Some(task) = queue.pop_front() {
        if !visited.insert((task.old, task.new)) {
            continue;
        }
        let pair = Pair::new(old, task.old, new, task.new, options, &task.instance_path);
        changes.clear();
        for rule in CATALOG {
            (rule.check)(&pair, &mut changes);
        }
        for change in changes.drain(..) {
            let f = to_finding(&pair, &task, change);
            let key = (
                f.finding.rule.clone(),
                f.finding.pointer.clone(),
                f.finding.detail.clone(),
            );
            if reported.insert(key) {
                found.push(f);
            }
        }
        descend(&pair, &task, &mut queue);
    }
    summarize(&mut found);
    let findings: Vec<Finding> = found.into_iter().map(|f| f.finding).collect();
    let worst = |d: Direction| {
        findings
            .iter()
            .fold(Verdict::Compatible, |v, f| v.worst(f.verdict(d)))
    };
    DiffReport {
        backward: worst(Direction::Backward),
        forward: worst(Direction::Forward),
        findings,
    }
}

fn child(
    task: &Task,
    old: NodeId,
    new: NodeId,
    old_step: Step,
    new_step: Step,
    segment: Option<&str>,
) -> Task {
    let old_steps = task.old_steps.push(old_step);
    let new_steps = task.new_steps.push(new_step);
    let instance_path = match segment {
        Some(s) => docver::pointer::push(&task.instance_path, s),
        None => task.instance_path.clone(),
    };
    Task {
        old,
        new,
        old_steps,
        new_steps,
        instance_path,
    }
}

/// Name used for "any other member" of a map-like object in paths and witnesses.
const ANY_KEY: &str = "key";

fn descend(pair: &Pair<'_>, task: &Task, queue: &mut VecDeque<Task>) {
    let (o, n) = (pair.o.node, pair.n.node);
    for name in &pair.properties.common {
        let (po, pn) = (o.object.properties[name], n.object.properties[name]);
        let step = Step::Property(name.clone());
        queue.push_back(child(task, po, pn, step.clone(), step, Some(name)));
    }
    if let (Additional::Schema(ao), Additional::Schema(an)) =
        (o.object.additional, n.object.additional)
    {
        let step = Step::Additional(ANY_KEY.to_owned());
        queue.push_back(child(task, ao, an, step.clone(), step, Some(ANY_KEY)));
    }
    if let (Some(io), Some(in_)) = (o.array.items, n.array.items) {
        queue.push_back(child(task, io, in_, Step::Item, Step::Item, Some("0")));
    }
    if let Some(m) = crate::rules::variants_matched(pair) {
        let (ob, nb) = (
            &o.variants.as_ref().map(|v| &v.branches),
            &n.variants.as_ref().map(|v| &v.branches),
        );
        if let (Some(ob), Some(nb)) = (ob, nb) {
            for (i, j) in m {
                queue.push_back(child(
                    task,
                    ob[i],
                    nb[j],
                    Step::Variant(i),
                    Step::Variant(j),
                    None,
                ));
            }
        }
    }
}

fn location(schema: &Schema, id: Option<NodeId>) -> Option<Location> {
    id.map(|id| {
        let node = schema.node(id);
        Location {
            pointer: node.pointer.clone(),
            span: node.span,
            key_span: node.key_span,
        }
    })
}

fn to_finding(pair: &Pair<'_>, task: &Task, change: Change) -> Found {
    let old = location(pair.old, change.old_node);
    let new = location(pair.new, change.new_node);
    let pointer = match (&old, &new, change.pointer_in_old) {
        (Some(o), _, true) | (Some(o), None, _) => o.pointer.clone(),
        (_, Some(n), _) => n.pointer.clone(),
        (None, None, _) => String::new(),
    };
    let instance_path = match (&change.instance_path, &change.instance_suffix) {
        (Some(path), _) => path.clone(),
        (None, Some(name)) => docver::pointer::push(&task.instance_path, name),
        (None, None) => task.instance_path.clone(),
    };
    let mut backward = change.backward;
    let mut forward = change.forward;
    let mut witnesses = Vec::new();
    for direction in Direction::ALL {
        let (verdict, probe) = match direction {
            Direction::Backward => (&mut backward, &change.backward_probe),
            Direction::Forward => (&mut forward, &change.forward_probe),
        };
        if *verdict != Verdict::Breaking {
            continue;
        }
        match witness(pair, task, direction, probe) {
            Some(document) => witnesses.push(Witness {
                direction,
                document,
            }),
            // A break is claimed only when a document shows it (or by policy, for renames).
            None if !change.breaking_without_witness => *verdict = Verdict::Undecided,
            None => {}
        }
    }
    let heads = change.branch.map(|(i, j)| {
        let mut o = task.old_steps.to_vec();
        o.push(Step::Variant(i));
        let mut n = task.new_steps.to_vec();
        n.push(Step::Variant(j));
        (o, n)
    });
    Found {
        finding: Finding {
            rule: change.rule.id.to_owned(),
            pointer,
            instance_path,
            backward,
            forward,
            message: change.message,
            detail: change.detail,
            old,
            new,
            witnesses,
        },
        old_steps: task.old_steps.to_vec(),
        new_steps: task.new_steps.to_vec(),
        heads,
    }
}

/// Builds the witness document for one direction and checks it: valid under the source schema
/// (OLD for backward), rejected by the target.
fn witness(pair: &Pair<'_>, task: &Task, direction: Direction, probe: &Probe) -> Option<Value> {
    let (source, target, src, tgt, steps) = match direction {
        Direction::Backward => (
            pair.old,
            pair.new,
            pair.old_origin,
            pair.new_origin,
            task.old_steps.to_vec(),
        ),
        Direction::Forward => (
            pair.new,
            pair.old,
            pair.new_origin,
            pair.old_origin,
            task.new_steps.to_vec(),
        ),
    };
    let leaf = match probe {
        Probe::None => return None,
        Probe::Value(v) => v.clone(),
        Probe::Minimal => instance::minimal(source, src)?,
        Probe::Member(name, v) => {
            let mut object = match instance::minimal_object(source, src, 0)? {
                Value::Object(map) => map,
                _ => return None,
            };
            object.insert(name.clone(), v.clone());
            Value::Object(object)
        }
        Probe::Search => instance::distinguishing(source, src, target, tgt)?,
    };
    let document = instance::embed(source, &steps, leaf)?;
    // The reader of the other version dispatches on the version tag, so the document must be
    // rejected for what it holds, not for the tag: check it with the target's tag.
    let as_target_sees_it = retag(target, pair.version_field, &document);
    let shows_break = validate::accepts(source, source.root(), &document)
        && !validate::accepts(
            target,
            target.root(),
            as_target_sees_it.as_ref().unwrap_or(&document),
        );
    shows_break.then_some(document)
}

/// `document` with its top-level version tag set to the constant `schema` declares, when both
/// exist.
fn retag(schema: &Schema, version_field: Option<&str>, document: &Value) -> Option<Value> {
    let field = version_field?;
    let root = schema.resolve(schema.root()).node;
    let tag = match root
        .object
        .properties
        .get(field)
        .map(|id| schema.resolve(*id).node)
    {
        Some(node) if node.is_const => node.values.as_ref()?.first()?.clone(),
        _ => return None,
    };
    let mut document = document.clone();
    let object = document.as_object_mut()?;
    if object.contains_key(field) {
        object.insert(field.to_owned(), tag);
    }
    Some(document)
}

/// Gives each heading change (a variant that changed) the worst verdicts and first witnesses of
/// the changes found below it.
fn summarize(found: &mut [Found]) {
    for i in 0..found.len() {
        let Some((old_prefix, new_prefix)) = found[i].heads.clone() else {
            continue;
        };
        let mut backward = Verdict::Compatible;
        let mut forward = Verdict::Compatible;
        let mut witnesses: Vec<Witness> = Vec::new();
        for (j, other) in found.iter().enumerate() {
            if j == i
                || !(other.old_steps.starts_with(&old_prefix)
                    && other.new_steps.starts_with(&new_prefix))
            {
                continue;
            }
            backward = backward.worst(other.finding.backward);
            forward = forward.worst(other.finding.forward);
            for w in &other.finding.witnesses {
                if !witnesses.iter().any(|x| x.direction == w.direction) {
                    witnesses.push(w.clone());
                }
            }
        }
        let head = &mut found[i].finding;
        head.backward = backward;
        head.forward = forward;
        head.witnesses = witnesses;
    }
}
