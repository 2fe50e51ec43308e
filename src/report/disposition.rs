//! [`Disposition`]: the recommended outcome as a value, with its rank among
//! the ruleset's outcomes, so that callers compare dispositions by
//! strictness instead of by name.

use std::cmp::Ordering;
use std::fmt;

use crate::eval::machine::FlagBits;
use crate::eval::outcome::Outcome;
use crate::model::Status;
use crate::report::Report;

/// An outcome of a ruleset's disposition policy: its name and its rank, its
/// index in [`RuleSet::outcomes`](crate::RuleSet::outcomes) (least strict first). Dispositions order
/// by rank, so `report.disposition_value() >= escalate` asks "escalate or
/// stricter"; compare dispositions of one ruleset only.
///
/// ```
/// use dd_rules::RuleSet;
///
/// let rules = RuleSet::bundled()?;
/// let escalate = rules.disposition("escalate").unwrap();
/// let report = rules.evaluate_json(r#"{"end_user": {"sanctioned": true}}"#)?;
/// let disposition = report.disposition_value();
/// assert_eq!(disposition, "do_not_proceed");
/// assert!(disposition > escalate);
/// assert_eq!(disposition.name(), report.disposition());
/// assert_eq!(disposition.rank(), report.disposition_index());
/// assert_eq!(disposition.to_string(), "do_not_proceed");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Disposition<'a> {
    name: &'a str,
    rank: usize,
}

impl<'a> Disposition<'a> {
    /// The outcome `name` of rank `rank`.
    pub(crate) fn new(name: &'a str, rank: usize) -> Disposition<'a> {
        Disposition { name, rank }
    }

    /// The outcome's name, as the ruleset declares it.
    pub fn name(&self) -> &'a str {
        self.name
    }

    /// The outcome's index in [`RuleSet::outcomes`](crate::RuleSet::outcomes): 0 is the least strict.
    pub fn rank(&self) -> usize {
        self.rank
    }
}

/// By rank (strictness), then by name.
impl PartialOrd for Disposition<'_> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Disposition<'_> {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.rank, self.name).cmp(&(other.rank, other.name))
    }
}

impl PartialEq<str> for Disposition<'_> {
    fn eq(&self, other: &str) -> bool {
        self.name == other
    }
}

impl PartialEq<&str> for Disposition<'_> {
    fn eq(&self, other: &&str) -> bool {
        self.name == *other
    }
}

impl fmt::Display for Disposition<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name)
    }
}

impl Report {
    /// The recommended disposition as a [`Disposition`]: its name and rank.
    /// [`disposition`](Report::disposition) is its name.
    pub fn disposition_value(&self) -> Disposition<'_> {
        Disposition {
            name: self.disposition(),
            rank: self.disposition_index(),
        }
    }
}

impl Outcome {
    /// The disposition as a [`Disposition`]: its name and rank.
    ///
    /// ```
    /// let rules = dd_rules::RuleSet::bundled()?;
    /// let facts = rules.facts_from_json(r#"{"parties": [{"listed": true}]}"#)?;
    /// let mut scratch = rules.new_scratch();
    /// let outcome = rules.evaluate_into(&facts, &mut scratch)?;
    /// assert_eq!(outcome.disposition_value(), rules.disposition("do_not_proceed").unwrap());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn disposition_value(&self) -> Disposition<'_> {
        Disposition {
            name: self.disposition(),
            rank: self.disposition_index(),
        }
    }
}

/// Which flags decided: what [`Report::deciding_flags`] walks.
mod deciding {
    use crate::compile::{DispCode, SelCode};
    use crate::eval::machine::{FlagBits, picked_words};
    use crate::syntax::ast::CmpOp;

    /// The flags a selector picks, as a bit set.
    fn picked(s: &SelCode, bits: &FlagBits<'_>) -> Vec<u64> {
        picked_words(s, bits).collect()
    }

    fn count(s: &SelCode, bits: &FlagBits<'_>) -> i64 {
        picked_words(s, bits)
            .map(|w| i64::from(w.count_ones()))
            .sum()
    }

    /// Whether a disposition condition holds.
    pub(super) fn holds(d: &DispCode, bits: &FlagBits<'_>) -> bool {
        match d {
            DispCode::Any(s) => count(s, bits) > 0,
            DispCode::No(s) => count(s, bits) == 0,
            DispCode::Count(s, op, n) => op.holds(count(s, bits).cmp(n)),
            DispCode::Not(i) => !holds(i, bits),
            DispCode::And(items) => items.iter().all(|i| holds(i, bits)),
            DispCode::Or(items) => items.iter().any(|i| holds(i, bits)),
        }
    }

    /// Adds to `out` the flags that make `d` take the value `want` (which
    /// it has): those an `any` or a count of at least some number picks
    /// when it holds, those a `no` or a count of at most some number picks
    /// when it fails. A `no` that holds, or an `any` that fails, is decided
    /// by the absence of flags, and names none.
    pub(super) fn collect(d: &DispCode, want: bool, bits: &FlagBits<'_>, out: &mut [u64]) {
        let mut add = |s: &SelCode| {
            for (o, w) in out.iter_mut().zip(picked(s, bits)) {
                *o |= w;
            }
        };
        match d {
            DispCode::Any(s) if want => add(s),
            DispCode::No(s) if !want => add(s),
            DispCode::Count(s, op, _) => {
                let more = matches!(op, CmpOp::Gt | CmpOp::Ge | CmpOp::Eq);
                let fewer = matches!(op, CmpOp::Lt | CmpOp::Le);
                if (want && more) || (!want && fewer) {
                    add(s);
                }
            }
            DispCode::Any(_) | DispCode::No(_) => {}
            DispCode::Not(i) => collect(i, !want, bits, out),
            // An `and` that holds, or an `or` that fails: every part has the
            // value; otherwise only the parts that have it decide.
            DispCode::And(items) | DispCode::Or(items) => {
                for i in items {
                    if holds(i, bits) == want {
                        collect(i, want, bits, out);
                    }
                }
            }
        }
    }
}

impl Report {
    /// The flags that decided the disposition: those the deciding case of
    /// the policy counts. For the case
    /// `when any flags(raised, severity >= critical) => do_not_proceed`,
    /// the raised critical flags; for a count such as
    /// `count flags(raised) >= 2`, the flags counted. A case decided by the
    /// absence of flags (`no flags(…)`, or `otherwise`) names none, and so
    /// does a transaction out of scope (the scope decided). In declaration
    /// order.
    ///
    /// ```
    /// let rules = dd_rules::RuleSet::bundled()?;
    /// let report = rules.evaluate_json(r#"{"end_user": {"sanctioned": true}}"#)?;
    /// let deciding: Vec<&str> = report.deciding_flags().map(|f| f.id).collect();
    /// assert!(deciding.contains(&"S2.sanctioned"));
    /// assert!(deciding.iter().all(|id| report.flag(id).unwrap().status == dd_rules::Status::Raised));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn deciding_flags(&self) -> impl Iterator<Item = crate::FlagReport<'_>> {
        let picked = self.deciding_bits();
        self.flags().filter(move |f| {
            picked
                .get(f.index / 64)
                .is_some_and(|w| w & (1 << (f.index % 64)) != 0)
        })
    }

    /// The flags that decided, as a bit set over the flags.
    fn deciding_bits(&self) -> Vec<u64> {
        use crate::model::ScopeStatus;
        let words = self.flags.len().div_ceil(64);
        let mut out = vec![0u64; words];
        if self.scope_status() == Some(ScopeStatus::Out) {
            return out;
        }
        let prog = self.rules.program();
        let Some((Some(case), _)) = prog.cases.get(self.case) else {
            return out;
        };
        let mut sets = vec![vec![0u64; words]; 4];
        for (i, row) in self.flags.iter().enumerate() {
            let k = match row.status {
                Status::Raised => 0,
                Status::Clear => 1,
                _ => 2,
            };
            let bit = 1u64 << (i % 64);
            for set in [Some(k), row.mitigated.then_some(3)].into_iter().flatten() {
                if let Some(w) = sets.get_mut(set).and_then(|s| s.get_mut(i / 64)) {
                    *w |= bit;
                }
            }
        }
        let [raised, clear, unknown, mitigated] = [0, 1, 2, 3].map(|k| sets.get(k));
        let (Some(raised), Some(clear), Some(unknown), Some(mitigated)) =
            (raised, clear, unknown, mitigated)
        else {
            return out;
        };
        let bits = FlagBits {
            raised,
            clear,
            unknown,
            mitigated,
        };
        deciding::collect(case, true, &bits, &mut out);
        out
    }
}
