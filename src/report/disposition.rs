//! [`Disposition`]: the recommended outcome as a value, with its rank among
//! the ruleset's outcomes, so that callers compare dispositions by
//! strictness instead of by name.

use std::cmp::Ordering;
use std::fmt;

use crate::eval::outcome::Outcome;
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
