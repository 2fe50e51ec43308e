//! The fast path: the status of every flag and safeguard and the disposition,
//! computed into buffers the caller owns, with no heap allocation once the
//! buffers have grown to the ruleset's size.
//!
//! The full [`Report`](crate::Report) is built on demand from an [`Outcome`]
//! (see `report/build.rs`): the statuses are not computed twice.

use std::cell::Cell;

use super::machine::{self, FlagBits, Machine};
use crate::budget::{ConditionKind, Steps};
use crate::compile::Program;
use crate::compile::flat::{EXIT_TRUE, exit_value};
use crate::engine::Engine;
use crate::facts::Facts;
use crate::model::{SafeguardStatus, ScopeStatus, Status};
use crate::tri::Tri;

/// Reusable buffers for [`RuleSet::evaluate_into`](crate::RuleSet::evaluate_into): make one per thread with
/// [`RuleSet::new_scratch`](crate::RuleSet::new_scratch) and evaluate any number of transactions with it.
/// After the first evaluation, evaluating allocates nothing.
///
/// ```
/// use dd_rules::{RuleSet, Status};
///
/// let rules = RuleSet::bundled()?;
/// let mut scratch = rules.new_scratch();
/// for doc in [r#"{"end_user": {"sanctioned": true}}"#, r#"{}"#] {
///     let facts = rules.facts_from_json(doc)?;
///     let outcome = rules.evaluate_into(&facts, &mut scratch)?;
///     println!("{}: {}", outcome.disposition(), outcome.count(Status::Raised));
/// }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct Scratch {
    outcome: Outcome,
}

impl Scratch {
    /// Empty buffers for `rules`, sized for it.
    pub(crate) fn new(rules: &Engine) -> Scratch {
        let mut outcome = Outcome {
            rules: rules.clone(),
            flags: Vec::new(),
            safeguards: Vec::new(),
            mitigated: Vec::new(),
            scope: None,
            case: 0,
            outcome: 0,
            cache: Vec::new(),
            bits: Vec::new(),
            facts: 0,
        };
        outcome.reserve(rules.program());
        Scratch { outcome }
    }

    /// The outcome of the last evaluation.
    pub fn outcome(&self) -> &Outcome {
        &self.outcome
    }

    /// Evaluates `facts` by `rules` into these buffers. The caller has checked
    /// that the facts were loaded for the ruleset's schema. On failure, the
    /// condition that went over the budget.
    pub(crate) fn run(
        &mut self,
        rules: &Engine,
        facts: &Facts,
    ) -> Result<&Outcome, (ConditionKind, usize)> {
        let out = &mut self.outcome;
        if !out.rules.same(rules) {
            // Buffers made for another ruleset: grow them once for this one.
            out.rules = rules.clone();
            out.reserve(rules.program());
        }
        out.compute(rules.program(), facts, Steps::new(rules.budget()))?;
        Ok(&self.outcome)
    }
}

/// The result of the fast path: the status of every flag and safeguard, in
/// declaration order, whether each flag is mitigated, and the disposition.
/// No evidence and no missing facts; [`RuleSet::report`](crate::RuleSet::report) builds the full
/// report from it when needed.
///
/// ```
/// use dd_rules::{RuleSet, Status};
///
/// let rules = RuleSet::bundled()?;
/// let mut scratch = rules.new_scratch();
/// let facts = rules.facts_from_json(r#"{"end_user": {"sanctioned": true}}"#)?;
/// let outcome = rules.evaluate_into(&facts, &mut scratch)?;
/// assert_eq!(outcome.flag("S2.sanctioned"), Some(Status::Raised));
/// assert!(outcome.count(Status::Unknown) > 0);
/// let report = rules.report(&facts, outcome)?;
/// assert_eq!(report.disposition(), outcome.disposition());
/// # Ok::<(), dd_rules::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct Outcome {
    /// The ruleset that computed it, for names.
    rules: Engine,
    pub(crate) flags: Vec<Status>,
    pub(crate) safeguards: Vec<SafeguardStatus>,
    pub(crate) mitigated: Vec<bool>,
    /// Whether the transaction is in the ruleset's scope; `None` when the
    /// ruleset declares none.
    pub(crate) scope: Option<ScopeStatus>,
    /// The index of the disposition case that decided; meaningless out of
    /// scope, where no case decides.
    pub(crate) case: usize,
    /// The index of the outcome that case yields.
    pub(crate) outcome: usize,
    /// The result of each predicate, by predicate id.
    pub(crate) cache: Vec<Tri>,
    /// Bit sets over the flags (raised, clear, unknown, mitigated) then over
    /// the safeguards (in place), one after the other.
    bits: Vec<u64>,
    /// The serial number of the facts evaluated, so that a report is only
    /// built from the outcome of the same facts.
    pub(crate) facts: u64,
}

impl Outcome {
    /// Grows every buffer to the program's size, so that evaluating allocates nothing.
    fn reserve(&mut self, program: &Program) {
        let grow = |len: usize, n: usize| n.saturating_sub(len);
        self.flags
            .reserve(grow(self.flags.len(), program.flags.len()));
        self.safeguards
            .reserve(grow(self.safeguards.len(), program.safeguards.len()));
        self.mitigated
            .reserve(grow(self.mitigated.len(), program.flags.len()));
        self.cache.clear();
        self.cache
            .resize(program.predicate_nodes.len(), Tri::Unknown);
        self.bits.clear();
        self.bits
            .resize(4 * program.flag_words + program.safeguard_words, 0);
    }

    /// Evaluates `facts` into this outcome's buffers, with `steps` of budget.
    /// Over budget, the outcome is marked as of no facts (so that no report
    /// is ever built from it) and the condition that went over is returned.
    pub(crate) fn compute(
        &mut self,
        program: &Program,
        facts: &Facts,
        steps: Steps,
    ) -> Result<(), (ConditionKind, usize)> {
        self.facts = 0;
        self.compute_statuses(program, facts, steps)?;
        self.facts = facts.serial;
        Ok(())
    }

    fn compute_statuses(
        &mut self,
        program: &Program,
        facts: &Facts,
        steps: Steps,
    ) -> Result<(), (ConditionKind, usize)> {
        let Outcome {
            flags,
            safeguards,
            mitigated,
            scope,
            case,
            outcome,
            cache,
            bits,
            ..
        } = self;
        // Every buffer is sized once (`reserve`) and each of its slots is
        // written below before it is read: no clearing, no refilling.
        // Every predicate is in the order that `predicates` runs.
        fit(cache, program.predicate_nodes.len(), Tri::Unknown);
        let cache = Cell::from_mut(&mut cache[..]).as_slice_of_cells();
        let mut m = Machine::new(program, &facts.root, cache, steps);
        if let Some(p) = m.predicates() {
            return Err((ConditionKind::Predicate, p as usize));
        }

        let fw = program.flag_words;
        fit(bits, 4 * fw + program.safeguard_words, 0);
        let (raised, rest) = bits.split_at_mut(fw);
        let (clear, rest) = rest.split_at_mut(fw);
        let (unknown, rest) = rest.split_at_mut(fw);
        let (mitigated_bits, in_place) = rest.split_at_mut(fw);

        // The statuses are written into slots, not pushed, and each bit set
        // is built a word at a time in a register: per flag, the
        // bookkeeping costs a few instructions beside the condition.
        let n = program.flat.safeguards.len();
        fit(safeguards, n, SafeguardStatus::Unknown);
        // The budget is checked once after each loop, not per condition; on
        // the rare evaluation that went over, `over_in` finds which one.
        let start = m.steps;
        // The scope first: what it decides, the disposition follows.
        *scope = program
            .flat
            .scope
            .map(|entry| scope_status(exit_value(m.run_to_exit(entry))));
        let mut word = 0u64;
        for (i, (&entry, slot)) in program
            .flat
            .safeguards
            .iter()
            .zip(safeguards.iter_mut())
            .enumerate()
        {
            let exit = m.run_to_exit(entry);
            word |= u64::from(exit == EXIT_TRUE) << (i % 64);
            *slot = safeguard_status(exit_value(exit));
            if i % 64 == 63 || i + 1 == n {
                store(in_place, i / 64, word);
                word = 0;
            }
        }
        // First the conditions alone, in a loop that keeps little alive
        // beside the machine; then the bit sets and mitigations, a word of
        // flags at a time.
        let n = program.flat.flags.len();
        fit(flags, n, Status::Unknown);
        for (&entry, slot) in program.flat.flags.iter().zip(flags.iter_mut()) {
            *slot = status(exit_value(m.run_to_exit(entry)));
        }
        if m.steps.over() {
            m.steps = start;
            return Err(over_budget_in(m));
        }
        // Each status as two bits (raised 00, clear 01, unknown 10), the
        // low and high bits gathered into a word each: two shifts per flag
        // instead of three comparisons, then the three sets from the pair.
        for (w, chunk) in flags.chunks(64).enumerate() {
            let (mut low, mut high) = (0u64, 0u64);
            for (j, s) in chunk.iter().enumerate() {
                let code: u64 = match s {
                    Status::Raised => 0,
                    Status::Clear => 1,
                    Status::Unknown => 2,
                };
                low |= (code & 1) << j;
                high |= (code >> 1) << j;
            }
            let present = u64::MAX >> (64 - chunk.len().clamp(1, 64));
            store(raised, w, present & !low & !high);
            store(clear, w, low);
            store(unknown, w, high);
        }
        mitigated_words(program, in_place, mitigated_bits);
        fit(mitigated, n, false);
        for (i, slot) in mitigated.iter_mut().enumerate() {
            *slot = mitigated_bits
                .get(i / 64)
                .is_some_and(|w| w & (1u64 << (i % 64)) != 0);
        }
        // Out of scope, the scope's outcome; the policy is not consulted.
        if let (Some(ScopeStatus::Out), Some(code)) = (*scope, &program.scope) {
            *case = program.cases.len();
            *outcome = code.otherwise as usize;
            return Ok(());
        }
        (*case, *outcome) = dispose(
            program,
            &FlagBits {
                raised,
                clear,
                unknown,
                mitigated: mitigated_bits,
            },
        );
        Ok(())
    }

    /// The bit sets of the last evaluation: raised, clear, unknown and
    /// mitigated flags, [`Program::flag_words`] words each, then the
    /// safeguards in place.
    pub(crate) fn bits(&self) -> &[u64] {
        &self.bits
    }

    /// The ruleset that computed it.
    pub(crate) fn rules(&self) -> &Engine {
        &self.rules
    }

    /// The status of every flag, in declaration order (the order of
    /// [`RuleSet::flags`](crate::RuleSet::flags)).
    pub fn flags(&self) -> &[Status] {
        &self.flags
    }

    /// Whether each flag is mitigated: every safeguard in its `mitigated_by`
    /// is in place. In declaration order; false for a flag without safeguards.
    pub fn mitigated(&self) -> &[bool] {
        &self.mitigated
    }

    /// The status of every safeguard, in declaration order (the order of
    /// [`RuleSet::safeguards`](crate::RuleSet::safeguards)).
    pub fn safeguards(&self) -> &[SafeguardStatus] {
        &self.safeguards
    }

    /// The status of the flag with an id.
    pub fn flag(&self, id: &str) -> Option<Status> {
        let i = self.rules.flag_index(id)?;
        self.flags.get(i).copied()
    }

    /// The status of the safeguard with an id.
    pub fn safeguard(&self, id: &str) -> Option<SafeguardStatus> {
        let i = self.rules.safeguard_index(id)?;
        self.safeguards.get(i).copied()
    }

    /// Whether the transaction is in the ruleset's scope: `None` when the
    /// ruleset declares no scope. Out of scope, the
    /// [`disposition`](Self::disposition) is the scope's `otherwise` outcome.
    ///
    /// ```
    /// use dd_rules::{RuleSet, ScopeStatus};
    ///
    /// let rules = RuleSet::bundled()?;
    /// let mut scratch = rules.new_scratch();
    /// let facts = rules.facts_from_json(r#"{"end_user": {"kind": "national_police"}}"#)?;
    /// let outcome = rules.evaluate_into(&facts, &mut scratch)?;
    /// assert_eq!(outcome.scope(), Some(ScopeStatus::Unknown));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn scope(&self) -> Option<ScopeStatus> {
        self.scope
    }

    /// How many flags have a status.
    pub fn count(&self, status: Status) -> usize {
        self.flags.iter().filter(|&&s| s == status).count()
    }

    /// The recommended disposition: an outcome the ruleset declares.
    pub fn disposition(&self) -> &str {
        self.rules.outcome_name(self.outcome).unwrap_or_default()
    }

    /// The index of the disposition in [`RuleSet::outcomes`](crate::RuleSet::outcomes), least strict
    /// first, so that dispositions can be compared by strictness.
    pub fn disposition_index(&self) -> usize {
        self.outcome
    }
}

/// The mitigated flags, a word at a time, from the safeguards `in_place`:
/// a flag is mitigated when it has safeguards and none of them is missing,
/// that is, the flags with safeguards that no safeguard out of place
/// mitigates. The fast path and the remediation plan's "what if these were
/// in place" both use it.
#[inline]
pub(crate) fn mitigated_words(program: &Program, in_place: &[u64], out: &mut [u64]) {
    for (w, out) in out.iter_mut().enumerate() {
        let word = |set: &[u64]| set.get(w).copied().unwrap_or(0);
        let mut spoiled = 0u64;
        for (s, mitigates) in program.mitigates.iter().enumerate() {
            if in_place
                .get(s / 64)
                .is_none_or(|have| have & (1u64 << (s % 64)) == 0)
            {
                spoiled |= word(mitigates);
            }
        }
        *out = word(&program.mitigable) & !spoiled;
    }
}

/// The disposition policy's case that decides, and its outcome, for flags
/// with these statuses and mitigations.
#[inline]
pub(crate) fn dispose(program: &Program, bits: &FlagBits<'_>) -> (usize, usize) {
    let case = machine::disposition(program, bits);
    let outcome = program.cases.get(case).map_or(0, |(_, o)| *o as usize);
    (case, outcome)
}

/// Gives `buf` length `n`, refilling it with `fill` only when its length
/// changes; the caller then writes every slot.
fn fit<T: Copy>(buf: &mut Vec<T>, n: usize, fill: T) {
    if buf.len() != n {
        buf.clear();
        buf.resize(n, fill);
    }
}

/// Stores word `w` of a bit set.
fn store(bits: &mut [u64], w: usize, word: u64) {
    if let Some(w) = bits.get_mut(w) {
        *w = word;
    }
}

/// A flag's status from its condition.
pub(crate) fn status(t: Tri) -> Status {
    match t {
        Tri::True => Status::Raised,
        Tri::False => Status::Clear,
        Tri::Unknown => Status::Unknown,
    }
}

/// The scope's status from its condition.
pub(crate) fn scope_status(t: Tri) -> ScopeStatus {
    match t {
        Tri::True => ScopeStatus::In,
        Tri::False => ScopeStatus::Out,
        Tri::Unknown => ScopeStatus::Unknown,
    }
}

/// A safeguard's status from its condition.
pub(crate) fn safeguard_status(t: Tri) -> SafeguardStatus {
    match t {
        Tri::True => SafeguardStatus::InPlace,
        Tri::False => SafeguardStatus::Missing,
        Tri::Unknown => SafeguardStatus::Unknown,
    }
}

/// The scope, safeguard or flag an evaluation that went over its budget was in:
/// runs them again in order from the budget the first of them started
/// with, and gives the first after which it is spent. Evaluation is
/// deterministic, so this run spends the same steps. Out of line and cold:
/// the fast path only checks the budget once, after its loops.
#[cold]
#[inline(never)]
fn over_budget_in(mut m: Machine<'_, '_>) -> (ConditionKind, usize) {
    let program = m.prog;
    let mut first_over = |entries: &[crate::compile::flat::Target]| {
        entries.iter().position(|&entry| {
            m.run_to_exit(entry);
            m.steps.over()
        })
    };
    if first_over(program.flat.scope.as_slice()).is_some() {
        return (ConditionKind::Scope, 0);
    }
    match first_over(&program.flat.safeguards) {
        Some(i) => (ConditionKind::Safeguard, i),
        None => (
            ConditionKind::Flag,
            first_over(&program.flat.flags).unwrap_or(0),
        ),
    }
}
