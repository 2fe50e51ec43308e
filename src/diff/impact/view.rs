//! The read-only views of an [`Impact`]: the counts, the transition matrix
//! of dispositions, each flag's changes, the changed transactions kept, and
//! the JSON form. Nothing here changes an accumulator.

use serde::Serialize;
use serde::ser::SerializeStruct;

use super::{ChangedTransaction, FlagState, Impact};
use crate::ruleset::RuleSet;

/// How one flag's state changed over all transactions compared, from
/// [`Impact::flags`].
///
/// ```
/// use dd_rules::FlagState;
///
/// let old = dd_rules::RuleSet::bundled()?;
/// let new = dd_rules::RuleSet::compile(
///     &dd_rules::BUNDLED_SOURCE.replace("when: end_user.sanctioned\n", "when: false\n"),
///     "new.rules",
/// )?;
/// let docs = [r#"{"end_user": {"sanctioned": true}}"#, r#"{}"#];
/// let flags = old.impact(&new, docs).flags();
/// assert_eq!((flags[0].id.as_str(), flags[0].changed), ("S2.sanctioned", 2));
/// // `{}` leaves it unknown before, and clear after.
/// let moves: Vec<_> = flags[0].transitions.iter().map(|t| (t.old, t.new, t.count)).collect();
/// assert_eq!(moves, [(FlagState::Unknown, FlagState::Clear, 1), (FlagState::Raised, FlagState::Clear, 1)]);
/// # Ok::<(), dd_rules::RulesError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct FlagImpact {
    /// The flag's id.
    pub id: String,
    /// How many transactions it changed state in.
    pub changed: u64,
    /// Each transition seen and how many times, most frequent first.
    pub transitions: Vec<Transition<FlagState>>,
}

/// How many transactions went from `old` to `new`: a cell of the
/// transition matrix of dispositions ([`Impact::transitions`], `None` for
/// rejected) or of a flag's states ([`FlagImpact::transitions`]).
///
/// ```
/// let rules = dd_rules::RuleSet::bundled()?;
/// let impact = rules.impact(&rules, ["{}", "{}", "not json"]);
/// let cells = impact.transitions();
/// assert_eq!((cells[0].old, cells[0].new, cells[0].count),
///            (Some("gather_facts"), Some("gather_facts"), 2));
/// assert_eq!((cells[1].old, cells[1].new, cells[1].count), (None, None, 1));
/// assert_eq!(impact.changed(), 0);
/// # Ok::<(), dd_rules::RulesError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Transition<T> {
    /// Before the change.
    pub old: T,
    /// After it.
    pub new: T,
    /// How many transactions.
    pub count: u64,
}

impl<'r> Impact<'r> {
    /// The two rulesets compared: old, new.
    pub fn rulesets(&self) -> (&'r RuleSet, &'r RuleSet) {
        (self.old, self.new)
    }

    /// How many transactions were added.
    pub fn transactions(&self) -> u64 {
        self.counts.transactions
    }

    /// How many changed: another disposition, a flag in another state, or
    /// rejected by one ruleset only.
    pub fn changed(&self) -> u64 {
        self.counts.changed
    }

    /// How many got another disposition, or were rejected by one ruleset
    /// only.
    pub fn disposition_changed(&self) -> u64 {
        self.counts.disposition_changed
    }

    /// How many got a stricter disposition (see [`Impact`]).
    pub fn stricter(&self) -> u64 {
        self.counts.stricter
    }

    /// How many got a less strict disposition.
    pub fn looser(&self) -> u64 {
        self.counts.looser
    }

    /// How many got another disposition while their old one is not an
    /// outcome of the new ruleset: neither stricter nor looser.
    pub fn unranked(&self) -> u64 {
        self.counts.unranked
    }

    /// How many the old ruleset rejected and the new one did not.
    pub fn rejected_by_old_only(&self) -> u64 {
        self.counts.rejected_old
    }

    /// How many the new ruleset rejected and the old one did not.
    pub fn rejected_by_new_only(&self) -> u64 {
        self.counts.rejected_new
    }

    /// How many both rulesets rejected (not a change).
    pub fn rejected_by_both(&self) -> u64 {
        self.counts.rejected_both
    }

    /// The old ruleset's outcomes, least strict first: the rows of
    /// [`transitions`](Self::transitions).
    pub fn old_outcomes(&self) -> &[String] {
        &self.shape.old_outcomes
    }

    /// The new ruleset's outcomes: the columns.
    pub fn new_outcomes(&self) -> &[String] {
        &self.shape.new_outcomes
    }

    /// How many transactions went from disposition `old` to `new` (`None`:
    /// rejected).
    pub fn transition(&self, old: Option<&str>, new: Option<&str>) -> u64 {
        let row = match old {
            Some(o) => self.shape.old_outcomes.iter().position(|x| x == o),
            None => Some(self.shape.old_outcomes.len()),
        };
        let col = match new {
            Some(n) => self.shape.new_outcomes.iter().position(|x| x == n),
            None => Some(self.shape.new_outcomes.len()),
        };
        match (row, col) {
            (Some(r), Some(c)) => self.cell(r, c),
            _ => 0,
        }
    }

    fn cell(&self, row: usize, col: usize) -> u64 {
        let width = self.shape.new_outcomes.len() + 1;
        self.counts
            .matrix
            .get(row * width + col)
            .copied()
            .unwrap_or(0)
    }

    /// Every transition seen, (old disposition, new disposition, count),
    /// `None` for rejected, rows in the old ruleset's order of outcomes and
    /// columns in the new one's.
    pub fn transitions(&self) -> Vec<Transition<Option<&str>>> {
        let olds = self.shape.old_outcomes.iter().map(|s| Some(s.as_str()));
        let mut out = Vec::new();
        for (r, old) in olds.chain([None]).enumerate() {
            let news = self.shape.new_outcomes.iter().map(|s| Some(s.as_str()));
            for (c, new) in news.chain([None]).enumerate() {
                let n = self.cell(r, c);
                if n > 0 {
                    out.push(Transition { old, new, count: n });
                }
            }
        }
        out
    }

    /// The ids of the flags of both rulesets: the old one's in declaration
    /// order, then those only the new one declares.
    pub fn flag_ids(&self) -> impl Iterator<Item = &str> {
        self.shape.flags.iter().map(|(id, _, _)| id.as_str())
    }

    /// The flags whose state changed in some transaction, most changed
    /// first (ties in the order of [`flag_ids`](Self::flag_ids)).
    pub fn flags(&self) -> Vec<FlagImpact> {
        let mut out: Vec<FlagImpact> = self
            .shape
            .flags
            .iter()
            .zip(&self.counts.flag_changed)
            .zip(&self.counts.flag_transitions)
            .filter(|((_, changed), _)| **changed > 0)
            .map(|(((id, _, _), changed), table)| {
                let mut transitions = Vec::new();
                for (o, row) in FlagState::ALL.iter().zip(table) {
                    for (n, count) in FlagState::ALL.iter().zip(row) {
                        if *count > 0 && o != n {
                            transitions.push(Transition {
                                old: *o,
                                new: *n,
                                count: *count,
                            });
                        }
                    }
                }
                transitions.sort_by_key(|t| std::cmp::Reverse(t.count));
                FlagImpact {
                    id: id.clone(),
                    changed: *changed,
                    transitions,
                }
            })
            .collect();
        out.sort_by_key(|f| std::cmp::Reverse(f.changed));
        out
    }

    /// The changed transactions kept, by line: the first
    /// [`with_limit`](Self::with_limit) of them.
    pub fn changed_transactions(&self) -> &[ChangedTransaction] {
        &self.kept
    }
}

impl Serialize for Impact<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let c = &self.counts;
        let mut s = serializer.serialize_struct("Impact", 15)?;
        s.serialize_field("transactions", &c.transactions)?;
        s.serialize_field("changed", &c.changed)?;
        s.serialize_field("disposition_changed", &c.disposition_changed)?;
        s.serialize_field("stricter", &c.stricter)?;
        s.serialize_field("looser", &c.looser)?;
        s.serialize_field("unranked", &c.unranked)?;
        s.serialize_field("rejected_by_old_only", &c.rejected_old)?;
        s.serialize_field("rejected_by_new_only", &c.rejected_new)?;
        s.serialize_field("rejected_by_both", &c.rejected_both)?;
        s.serialize_field("old_outcomes", &self.shape.old_outcomes)?;
        s.serialize_field("new_outcomes", &self.shape.new_outcomes)?;
        s.serialize_field("matrix", &self.transitions())?;
        s.serialize_field("flags", &self.flags())?;
        s.serialize_field("changed_transactions_kept", &self.kept.len())?;
        s.serialize_field("changed_transactions", &self.kept)?;
        s.end()
    }
}
