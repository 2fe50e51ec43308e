//! The impact of a ruleset change: transactions evaluated by both rulesets
//! on the fast path, and what changed counted. An [`Impact`] is an
//! accumulator: one per thread or chunk of a stream, merged at the end.

use serde::Serialize;

use std::sync::Arc;

use crate::eval::outcome::{Outcome, Scratch};
use crate::facts::{Carrier, Facts, FactsError, load_json_watching};
use crate::model::Status;
use crate::ruleset::RuleSet;

mod view;

pub use view::{FlagImpact, Transition};

/// How many changed transactions an [`Impact`] keeps unless told
/// otherwise ([`Impact::with_limit`]): the first 1,000, by line.
pub const IMPACT_KEPT: usize = 1000;

/// A flag's state in one transaction, as the impact compares it: its status,
/// with a raised flag split by whether its safeguards mitigate it (so that a
/// safeguard added to its `mitigated_by` shows), and `absent` in a ruleset
/// that does not declare the flag.
///
/// ```
/// use dd_rules::FlagState;
///
/// assert_eq!(FlagState::Mitigated.as_str(), "mitigated");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum FlagState {
    /// The ruleset does not declare the flag.
    Absent,
    /// The condition does not hold.
    Clear,
    /// Facts are missing that would decide the condition.
    Unknown,
    /// Raised and not mitigated.
    Raised,
    /// Raised, and every safeguard in its `mitigated_by` is in place.
    Mitigated,
}

impl FlagState {
    /// Every state, in the order of the enum.
    pub const ALL: [FlagState; 5] = [
        FlagState::Absent,
        FlagState::Clear,
        FlagState::Unknown,
        FlagState::Raised,
        FlagState::Mitigated,
    ];

    /// The name used in the JSON form.
    pub fn as_str(self) -> &'static str {
        match self {
            FlagState::Absent => "absent",
            FlagState::Clear => "clear",
            FlagState::Unknown => "unknown",
            FlagState::Raised => "raised",
            FlagState::Mitigated => "mitigated",
        }
    }

    fn index(self) -> usize {
        self as usize
    }

    fn of(outcome: &Outcome, flag: Option<usize>) -> FlagState {
        let Some(i) = flag else {
            return FlagState::Absent;
        };
        match outcome.flags().get(i) {
            Some(Status::Raised) if outcome.mitigated().get(i) == Some(&true) => {
                FlagState::Mitigated
            }
            Some(Status::Raised) => FlagState::Raised,
            Some(Status::Clear) => FlagState::Clear,
            Some(Status::Unknown) => FlagState::Unknown,
            None => FlagState::Absent,
        }
    }
}

/// What one ruleset made of a transaction: its disposition, or why it was
/// rejected (the facts document does not fit the ruleset's schema, or the
/// evaluation went over its budget).
///
/// ```
/// use dd_rules::Verdict;
///
/// let old = dd_rules::RuleSet::bundled()?;
/// let source = dd_rules::BUNDLED_SOURCE.replace("  local_police,\n", "  local_police,\n  militia,\n");
/// let new = dd_rules::RuleSet::compile(&source, "new.rules")?;
/// let impact = old.impact(&new, [r#"{"end_user": {"kind": "militia"}}"#]);
/// let t = &impact.changed_transactions()[0];
/// assert!(matches!(&t.old, Verdict::Rejected(why) if why.contains("militia")));
/// assert_eq!(t.new.disposition(), Some("gather_facts"));
/// # Ok::<(), dd_rules::RulesError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Verdict {
    /// The disposition, an outcome of the ruleset.
    Disposition(String),
    /// The error that rejected it.
    Rejected(String),
}

impl Verdict {
    /// The disposition, `None` when rejected.
    pub fn disposition(&self) -> Option<&str> {
        match self {
            Verdict::Disposition(d) => Some(d),
            Verdict::Rejected(_) => None,
        }
    }
}

/// A flag whose state differs in one transaction.
///
/// ```
/// use dd_rules::FlagState;
///
/// let old = dd_rules::RuleSet::bundled()?;
/// let new = dd_rules::RuleSet::compile(
///     &dd_rules::BUNDLED_SOURCE.replace("when: end_user.sanctioned\n", "when: false\n"),
///     "new.rules",
/// )?;
/// let impact = old.impact(&new, [r#"{"end_user": {"sanctioned": true}}"#]);
/// let flag = &impact.changed_transactions()[0].flags[0];
/// assert_eq!((flag.id.as_str(), flag.old, flag.new),
///            ("S2.sanctioned", FlagState::Raised, FlagState::Clear));
/// # Ok::<(), dd_rules::RulesError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct FlagTransition {
    /// The flag's id.
    pub id: String,
    /// Its state under the old ruleset.
    pub old: FlagState,
    /// Its state under the new ruleset.
    pub new: FlagState,
}

/// A transaction that the two rulesets decide differently: another
/// disposition, a flag in another state, or rejected by one only.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct ChangedTransaction {
    /// The number the caller gave it (the CLI: its line, from 1).
    pub line: u64,
    /// Its `"id"`, when the document has one.
    pub id: Option<String>,
    /// What the old ruleset made of it.
    pub old: Verdict,
    /// What the new ruleset made of it.
    pub new: Verdict,
    /// The flags whose state differs, in the order of [`Impact::flag_ids`];
    /// empty when either ruleset rejected it.
    pub flags: Vec<FlagTransition>,
}

/// The direction of a disposition change, by strictness: ranks are
/// positions in the NEW ruleset's outcomes (least strict first), the old
/// disposition mapped there by name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Direction {
    Same,
    Stricter,
    Looser,
    /// The old disposition is not an outcome of the new ruleset.
    Unranked,
}

/// The impact of a ruleset change on transactions: evaluate each with
/// both rulesets ([`add_json`](Self::add_json)), then read the transition
/// matrix of dispositions, each flag's changes and the changed
/// transactions (the first [`IMPACT_KEPT`] by line kept, all counted).
///
/// Each document is loaded by each ruleset, so a document one schema
/// accepts and the other rejects is counted as such, with the error that
/// loading it for that ruleset alone gives. The text is read once when the
/// fact schemas are the same, and usually once when they differ too: the
/// facts loaded for the old ruleset are then carried into the new schema's
/// layout whenever that gives exactly the facts that loading the document
/// for the new ruleset would (a document that names a fact the new schema
/// does not declare, or whose value the new schema types otherwise, is read
/// again). Evaluation is the fast path
/// ([`RuleSet::evaluate_into`]) with buffers of its own, which allocates
/// nothing after the first transactions; loading allocates each document's
/// facts, and a changed transaction kept is copied out.
///
/// An `Impact` is an accumulator: make one per thread or chunk, then
/// [`merge`](Self::merge) them; the result is the same as adding every
/// transaction to one.
///
/// Strictness: a transaction is *stricter* when its new disposition comes
/// later in the new ruleset's outcomes than its old disposition does (by
/// name), *looser* when earlier. When its old disposition is not an outcome
/// of the new ruleset (an outcome was removed or renamed) it is
/// *unranked*: neither stricter nor looser, and counted apart so that a gate
/// can refuse it.
///
/// ```
/// use dd_rules::RuleSet;
///
/// let old = RuleSet::bundled()?;
/// let new = RuleSet::compile(
///     &dd_rules::BUNDLED_SOURCE.replace("when: end_user.sanctioned\n", "when: false\n"),
///     "new.rules",
/// )?;
/// let docs = [
///     r#"{"id": "T-1", "end_user": {"sanctioned": true}}"#,
///     r#"{"id": "T-2", "end_user": {"sanctioned": false}}"#,
/// ];
/// let impact = old.impact(&new, docs);
/// assert_eq!(impact.transactions(), 2);
/// assert_eq!(impact.changed(), 1);
/// let t = &impact.changed_transactions()[0];
/// assert_eq!(t.id.as_deref(), Some("T-1"));
/// assert_eq!(t.old.disposition(), Some("do_not_proceed"));
/// assert_eq!(impact.looser(), 1);
/// assert_eq!(impact.flags()[0].id, "S2.sanctioned");
/// # Ok::<(), dd_rules::RulesError>(())
/// ```
#[derive(Clone, Debug)]
pub struct Impact<'r> {
    old: &'r RuleSet,
    new: &'r RuleSet,
    /// How facts loaded for the old ruleset become the new one's when
    /// their schemas differ; `None` when they are the same, and one load
    /// serves both.
    carrier: Option<Arc<Carrier>>,
    scratch_old: Scratch,
    scratch_new: Scratch,
    shape: Shape,
    counts: Counts,
    kept: Vec<ChangedTransaction>,
    limit: usize,
}

/// What both rulesets declare, laid out for counting.
#[derive(Clone, Debug)]
struct Shape {
    old_outcomes: Vec<String>,
    new_outcomes: Vec<String>,
    /// For each old outcome, its rank among the new ruleset's outcomes.
    rank_in_new: Vec<Option<usize>>,
    /// Every flag id, the old ruleset's first, then those only the new one
    /// declares; with its index in each ruleset.
    flags: Vec<(String, Option<usize>, Option<usize>)>,
}

/// The counters; merged by adding.
#[derive(Clone, Debug, Default)]
struct Counts {
    transactions: u64,
    changed: u64,
    disposition_changed: u64,
    stricter: u64,
    looser: u64,
    unranked: u64,
    rejected_old: u64,
    rejected_new: u64,
    rejected_both: u64,
    /// (old outcomes + 1) × (new outcomes + 1), row-major; the last row and
    /// column are "rejected".
    matrix: Vec<u64>,
    /// Per flag (in `Shape::flags` order): transactions changed, then a
    /// 5 × 5 table of (old state, new state).
    flag_changed: Vec<u64>,
    flag_transitions: Vec<[[u64; 5]; 5]>,
}

impl Counts {
    fn add(&mut self, other: &Counts) {
        let pairs = [
            (&mut self.transactions, other.transactions),
            (&mut self.changed, other.changed),
            (&mut self.disposition_changed, other.disposition_changed),
            (&mut self.stricter, other.stricter),
            (&mut self.looser, other.looser),
            (&mut self.unranked, other.unranked),
            (&mut self.rejected_old, other.rejected_old),
            (&mut self.rejected_new, other.rejected_new),
            (&mut self.rejected_both, other.rejected_both),
        ];
        for (a, b) in pairs {
            *a += b;
        }
        for (a, b) in self.matrix.iter_mut().zip(&other.matrix) {
            *a += b;
        }
        for (a, b) in self.flag_changed.iter_mut().zip(&other.flag_changed) {
            *a += b;
        }
        for (a, b) in self
            .flag_transitions
            .iter_mut()
            .zip(&other.flag_transitions)
        {
            for (ra, rb) in a.iter_mut().zip(b) {
                for (x, y) in ra.iter_mut().zip(rb) {
                    *x += y;
                }
            }
        }
    }
}

impl<'r> Impact<'r> {
    /// An empty accumulator for the change from `old` to `new`.
    pub fn new(old: &'r RuleSet, new: &'r RuleSet) -> Impact<'r> {
        let old_outcomes: Vec<String> = old.outcomes().map(str::to_string).collect();
        let new_outcomes: Vec<String> = new.outcomes().map(str::to_string).collect();
        let rank_in_new = old_outcomes
            .iter()
            .map(|o| new_outcomes.iter().position(|n| n == o))
            .collect();
        let new_ids: Vec<&str> = new.flags().map(|f| f.id).collect();
        let old_ids: Vec<&str> = old.flags().map(|f| f.id).collect();
        let mut flags: Vec<(String, Option<usize>, Option<usize>)> = old_ids
            .iter()
            .enumerate()
            .map(|(i, id)| {
                (
                    (*id).to_string(),
                    Some(i),
                    new_ids.iter().position(|n| n == id),
                )
            })
            .collect();
        for (j, id) in new_ids.iter().enumerate() {
            if !old_ids.contains(id) {
                flags.push(((*id).to_string(), None, Some(j)));
            }
        }
        let counts = Counts {
            matrix: vec![0; (old_outcomes.len() + 1) * (new_outcomes.len() + 1)],
            flag_changed: vec![0; flags.len()],
            flag_transitions: vec![[[0; 5]; 5]; flags.len()],
            ..Counts::default()
        };
        Impact {
            old,
            new,
            carrier: carrier(old, new),
            scratch_old: old.new_scratch(),
            scratch_new: new.new_scratch(),
            shape: Shape {
                old_outcomes,
                new_outcomes,
                rank_in_new,
                flags,
            },
            counts,
            kept: Vec::new(),
            limit: IMPACT_KEPT,
        }
    }

    /// Keeps at most `limit` changed transactions, the first by line
    /// (all are counted).
    pub fn with_limit(mut self, limit: usize) -> Impact<'r> {
        self.limit = limit;
        self.kept.truncate(limit);
        self
    }

    /// Loads a facts document with each ruleset, evaluates it with both and
    /// counts what changed; `line` is the caller's number for it, kept with
    /// a changed transaction. Returns whether it changed.
    ///
    /// The document is read once when the two fact schemas are the same.
    /// When they differ it is read for the old ruleset, and its facts, once
    /// evaluated, are carried into the new schema's layout (their values
    /// moved, not copied) when that gives what loading the document for
    /// the new ruleset would (see `facts::Carrier`); otherwise it is read
    /// again for the new ruleset.
    pub fn add_json(&mut self, line: u64, json: &str) -> bool {
        let (loaded_old, watched) = match &self.carrier {
            Some(carrier) => {
                let old = &self.old.engine.inner;
                load_json_watching(&old.schema, old.fingerprint, json, carrier.watch())
            }
            None => (self.old.facts_from_json(json), false),
        };
        let out_old = evaluate(self.old, &loaded_old, &mut self.scratch_old);
        let mut id = loaded_old.as_ref().ok().and_then(|f| f.id.clone());
        let out_new = match &self.carrier {
            None => evaluate(self.new, &loaded_old, &mut self.scratch_new),
            Some(carrier) => {
                let carried = match loaded_old {
                    Ok(facts) if !watched => carrier.carry(facts),
                    _ => None,
                };
                let loaded_new = carried.map_or_else(|| self.new.facts_from_json(json), Ok);
                if id.is_none() {
                    id = loaded_new.as_ref().ok().and_then(|f| f.id.clone());
                }
                evaluate(self.new, &loaded_new, &mut self.scratch_new)
            }
        };
        let keep = self.kept.len() < self.limit;
        let changed = record(
            &self.shape,
            &mut self.counts,
            &out_old,
            &out_new,
            keep.then_some(line),
            &mut self.kept,
        );
        if changed
            && keep
            && let Some(last) = self.kept.last_mut()
            && last.line == line
        {
            last.id = id.map(|id| id.to_string());
        }
        changed
    }

    /// Counts a transaction that neither ruleset can read (its text is not
    /// UTF-8, say): rejected by both, which is no change.
    pub fn add_rejected(&mut self) {
        let message = Err(String::new());
        record(
            &self.shape,
            &mut self.counts,
            &message,
            &message,
            None,
            &mut self.kept,
        );
    }

    /// Adds what another accumulator for the same two rulesets counted; an
    /// accumulator for other rulesets adds nothing. The changed
    /// transactions kept are the first by line of both.
    pub fn merge(&mut self, other: Impact<'r>) {
        if !std::ptr::eq(self.old, other.old) || !std::ptr::eq(self.new, other.new) {
            return;
        }
        self.counts.add(&other.counts);
        self.kept.extend(other.kept);
        self.kept.sort_by_key(|t| t.line);
        self.kept.truncate(self.limit);
    }
}

/// What one ruleset made of loaded facts: its outcome, or why not.
fn evaluate<'s>(
    rules: &RuleSet,
    loaded: &Result<Facts, FactsError>,
    scratch: &'s mut Scratch,
) -> Result<&'s Outcome, String> {
    match loaded {
        Ok(facts) => rules
            .evaluate_into(facts, scratch)
            .map_err(|e| e.to_string()),
        Err(e) => Err(e.to_string()),
    }
}

/// The carrier of facts from the old ruleset's schema to the new one's,
/// when they differ.
fn carrier(old: &RuleSet, new: &RuleSet) -> Option<Arc<Carrier>> {
    let (old, new) = (&old.engine.inner, &new.engine.inner);
    (old.fingerprint != new.fingerprint).then(|| {
        Arc::new(Carrier::new(
            &old.schema,
            old.fingerprint,
            &new.schema,
            new.fingerprint,
        ))
    })
}

/// Counts one transaction; keeps it (with the given line) in `kept` when it
/// changed and `keep` is given. Returns whether it changed.
fn record(
    shape: &Shape,
    counts: &mut Counts,
    old: &Result<&Outcome, String>,
    new: &Result<&Outcome, String>,
    keep: Option<u64>,
    kept: &mut Vec<ChangedTransaction>,
) -> bool {
    counts.transactions += 1;
    let width = shape.new_outcomes.len() + 1;
    let row = old
        .as_ref()
        .map_or(shape.old_outcomes.len(), |o| o.disposition_index());
    let col = new
        .as_ref()
        .map_or(shape.new_outcomes.len(), |o| o.disposition_index());
    if let Some(cell) = counts.matrix.get_mut(row * width + col) {
        *cell += 1;
    }
    let verdict = |side: &Result<&Outcome, String>| match side {
        Ok(o) => Verdict::Disposition(o.disposition().to_string()),
        Err(e) => Verdict::Rejected(e.clone()),
    };
    let (o, n) = match (old, new) {
        (Ok(o), Ok(n)) => (o, n),
        (Err(_), Err(_)) => {
            counts.rejected_both += 1;
            return false;
        }
        _ => {
            if old.is_err() {
                counts.rejected_old += 1;
            } else {
                counts.rejected_new += 1;
            }
            counts.changed += 1;
            counts.disposition_changed += 1;
            if let Some(line) = keep {
                kept.push(ChangedTransaction {
                    line,
                    id: None,
                    old: verdict(old),
                    new: verdict(new),
                    flags: Vec::new(),
                });
            }
            return true;
        }
    };
    let mut flags_changed = false;
    let mut transitions = Vec::new();
    for (f, (id, i_old, i_new)) in shape.flags.iter().enumerate() {
        let s_old = FlagState::of(o, *i_old);
        let s_new = FlagState::of(n, *i_new);
        if s_old == s_new {
            continue;
        }
        flags_changed = true;
        if let Some(c) = counts.flag_changed.get_mut(f) {
            *c += 1;
        }
        if let Some(cell) = counts
            .flag_transitions
            .get_mut(f)
            .and_then(|t| t.get_mut(s_old.index()))
            .and_then(|r| r.get_mut(s_new.index()))
        {
            *cell += 1;
        }
        if keep.is_some() {
            transitions.push(FlagTransition {
                id: id.clone(),
                old: s_old,
                new: s_new,
            });
        }
    }
    let direction = match shape.rank_in_new.get(o.disposition_index()).copied() {
        Some(Some(r)) if r == n.disposition_index() => Direction::Same,
        Some(Some(r)) if r < n.disposition_index() => Direction::Stricter,
        Some(Some(_)) => Direction::Looser,
        _ => Direction::Unranked,
    };
    match direction {
        Direction::Same => {}
        Direction::Stricter => counts.stricter += 1,
        Direction::Looser => counts.looser += 1,
        Direction::Unranked => counts.unranked += 1,
    }
    let disposition_changed = direction != Direction::Same;
    counts.disposition_changed += u64::from(disposition_changed);
    let changed = disposition_changed || flags_changed;
    counts.changed += u64::from(changed);
    if changed && let Some(line) = keep {
        kept.push(ChangedTransaction {
            line,
            id: None,
            old: verdict(old),
            new: verdict(new),
            flags: transitions,
        });
    }
    changed
}
