//! The remediation plan: the smallest sets of safeguards that, put in
//! place, would lower a transaction's disposition.
//!
//! A flag is mitigated when every safeguard of its `mitigated_by` is in
//! place, so putting safeguards in place changes the disposition only
//! through the flags it completes. The unit of a plan is therefore a flag's
//! set of safeguards not yet in place (a *unit*): any safeguard set that
//! lowers the disposition contains the union of the units it completes,
//! which gives the same mitigations and so the same disposition. Every
//! minimal plan is a union of units, and the search enumerates unions of
//! units, fewest units first, each checked by computing the mitigations and
//! running the disposition policy again (the flags' statuses do not depend
//! on the safeguards). A union is a plan when it lowers the disposition and
//! no other union inside it reaches the same outcome or a lower one.
//!
//! Bounded: at most [`MAX_ADVICE_EVALUATIONS`] combinations of units are
//! tried (each a union, and an evaluation of the mitigations and the policy
//! when the union is new), and at most
//! [`MAX_REMEDY_PLANS`] plans are listed; past either, `truncated`.

use std::borrow::Cow;
use std::collections::BTreeSet;

use super::{Remediation, RemedyPlan};
use crate::check::{Checked, DispCond};
use crate::engine::Engine;
use crate::eval::machine::FlagBits;
use crate::eval::outcome::{Outcome, dispose, mitigated_words};
use crate::limits::{MAX_ADVICE_EVALUATIONS, MAX_REMEDY_PLANS};
use crate::model::{SafeguardStatus, ScopeStatus, Status};

/// The remediation plan for an outcome, or `None` when there is nothing to
/// lower: out of scope, or at the lowest outcome the policy can give.
pub(super) fn remedy(rules: &Engine, outcome: &Outcome) -> Option<Remediation> {
    let program = rules.program();
    if outcome.scope == Some(ScopeStatus::Out) {
        return None;
    }
    let lowest = program.cases.iter().map(|(_, o)| *o as usize).min()?;
    if outcome.outcome <= lowest {
        return None;
    }
    let fw = program.flag_words;
    let bits = outcome.bits();
    let statuses = Statuses {
        raised: Cow::Borrowed(bits.get(..fw)?),
        clear: Cow::Borrowed(bits.get(fw..2 * fw)?),
        unknown: bits.get(2 * fw..3 * fw)?,
        in_place: bits.get(4 * fw..)?,
    };
    let checked = rules.checked();
    let matters = mitigation_matters(checked);
    // The units: for each flag not mitigated that has safeguards, and
    // whose mitigation the policy can see (a selector of its status that
    // asks for `mitigated` or `unmitigated`), those of its safeguards not in
    // place; each distinct set once.
    let mut units: Vec<Vec<usize>> = Vec::new();
    for (i, flag) in checked.flags.iter().enumerate() {
        let status = outcome.flags.get(i).copied().unwrap_or(Status::Unknown);
        let mitigated = outcome.mitigated.get(i).copied().unwrap_or(false);
        let seen = matters.get(status_index(status)).copied().unwrap_or(true);
        if !seen || mitigated || flag.mitigated_by.is_empty() {
            continue;
        }
        let mut need: Vec<usize> = flag
            .mitigated_by
            .iter()
            .copied()
            .filter(|&s| outcome.safeguards.get(s) != Some(&SafeguardStatus::InPlace))
            .collect();
        need.sort_unstable();
        need.dedup();
        if !units.contains(&need) {
            units.push(need);
        }
    }
    let name = |o: usize| rules.outcome_name(o).unwrap_or_default().to_string();
    let everything: Vec<usize> = union(units.iter());
    let best = statuses.outcome_with(program, &everything);
    // The raised flags no safeguard mitigates that keep the best above the
    // lowest outcome: each one whose clearing alone would lower the best;
    // failing any, all of them when clearing them together would.
    let blocked_by = if best > lowest {
        let unmitigable: Vec<usize> = checked
            .flags
            .iter()
            .zip(&outcome.flags)
            .enumerate()
            .filter(|(_, (f, s))| **s == Status::Raised && f.mitigated_by.is_empty())
            .map(|(i, _)| i)
            .collect();
        let lowers =
            |cleared: &[usize]| statuses.cleared(cleared).outcome_with(program, &everything) < best;
        let alone: Vec<usize> = unmitigable
            .iter()
            .copied()
            .filter(|&f| lowers(&[f]))
            .collect();
        let blocking = if alone.is_empty() && lowers(&unmitigable) {
            unmitigable
        } else {
            alone
        };
        blocking
            .iter()
            .filter_map(|&f| checked.flags.get(f).map(|f| f.id.clone()))
            .collect()
    } else {
        Vec::new()
    };
    let mut found: Vec<(usize, Vec<usize>)> = Vec::new();
    let mut truncated = false;
    if best < outcome.outcome {
        let mut seen: BTreeSet<Vec<usize>> = BTreeSet::new();
        let mut evaluations = 0usize;
        'search: for k in 1..=units.len() {
            let mut pick: Vec<usize> = (0..k).collect();
            loop {
                // Every combination counts, evaluated or not (most unions
                // repeat one already seen once units overlap).
                if evaluations == MAX_ADVICE_EVALUATIONS {
                    truncated = true;
                    break 'search;
                }
                evaluations += 1;
                let set = union(pick.iter().filter_map(|&u| units.get(u)));
                if seen.insert(set.clone()) {
                    let reached = statuses.outcome_with(program, &set);
                    if reached < outcome.outcome {
                        found.push((reached, set));
                    }
                }
                if !next_combination(&mut pick, units.len()) {
                    break;
                }
            }
        }
    }
    // Minimal: no other plan inside it reaches as low. Being inside and
    // reaching as low is transitive, so comparing each set (smallest first)
    // with the plans kept so far is enough.
    found.sort_by_key(|(_, set)| set.len());
    let mut plans: Vec<(usize, Vec<usize>)> = Vec::new();
    for (reached, set) in found {
        let dominated = plans
            .iter()
            .any(|(r, s)| *r <= reached && s.len() < set.len() && is_subset(s, &set));
        if !dominated {
            plans.push((reached, set));
        }
    }
    plans.sort_by(|(ra, a), (rb, b)| ra.cmp(rb).then(a.len().cmp(&b.len())).then(a.cmp(b)));
    if plans.len() > MAX_REMEDY_PLANS {
        plans.truncate(MAX_REMEDY_PLANS);
        truncated = true;
    }
    let plans = plans
        .into_iter()
        .map(|(reached, set)| RemedyPlan {
            safeguards: set
                .iter()
                .filter_map(|&s| rules.safeguard_id(s).map(str::to_string))
                .collect(),
            outcome: name(reached),
        })
        .collect();
    Some(Remediation {
        from: name(outcome.outcome),
        best: name(best),
        plans,
        blocked_by,
        truncated,
    })
}

/// The index of a status in [`Selector::statuses`](crate::check::Selector).
fn status_index(status: Status) -> usize {
    match status {
        Status::Raised => 0,
        Status::Clear => 1,
        Status::Unknown => 2,
    }
}

/// For each status (raised, clear, unknown), whether the policy can tell a
/// mitigated flag of that status from an unmitigated one: whether some
/// selector that picks that status filters on mitigation.
fn mitigation_matters(checked: &Checked) -> [bool; 3] {
    let mut matters = [false; 3];
    let mut todo: Vec<&DispCond> = checked
        .cases
        .iter()
        .filter_map(|c| c.cond.as_ref())
        .collect();
    while let Some(d) = todo.pop() {
        match d {
            DispCond::Any(s) | DispCond::No(s) | DispCond::Count(s, _, _) => {
                if s.mitigated.is_some() {
                    for (m, picks) in matters.iter_mut().zip(s.statuses) {
                        *m |= picks;
                    }
                }
            }
            DispCond::Not(inner) => todo.push(inner),
            DispCond::And(items) | DispCond::Or(items) => todo.extend(items.iter()),
        }
    }
    matters
}

/// The flags' statuses and the safeguards in place of an evaluation, as
/// bit sets.
struct Statuses<'o> {
    raised: Cow<'o, [u64]>,
    clear: Cow<'o, [u64]>,
    unknown: &'o [u64],
    in_place: &'o [u64],
}

impl Statuses<'_> {
    /// The same, with the raised flags `flags` clear instead.
    fn cleared(&self, flags: &[usize]) -> Statuses<'_> {
        let mut raised = self.raised.to_vec();
        let mut clear = self.clear.to_vec();
        for &f in flags {
            let bit = 1u64 << (f % 64);
            if let (Some(r), Some(c)) = (raised.get_mut(f / 64), clear.get_mut(f / 64)) {
                *r &= !bit;
                *c |= bit;
            }
        }
        Statuses {
            raised: Cow::Owned(raised),
            clear: Cow::Owned(clear),
            unknown: self.unknown,
            in_place: self.in_place,
        }
    }

    /// The disposition with the safeguards of `more` in place as well.
    fn outcome_with(&self, program: &crate::compile::Program, more: &[usize]) -> usize {
        let mut in_place = self.in_place.to_vec();
        for &s in more {
            if let Some(w) = in_place.get_mut(s / 64) {
                *w |= 1u64 << (s % 64);
            }
        }
        let mut mitigated = vec![0u64; self.raised.len()];
        mitigated_words(program, &in_place, &mut mitigated);
        let (_, outcome) = dispose(
            program,
            &FlagBits {
                raised: &self.raised,
                clear: &self.clear,
                unknown: self.unknown,
                mitigated: &mitigated,
            },
        );
        outcome
    }
}

/// The sorted union of sets of safeguards.
fn union<'a>(sets: impl Iterator<Item = &'a Vec<usize>>) -> Vec<usize> {
    let mut all: Vec<usize> = sets.flatten().copied().collect();
    all.sort_unstable();
    all.dedup();
    all
}

/// Whether sorted `a` is inside sorted `b`.
fn is_subset(a: &[usize], b: &[usize]) -> bool {
    let mut rest = b.iter();
    a.iter().all(|x| rest.any(|y| y == x))
}

/// The next `pick.len()`-combination of `0..n` in lexicographic order;
/// false after the last.
fn next_combination(pick: &mut [usize], n: usize) -> bool {
    let k = pick.len();
    let mut i = k;
    while i > 0 {
        i -= 1;
        let limit = n - k + i;
        match pick.get(i).copied() {
            Some(v) if v < limit => {
                for (j, slot) in pick.iter_mut().enumerate().skip(i) {
                    *slot = v + 1 + (j - i);
                }
                return true;
            }
            _ => {}
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn combinations_come_in_order_and_all_of_them() {
        let mut pick = vec![0, 1];
        let mut all = vec![pick.clone()];
        while next_combination(&mut pick, 4) {
            all.push(pick.clone());
        }
        assert_eq!(
            all,
            [[0, 1], [0, 2], [0, 3], [1, 2], [1, 3], [2, 3]].map(|p| p.to_vec())
        );
        let mut one = vec![0, 1, 2];
        assert!(!next_combination(&mut one, 3));
    }

    #[test]
    fn subsets_of_sorted_sets() {
        assert!(is_subset(&[1, 3], &[0, 1, 2, 3]));
        assert!(!is_subset(&[1, 4], &[0, 1, 2, 3]));
        assert!(is_subset(&[], &[2]));
    }
}
