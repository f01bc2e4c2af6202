//! Hostile schemas: each one used to keep `diff` busy for seconds to minutes (or fill
//! gigabytes), and is now bounded by the budgets of `docver_check::check::budget`. The tests
//! assert on verdicts, witnesses and warnings, not on time; each runs well under a second.
//!
//! Every witness is re-checked with the independent `jsonschema` validator, as in
//! `robustness.rs`.

use docver_check::check::budget::{Budget, WITNESS_BYTES};
use docver_check::{DiffOptions, DiffReport, Direction, Verdict, diff, read_schema};
use docver_testkit::hostile_schemas::diamond_chain;
use serde_json::{Map, Value, json};

fn run(old: &Value, new: &Value) -> DiffReport {
    let report = diff(
        &read_schema("old.json", &old.to_string()).unwrap(),
        &read_schema("new.json", &new.to_string()).unwrap(),
        &DiffOptions::default(),
    );
    confirm_witnesses(old, new, &report);
    report
}

/// Each witness is valid under its source schema and rejected by its target (checked on the
/// first findings only: validating a 1,000-branch union with `jsonschema` takes a while too).
fn confirm_witnesses(old: &Value, new: &Value, report: &DiffReport) {
    let compile = |s: &Value| jsonschema::options().build(s).unwrap();
    let (old_v, new_v) = (compile(old), compile(new));
    for finding in report.findings.iter().take(20) {
        for w in &finding.witnesses {
            let (source, target) = match w.direction {
                Direction::Backward => (&old_v, &new_v),
                Direction::Forward => (&new_v, &old_v),
            };
            assert!(
                source.is_valid(&w.document),
                "{}: {}",
                finding.rule,
                w.document
            );
            assert!(
                !target.is_valid(&w.document),
                "{}: {}",
                finding.rule,
                w.document
            );
        }
    }
}

fn fixture(name: &str) -> Value {
    let path = format!("{}/tests/hostile/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Budgets that ran out, as the warnings name them.
fn budgets(report: &DiffReport) -> Vec<Budget> {
    let mut budgets: Vec<Budget> = report.warnings.iter().map(|w| w.budget).collect();
    budgets.sort();
    budgets.dedup();
    budgets
}

#[test]
fn a_recursive_any_of_of_six_object_branches_is_diffed_without_exponential_search() {
    // The 621-byte schema: a definition that is an `anyOf` of 6 object branches, each
    // requiring a property that refers back to it (no finite document is valid under it).
    let (recursive, object) = (fixture("recursive-any-of.json"), fixture("x-string.json"));
    let report = run(&recursive, &object);
    let composition = report
        .findings
        .iter()
        .find(|f| f.rule == "composition-changed")
        .expect("the union became an object");
    // NEW documents such as `{}` are not valid under OLD.
    assert_eq!(composition.forward, Verdict::Breaking);
    assert!(composition.witness(Direction::Forward).is_some());
    // No OLD document exists to show a break: undecided, never compatible.
    assert_eq!(composition.backward, Verdict::Undecided);
    // The search ended because it visited every shape, not because a budget ran out.
    assert!(report.warnings.is_empty(), "{:#?}", report.warnings);

    let reverse = run(&object, &recursive);
    assert_eq!(reverse.backward, Verdict::Breaking);
    assert!(reverse.forward.is_breaking());
}

#[test]
fn a_witness_search_that_runs_out_reports_undecided_with_a_located_warning() {
    let report = run(&diamond_chain(10, 4), &fixture("x-string.json"));
    let composition = report
        .findings
        .iter()
        .find(|f| f.rule == "composition-changed")
        .unwrap();
    assert_eq!(composition.backward, Verdict::Undecided);
    assert!(
        composition
            .message
            .contains("witness search budget ran out"),
        "{}",
        composition.message
    );
    assert_eq!(budgets(&report), [Budget::WitnessSearch]);
    let warning = &report.warnings[0];
    assert_eq!(warning.rule, "composition-changed");
    let old = warning.old.as_ref().expect("located in OLD");
    assert_eq!(old.pointer, "/$defs/T");
    assert!(old.span.end > old.span.start);
}

#[test]
fn an_enum_of_100_000_values_is_compared_through_a_hash_set() {
    let values = |range: std::ops::Range<usize>| -> Vec<Value> {
        range.map(|i| json!(format!("v{i}"))).collect()
    };
    let old = json!({"type": "object", "properties": {"e": {"enum": values(0..100_000)}}});
    let new = json!({"type": "object", "properties": {"e": {"enum": values(1..100_001)}}});
    let report = diff(
        &read_schema("old.json", &old.to_string()).unwrap(),
        &read_schema("new.json", &new.to_string()).unwrap(),
        &DiffOptions::default(),
    );
    let rules: Vec<(&str, &str)> = report
        .findings
        .iter()
        .map(|f| (f.rule.as_str(), f.detail.as_str()))
        .collect();
    assert_eq!(
        rules,
        [
            ("enum-value-added", "\"v100000\""),
            ("enum-value-removed", "\"v0\"")
        ]
    );
    let witness = |i: usize, d: Direction| &report.findings[i].witness(d).unwrap().document;
    assert_eq!(witness(0, Direction::Forward), &json!({"e": "v100000"}));
    assert_eq!(witness(1, Direction::Backward), &json!({"e": "v0"}));
    assert_eq!(
        (report.backward, report.forward),
        (Verdict::Breaking, Verdict::Breaking)
    );
    assert!(report.warnings.is_empty());
}

/// A tagged union of `n` branches whose `v` has type `ty`.
fn tagged_union(n: usize, ty: &str) -> Value {
    let branches: Vec<Value> = (0..n)
        .map(|i| {
            json!({"type": "object",
                   "properties": {"kind": {"const": format!("k{i}")}, "v": {"type": ty}},
                   "required": ["kind", "v"]})
        })
        .collect();
    json!({"oneOf": branches})
}

#[test]
fn a_union_of_1000_branches_is_matched_by_tag() {
    let report = run(
        &tagged_union(1000, "string"),
        &tagged_union(1000, "integer"),
    );
    let changed = |rule: &str| report.findings.iter().filter(|f| f.rule == rule).count();
    assert_eq!(changed("variant-changed"), 1000);
    assert_eq!(changed("type-changed"), 1000);
    assert!(
        report
            .findings
            .iter()
            .all(|f| f.backward == Verdict::Breaking && f.forward == Verdict::Breaking),
        "every branch's change is shown by a witness"
    );
    assert!(report.warnings.is_empty());
}

#[test]
fn two_thousand_changed_properties_give_a_report_bounded_by_the_witness_size_budget() {
    let properties = |ty: &str| -> Map<String, Value> {
        (0..2000)
            .map(|i| (format!("p{i}"), json!({"type": ty})))
            .collect()
    };
    let required: Vec<String> = (0..2000).map(|i| format!("p{i}")).collect();
    let old = json!({"type": "object", "properties": properties("string"), "required": required});
    let new = json!({"type": "object", "properties": properties("integer"), "required": required});
    let report = run(&old, &new);
    assert_eq!(report.findings.len(), 2000);
    // Each witness repeats the 2,000 required properties; the report holds a bounded number of
    // them, and says so for the rest.
    let witness_bytes: usize = report
        .findings
        .iter()
        .flat_map(|f| &f.witnesses)
        .map(|w| w.document.to_string().len())
        .sum();
    assert!(witness_bytes <= WITNESS_BYTES, "{witness_bytes}");
    let shown = report.findings.iter().filter(|f| !f.witnesses.is_empty());
    assert!(shown.count() > 10);
    let unshown: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.witnesses.is_empty())
        .collect();
    assert!(!unshown.is_empty());
    assert!(unshown.iter().all(|f| f.backward == Verdict::Undecided));
    assert_eq!(budgets(&report), [Budget::WitnessSize]);
    assert_eq!(report.warnings.len(), unshown.len());
    assert!(report.warnings.iter().all(|w| w.new.is_some()));
    let size = serde_json::to_string(&report.findings).unwrap().len();
    assert!(size < 2 * WITNESS_BYTES, "{size}");
}

#[test]
fn validating_a_large_union_by_its_tag_agrees_with_jsonschema() {
    // 20 tagged branches (one with two tag values, one with a nullable tag), one untagged
    // branch, and one whose tag is not required.
    let mut branches: Vec<Value> = (0..20)
        .map(|i| {
            json!({"type": "object",
                   "properties": {"kind": {"const": format!("k{i}")}, "v": {"type": "integer"}},
                   "required": ["kind", "v"]})
        })
        .collect();
    branches[3]["properties"]["kind"] = json!({"enum": ["k3", "three"]});
    branches[4]["properties"]["kind"] = json!({"anyOf": [{"const": "k4"}, {"type": "null"}]});
    branches.push(
        json!({"type": "object", "properties": {"w": {"type": "string"}}, "required": ["w"]}),
    );
    branches.push(json!({"type": "object", "properties": {"kind": {"const": "loose"}}}));
    let union = json!({"anyOf": branches});
    let schema = read_schema("union.json", &union.to_string()).unwrap();
    let reference = jsonschema::options().build(&union).unwrap();
    let documents = [
        json!({"kind": "k7", "v": 1}),
        json!({"kind": "k7", "v": "x"}),
        json!({"kind": "three", "v": 2}),
        json!({"kind": null, "v": 2}),
        json!({"kind": "k4", "v": 2}),
        json!({"kind": "k99", "v": 2}),
        json!({"kind": "k99", "w": "z"}),
        json!({"kind": "loose"}),
        json!({"kind": 1.0, "v": 1}),
        json!({"v": 1}),
        json!({}),
        json!("k1"),
    ];
    for document in &documents {
        assert_eq!(
            docver_check::check::validate::accepts(&schema, schema.root(), document),
            reference.is_valid(document),
            "{document}"
        );
    }
}
