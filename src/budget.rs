//! The evaluation budget: what keeps one evaluation from running without bound.
//!
//! Outside quantifiers, evaluating a ruleset is linear in its size: each
//! condition is run once, each predicate once. Only quantifiers and counts
//! repeat work, once per element of a list, and quantifiers nested over the
//! same list repeat it `n^k` times. So the budget is spent there: each
//! element a quantifier or count visits costs the number of nodes in its
//! body ([`List::weight`](crate::compile::List)), an upper bound of the work
//! the body does for it besides its own nested quantifiers, which pay for
//! themselves. The work of one evaluation is therefore at most linear in the
//! size of the ruleset plus the budget.
//!
//! Each phase has a budget of its own: the fast path (statuses and
//! disposition), building the full report (the missing facts, which
//! evaluate parts of conditions again) and each explanation. When a phase
//! goes over, it stops at once and the evaluation fails with
//! [`EvalError::OverBudget`](crate::EvalError), naming the condition it was
//! in; a result computed over budget is never reported.

use std::fmt;

/// The steps one phase of an evaluation may take unless the ruleset handle
/// says otherwise ([`RuleSet::with_budget`](crate::RuleSet::with_budget)).
///
/// A step is a node of a quantifier's body run for one element; a
/// quantifier is charged for every element of its list when it starts, so
/// one that stops early (an `any` that finds a match) has paid for more
/// than it did. The bundled
/// ruleset takes 13 to 33 steps on the bundled example transactions, and
/// 3,680,000 on the largest list of parties a facts document may hold
/// (230,000); `tests/resources.rs` checks both far under the default. At
/// the speed of the fast path, the default is about 0.6 s of work in a
/// release build (quantifiers nested over a long list, on this machine).
/// The reference interpreter behind explanations pays 16 steps per
/// condition or element, for about the same time.
pub const DEFAULT_BUDGET: u64 = 100_000_000;

/// The kind of condition an evaluation was running when it went over budget.
///
/// ```
/// use dd_rules::{ConditionKind, Error, EvalError, RuleSet};
///
/// let rules = RuleSet::compile(r#"
///     ruleset "q" { version: "1" title: "Q" source: "Q" }
///     record P { listed: bool }
///     facts { parties: list<P> }
///     flag A.listed { step: 1 severity: low title: "Listed" when: any(p in parties where p.listed) }
///     outcomes { proceed }
///     disposition { otherwise => proceed }
/// "#, "q.rules")?.with_budget(3);
/// let doc = format!(r#"{{"parties": [{}]}}"#, vec![r#"{"listed": false}"#; 10].join(","));
/// match rules.evaluate_json(&doc) {
///     Err(Error::Eval(EvalError::OverBudget { kind, id, .. })) => {
///         assert_eq!((kind, id.as_str()), (ConditionKind::Flag, "A.listed"));
///         assert_eq!(kind.as_str(), "flag");
///     }
///     other => panic!("expected to go over budget, got {other:?}"),
/// }
/// # Ok::<(), dd_rules::RulesError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ConditionKind {
    /// A flag's `when:`.
    Flag,
    /// A safeguard's `when:`.
    Safeguard,
    /// A predicate's body.
    Predicate,
    /// The scope's `when:`.
    Scope,
}

impl ConditionKind {
    /// The word used in messages: `flag`, `safeguard`, `predicate` or `scope`.
    pub fn as_str(self) -> &'static str {
        match self {
            ConditionKind::Flag => "flag",
            ConditionKind::Safeguard => "safeguard",
            ConditionKind::Predicate => "predicate",
            ConditionKind::Scope => "scope",
        }
    }
}

impl fmt::Display for ConditionKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The steps left in one phase's budget, plus one: a budget of `n` starts
/// at `n + 1`, every charge saturates at zero, and zero means that more
/// than `n` steps were asked for. One counter, no flag: a charge is a
/// multiply, a subtract and a compare.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Steps {
    left: u64,
}

impl Steps {
    /// A full budget of `n` steps.
    pub fn new(n: u64) -> Steps {
        Steps {
            left: n.saturating_add(1),
        }
    }

    /// Spends `weight` steps; false (and nothing left for anything after)
    /// when there are not that many.
    #[inline(always)]
    pub fn charge(&mut self, weight: u32) -> bool {
        self.charge_list(weight, 1)
    }

    /// Spends `weight` steps for each of `len` elements, at once: what a
    /// quantifier or count over a list of `len` elements may take, charged
    /// once before its loop so that the loop itself counts nothing. False
    /// when the budget is spent, by this charge or an earlier one.
    #[inline(always)]
    pub fn charge_list(&mut self, weight: u32, len: usize) -> bool {
        // A list is far shorter than 2^32 elements (a facts document is
        // limited in size), so its length is taken as a u32 (clamped, were
        // it ever longer), and the product of two u32 fits in a u64: one
        // multiplication, no overflow check.
        let len = u32::try_from(len).unwrap_or(u32::MAX);
        let cost = u64::from(weight) * u64::from(len);
        self.left = self.left.saturating_sub(cost);
        self.left != 0
    }

    /// Whether a charge has failed.
    #[inline(always)]
    pub fn over(&self) -> bool {
        self.left == 0
    }
}

#[cfg(test)]
mod steps_tests {
    use super::Steps;

    #[test]
    fn a_budget_of_n_pays_for_n_steps_and_not_one_more() {
        let mut steps = Steps::new(10);
        assert!(steps.charge_list(3, 3));
        assert!(steps.charge(1));
        assert!(!steps.over(), "ten steps of ten are within the budget");
        assert!(!steps.charge(1));
        assert!(steps.over());
        assert!(!steps.charge(0), "once spent, a budget stays spent");
    }

    #[test]
    fn huge_charges_saturate() {
        let mut steps = Steps::new(u64::MAX);
        assert!(steps.charge_list(u32::MAX, 2));
        assert!(!steps.charge_list(u32::MAX, usize::MAX));
        assert!(steps.over());
        let mut none = Steps::new(0);
        assert!(none.charge(0), "a budget of nothing pays for nothing");
        assert!(!none.charge(1));
    }
}

/// `n` with its digits in groups of three, as messages write budgets:
/// `100,000,000`.
pub(crate) fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(d);
    }
    out
}

#[cfg(test)]
mod grouped_tests {
    #[test]
    fn digits_are_grouped_by_three() {
        for (n, text) in [
            (0, "0"),
            (999, "999"),
            (1000, "1,000"),
            (100_000_000, "100,000,000"),
        ] {
            assert_eq!(super::grouped(n), text);
        }
    }
}
