//! Work budgets: the most any one search or comparison of `diff` may do, so that no schema,
//! however hostile (a recursive `anyOf` of many branches, an enum of 100,000 values, a union of
//! thousands of branches, thousands of changed properties), can keep a review bot busy for
//! long or fill its memory.
//!
//! | budget | bounds | limit |
//! |---|---|---|
//! | [`Budget::WitnessSearch`] | schema nodes visited while building one smallest instance, and candidate values tried for one distinguishing value | [`WITNESS_SEARCH_STEPS`], [`WITNESS_CANDIDATES`] |
//! | [`Budget::Validation`] | nested checks while validating one document | [`VALIDATION_STEPS`] |
//! | [`Budget::UnionMatching`] | pairs of subschemas compared to tell whether two `anyOf`/`oneOf` branches (or a renamed property) are the same schema, in all the comparisons of one rule on one pair of places | [`UNION_MATCHING_PAIRS`] |
//! | [`Budget::EnumComparison`] | `enum` values compared between two sides | [`ENUM_COMPARISON_VALUES`] |
//! | [`Budget::WitnessSize`] | bytes of witness documents in one report | [`WITNESS_BYTES`] |
//!
//! Where the work is really linear it is done in linear time (enum values are compared through
//! a hash set, union branches are matched by their key through a hash map), so the budgets are
//! only reached by schemas far beyond anything generated from Rust types. A budget that runs
//! out never makes a change look compatible: the change is reported as breaking (undecided),
//! and the report carries a warning located at the change that names the budget.
//!
//! The searches count their own steps; what ran out is recorded here, per thread, so the walk
//! can tell which change it concerns without every rule passing a meter around: the walk clears
//! the record before it runs a rule or builds a witness, and reads it afterwards.

use std::cell::Cell;

use serde::{Deserialize, Serialize};

use crate::finding::Location;

/// Schema nodes one smallest-instance search may visit.
pub const WITNESS_SEARCH_STEPS: usize = 20_000;
/// Candidate values one distinguishing-value search may try.
pub const WITNESS_CANDIDATES: usize = 2_000;
/// Nested checks one validation of a document may make.
pub const VALIDATION_STEPS: usize = 100_000;
/// Pairs of subschemas one structural comparison may visit.
pub const UNION_MATCHING_PAIRS: usize = 100_000;
/// `enum` values (both sides together) compared value by value; larger enums are not compared.
pub const ENUM_COMPARISON_VALUES: usize = 1_000_000;
/// Bytes of witness documents one report may hold (a witness is as large as the smallest
/// document its schema accepts, so thousands of changes to one large object would otherwise
/// repeat that object thousands of times).
pub const WITNESS_BYTES: usize = 1 << 20;

/// One kind of bounded work.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Budget {
    WitnessSearch,
    Validation,
    UnionMatching,
    EnumComparison,
    WitnessSize,
}

impl Budget {
    pub const ALL: [Budget; 5] = [
        Budget::WitnessSearch,
        Budget::Validation,
        Budget::UnionMatching,
        Budget::EnumComparison,
        Budget::WitnessSize,
    ];

    /// Stable kebab-case name, as in the JSON report.
    pub fn id(self) -> &'static str {
        match self {
            Budget::WitnessSearch => "witness-search",
            Budget::Validation => "validation",
            Budget::UnionMatching => "union-matching",
            Budget::EnumComparison => "enum-comparison",
            Budget::WitnessSize => "witness-size",
        }
    }

    /// What ran out, for a person.
    pub fn describe(self) -> String {
        match self {
            Budget::WitnessSearch => format!(
                "the witness search budget ran out ({WITNESS_SEARCH_STEPS} schema nodes or \
                 {WITNESS_CANDIDATES} candidate values)"
            ),
            Budget::Validation => format!(
                "the validation budget ran out ({VALIDATION_STEPS} nested checks per document)"
            ),
            Budget::UnionMatching => format!(
                "the union matching budget ran out ({UNION_MATCHING_PAIRS} subschema pairs \
                 compared)"
            ),
            Budget::EnumComparison => format!(
                "the enum comparison budget ran out (more than {ENUM_COMPARISON_VALUES} values)"
            ),
            Budget::WitnessSize => format!(
                "the witness size budget ran out ({WITNESS_BYTES} bytes of witness documents per \
                 report)"
            ),
        }
    }

    fn bit(self) -> u8 {
        1 << self as u8
    }
}

/// A budget that ran out while one change was checked, which left the change undecided in at
/// least one direction. Located like the finding it concerns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BudgetWarning {
    pub budget: Budget,
    /// The finding's rule id and pointer (what identifies it in the report).
    pub rule: String,
    pub pointer: String,
    pub old: Option<Location>,
    pub new: Option<Location>,
    /// What ran out, for a person.
    pub message: String,
}

/// A set of budgets that ran out.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Exhausted(u8);

impl Exhausted {
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    pub fn contains(self, budget: Budget) -> bool {
        self.0 & budget.bit() != 0
    }

    pub fn with(self, budget: Budget) -> Exhausted {
        Exhausted(self.0 | budget.bit())
    }

    pub fn union(self, other: Exhausted) -> Exhausted {
        Exhausted(self.0 | other.0)
    }

    pub fn iter(self) -> impl Iterator<Item = Budget> {
        Budget::ALL.into_iter().filter(move |b| self.contains(*b))
    }
}

thread_local! {
    static RAN_OUT: Cell<Exhausted> = const { Cell::new(Exhausted(0)) };
    /// Pairs of subschemas the comparisons of the current rule check may still visit, when the
    /// walk shares one allowance between them (`None`: each comparison has its own).
    static UNION_PAIRS_LEFT: Cell<Option<usize>> = const { Cell::new(None) };
}

/// Runs `check` with one union matching allowance shared by all its structural comparisons: a
/// union of 1,000 branches that all refer to one large definition is compared within
/// [`UNION_MATCHING_PAIRS`] in all, not per branch.
pub fn sharing_union_matching<R>(check: impl FnOnce() -> R) -> R {
    let outer = UNION_PAIRS_LEFT.replace(Some(UNION_MATCHING_PAIRS));
    let result = check();
    UNION_PAIRS_LEFT.set(outer);
    result
}

/// The union matching allowance for one comparison: what is left of the shared one, if any.
pub fn union_matching_allowance() -> Allowance {
    let left = UNION_PAIRS_LEFT.get().unwrap_or(UNION_MATCHING_PAIRS);
    Allowance::new(Budget::UnionMatching, left.min(UNION_MATCHING_PAIRS))
}

/// Gives back to the shared allowance what one comparison did not use.
pub fn union_matching_done(allowance: &Allowance) {
    if let Some(left) = UNION_PAIRS_LEFT.get() {
        UNION_PAIRS_LEFT.set(Some(left.min(allowance.left)));
    }
}

/// Records that `budget` ran out in the work under way.
pub fn ran_out(budget: Budget) {
    RAN_OUT.with(|cell| cell.set(cell.get().with(budget)));
}

/// The budgets that ran out since the last call, and forgets them.
pub fn take() -> Exhausted {
    RAN_OUT.with(|cell| cell.replace(Exhausted::default()))
}

/// Whether two enums of `a` and `b` values are within the enum comparison budget (records the
/// budget when not).
pub fn enums_comparable(a: usize, b: usize) -> bool {
    let comparable = a.saturating_add(b) <= ENUM_COMPARISON_VALUES;
    if !comparable {
        ran_out(Budget::EnumComparison);
    }
    comparable
}

/// Counts steps against one budget's limit; records the budget when the limit is reached.
#[derive(Debug)]
pub struct Allowance {
    budget: Budget,
    left: usize,
}

impl Allowance {
    pub fn new(budget: Budget, limit: usize) -> Allowance {
        Allowance {
            budget,
            left: limit,
        }
    }

    /// Takes one step; `false` (and the budget recorded) once none is left.
    pub fn step(&mut self) -> bool {
        self.spend(1)
    }

    /// Takes `n` steps at once.
    pub fn spend(&mut self, n: usize) -> bool {
        match self.left.checked_sub(n) {
            Some(left) => {
                self.left = left;
                true
            }
            None => {
                self.left = 0;
                ran_out(self.budget);
                false
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_allowance_records_its_budget_when_spent() {
        take();
        let mut allowance = Allowance::new(Budget::UnionMatching, 2);
        assert!(allowance.step() && allowance.step());
        assert!(take().is_empty());
        assert!(!allowance.step());
        let exhausted = take();
        assert_eq!(
            exhausted.iter().collect::<Vec<_>>(),
            [Budget::UnionMatching]
        );
        assert!(take().is_empty(), "take forgets what it returned");
    }
}
