//! Comparing two schemas: walk both in step, run every rule on every pair of nodes, and turn
//! what the rules report into [`Finding`]s with verified witnesses.
//!
//! Every search and comparison is bounded by a [`budget`]: a change whose check ran out of one
//! is reported as breaking (undecided), with a [`BudgetWarning`] that names the budget, so no
//! schema can keep the walk busy for long and the report grows with the number of findings,
//! not with the size of the schemas.

pub mod budget;
pub mod equivalence;
pub mod formats;
pub mod instance;
pub mod lens_agreement;
pub mod pattern;
mod proof;
pub mod render;
pub mod validate;

use std::collections::{HashMap, HashSet, VecDeque};
use std::rc::Rc;

use serde_json::Value;

use crate::finding::{Direction, Finding, Location, Verdict, Witness};
use crate::model::{Additional, NodeId, Schema};
use crate::rules::{CATALOG, Change, Pair, Probe};
use budget::{Budget, BudgetWarning, Exhausted};
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
    /// Budgets that ran out, one warning per undecided finding and budget.
    pub warnings: Vec<BudgetWarning>,
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

impl Drop for Steps {
    /// Unlinks the chain one step at a time: dropped link by link it would recurse once per
    /// step, and a `$ref` chain thousands of definitions long overflows the stack.
    fn drop(&mut self) {
        let mut next = self.0.take();
        while let Some(link) = next {
            next = match Rc::try_unwrap(link) {
                Ok(mut link) => link.parent.0.take(),
                // Shared with another place: whoever drops the last holder unlinks the rest.
                Err(_) => None,
            };
        }
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
    /// Budgets that ran out and left this finding undecided.
    ran_out: Exhausted,
}

impl Found {
    fn warnings(&self) -> impl Iterator<Item = BudgetWarning> + '_ {
        let f = &self.finding;
        self.ran_out.iter().map(move |budget| BudgetWarning {
            budget,
            rule: f.rule.clone(),
            pointer: f.pointer.clone(),
            old: f.old.clone(),
            new: f.new.clone(),
            message: format!("{}: {}", f.rule, budget.describe()),
        })
    }
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
    // What ran out while each change was found (parallel to `changes`).
    let mut ran_out = Vec::new();
    let mut witness_bytes = WitnessBytes(budget::WITNESS_BYTES);
    let mut warnings = Vec::new();
    let proof = proof::Proof::new(old, new);
    while let Some(task) = queue.pop_front() {
        if !visited.insert((task.old, task.new)) {
            continue;
        }
        let pair = Pair::new(old, task.old, new, task.new, options, &task.instance_path);
        changes.clear();
        ran_out.clear();
        for rule in CATALOG {
            budget::take();
            budget::sharing_union_matching(|| (rule.check)(&pair, &mut changes));
            ran_out.resize(changes.len(), budget::take());
        }
        for (change, exhausted) in changes.drain(..).zip(ran_out.drain(..)) {
            let at = Placed::new(&pair, &change);
            // The same change met again through another path is reported once (and its
            // witness is built once).
            if !reported.insert((change.rule.id, at.pointer.clone(), change.detail.clone())) {
                continue;
            }
            let f = to_finding(
                &pair,
                &task,
                change,
                at,
                exhausted,
                &mut witness_bytes,
                &proof,
            );
            warnings.extend(f.warnings());
            found.push(f);
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
        warnings,
    }
}

/// Bytes of witness documents the report may still take ([`budget::WITNESS_BYTES`]).
struct WitnessBytes(usize);

impl WitnessBytes {
    /// Takes the document's size from what is left; `false` when it does not fit.
    fn take(&mut self, document: &Value) -> bool {
        let size = json_size(document);
        match self.0.checked_sub(size) {
            Some(left) => {
                self.0 = left;
                true
            }
            None => {
                self.0 = 0;
                false
            }
        }
    }
}

/// The length of `value` written as compact JSON, without writing it anywhere.
fn json_size(value: &Value) -> usize {
    struct Count(usize);
    impl std::io::Write for Count {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0 += buf.len();
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut count = Count(0);
    // Writing a `Value` to a counter cannot fail.
    let _ = serde_json::to_writer(&mut count, value);
    count.0
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

/// Where a change is reported: its nodes in each file and its pointer.
struct Placed {
    old: Option<Location>,
    new: Option<Location>,
    pointer: String,
}

impl Placed {
    fn new(pair: &Pair<'_>, change: &Change) -> Placed {
        let old = location(pair.old, change.old_node);
        let new = location(pair.new, change.new_node);
        let pointer = match (&old, &new, change.pointer_in_old) {
            (Some(o), _, true) | (Some(o), None, _) => o.pointer.clone(),
            (_, Some(n), _) => n.pointer.clone(),
            (None, None, _) => String::new(),
        };
        Placed { old, new, pointer }
    }
}

fn to_finding(
    pair: &Pair<'_>,
    task: &Task,
    change: Change,
    at: Placed,
    mut exhausted: Exhausted,
    witness_bytes: &mut WitnessBytes,
    proof: &proof::Proof<'_>,
) -> Found {
    let instance_path = match (&change.instance_path, &change.instance_suffix) {
        (Some(path), _) => path.clone(),
        (None, Some(name)) => docver::pointer::push(&task.instance_path, name),
        (None, None) => task.instance_path.clone(),
    };
    let mut backward = change.backward;
    let mut forward = change.forward;
    let mut witnesses = Vec::new();
    let mut unproven = false;
    for direction in Direction::ALL {
        let (verdict, probe) = match direction {
            Direction::Backward => (&mut backward, &change.backward_probe),
            Direction::Forward => (&mut forward, &change.forward_probe),
        };
        if *verdict != Verdict::Breaking {
            continue;
        }
        let document = if witness_bytes.0 == 0 {
            exhausted = exhausted.with(Budget::WitnessSize);
            None
        } else {
            budget::take();
            let document = witness(pair, task, direction, probe);
            exhausted = exhausted.union(budget::take());
            match document {
                Some(d) if !witness_bytes.take(&d) => {
                    exhausted = exhausted.with(Budget::WitnessSize);
                    None
                }
                other => other,
            }
        };
        // A break is shown only by a witness the original files agree with.
        let document = match document {
            Some(d) if !change.breaking_without_witness && !proof.holds(direction, &d) => {
                unproven = true;
                None
            }
            other => other,
        };
        match document {
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
    // Only a budget that left the change undecided is worth a warning: elsewhere the walk
    // fell back on something sound (a rename not detected is reported as removed and added).
    let undecided = backward == Verdict::Undecided || forward == Verdict::Undecided;
    let mut message = change.message;
    if undecided && (!exhausted.is_empty() || unproven) {
        let mut reasons: Vec<String> = exhausted.iter().map(Budget::describe).collect();
        if unproven {
            reasons.push(
                "the witness found does not hold under the original schemas (checked with the \
                 jsonschema validator)"
                    .to_owned(),
            );
        }
        message = format!("{message} (undecided: {})", reasons.join("; "));
    }
    Found {
        finding: Finding {
            rule: change.rule.id.to_owned(),
            pointer: at.pointer,
            instance_path,
            backward,
            forward,
            message,
            detail: change.detail,
            old: at.old,
            new: at.new,
            witnesses,
        },
        old_steps: task.old_steps.to_vec(),
        new_steps: task.new_steps.to_vec(),
        heads,
        ran_out: if undecided {
            exhausted
        } else {
            Exhausted::default()
        },
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
            let mut object = match instance::minimal_object(source, src)? {
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
    // A target validation that ran out of budget proves nothing.
    let shows_break = validate::accepts(source, source.root(), &document)
        && validate::validity(
            target,
            target.root(),
            as_target_sees_it.as_ref().unwrap_or(&document),
        ) == Some(false);
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
/// the changes found below it. A change is below a head when both its step lists start with the
/// head's; the heads are looked up by prefix, so this is linear in the findings times their
/// depth.
fn summarize(found: &mut [Found]) {
    let mut heads: HashMap<(&[Step], &[Step]), Vec<usize>> = HashMap::new();
    for (i, f) in found.iter().enumerate() {
        if let Some((o, n)) = &f.heads {
            heads
                .entry((o.as_slice(), n.as_slice()))
                .or_default()
                .push(i);
        }
    }
    if heads.is_empty() {
        return;
    }
    let mut summaries: HashMap<usize, (Verdict, Verdict, Vec<Witness>)> = HashMap::new();
    for (j, other) in found.iter().enumerate() {
        let (o, n) = (&other.old_steps, &other.new_steps);
        for len in 1..=o.len().min(n.len()) {
            if !matches!(o[len - 1], Step::Variant(_)) {
                continue;
            }
            let Some(at) = heads.get(&(&o[..len], &n[..len])) else {
                continue;
            };
            for &i in at.iter().filter(|i| **i != j) {
                let (backward, forward, witnesses) = summaries.entry(i).or_insert((
                    Verdict::Compatible,
                    Verdict::Compatible,
                    Vec::new(),
                ));
                *backward = backward.worst(other.finding.backward);
                *forward = forward.worst(other.finding.forward);
                for w in &other.finding.witnesses {
                    if !witnesses.iter().any(|x| x.direction == w.direction) {
                        witnesses.push(w.clone());
                    }
                }
            }
        }
    }
    let mut heads: Vec<usize> = heads.into_values().flatten().collect();
    heads.sort_unstable();
    for i in heads {
        let (backward, forward, witnesses) =
            summaries
                .remove(&i)
                .unwrap_or((Verdict::Compatible, Verdict::Compatible, Vec::new()));
        let head = &mut found[i].finding;
        head.backward = backward;
        head.forward = forward;
        head.witnesses = witnesses;
    }
}
