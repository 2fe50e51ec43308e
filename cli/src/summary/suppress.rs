//! Small-group suppression for the public summary.
//!
//! **Primary suppression.** Every count from 1 to `min_group - 1` is
//! suppressed (shown as "fewer than N"). Zero is shown: it says that
//! nothing happened, of no one.
//!
//! **Secondary suppression.** A shown total with exactly one suppressed
//! part would give that part away by subtraction. The figures are grouped
//! into the sums they satisfy: all records as the sum of the dispositions,
//! of the scopes, of the rulesets and of each breakdown's rows; each
//! breakdown row as the sum of its dispositions; each disposition as the sum
//! of its cells down a breakdown; each raised flag as mitigated plus not
//! mitigated. While some group has exactly one unknown (suppressed) member,
//! its total included, the smallest shown non-zero part of that group is
//! suppressed too (a zero only when no other part is left, the total last).
//! Every pass suppresses one more cell, so it ends. A breakdown of a set
//! fact counts a record under each element, so its rows do not sum to the
//! records; it is treated the same way, which only suppresses more.
//! Nothing is rounded: a shown count is exact.

use super::figures::{Cell, Figures};

/// Where a cell is in the figures.
#[derive(Clone, Copy)]
enum At {
    Records,
    Disposition(usize),
    Scope(usize),
    Ruleset(usize),
    Raised(usize),
    Mitigated(usize),
    NotMitigated(usize),
    Unknown(usize),
    Missing(usize),
    Row(usize, usize),
    Cell(usize, usize, usize),
}

fn cell(f: &mut Figures, at: At) -> Option<&mut Cell> {
    match at {
        At::Records => Some(&mut f.records),
        At::Disposition(i) => f.dispositions.get_mut(i).map(|d| &mut d.1),
        At::Scope(i) => f.scopes.get_mut(i).map(|d| &mut d.1),
        At::Ruleset(i) => f.rulesets.get_mut(i).map(|r| &mut r.records),
        At::Raised(i) => f.flags.get_mut(i).map(|r| &mut r.raised),
        At::Mitigated(i) => f.flags.get_mut(i).map(|r| &mut r.mitigated),
        At::NotMitigated(i) => f.flags.get_mut(i).map(|r| &mut r.not_mitigated),
        At::Unknown(i) => f.flags.get_mut(i).map(|r| &mut r.unknown),
        At::Missing(i) => f.missing.get_mut(i).map(|d| &mut d.1),
        At::Row(b, r) => f
            .breakdowns
            .get_mut(b)
            .and_then(|b| b.rows.get_mut(r))
            .map(|r| &mut r.count),
        At::Cell(b, r, d) => f
            .breakdowns
            .get_mut(b)
            .and_then(|b| b.rows.get_mut(r))
            .and_then(|r| r.by_disposition.get_mut(d)),
    }
}

/// Every cell of the figures.
fn cells(f: &Figures) -> Vec<At> {
    let mut all = vec![At::Records];
    all.extend((0..f.dispositions.len()).map(At::Disposition));
    all.extend((0..f.scopes.len()).map(At::Scope));
    all.extend((0..f.rulesets.len()).map(At::Ruleset));
    for i in 0..f.flags.len() {
        all.extend([
            At::Raised(i),
            At::Mitigated(i),
            At::NotMitigated(i),
            At::Unknown(i),
        ]);
    }
    all.extend((0..f.missing.len()).map(At::Missing));
    for (b, breakdown) in f.breakdowns.iter().enumerate() {
        for (r, row) in breakdown.rows.iter().enumerate() {
            all.push(At::Row(b, r));
            all.extend((0..row.by_disposition.len()).map(|d| At::Cell(b, r, d)));
        }
    }
    all
}

/// The sums the figures satisfy: each group is its total, then its parts.
fn groups(f: &Figures) -> Vec<Vec<At>> {
    let mut groups = Vec::new();
    let with_total = |total: At, parts: &mut dyn Iterator<Item = At>| {
        let mut g = vec![total];
        g.extend(parts);
        g
    };
    groups.push(with_total(
        At::Records,
        &mut (0..f.dispositions.len()).map(At::Disposition),
    ));
    groups.push(with_total(
        At::Records,
        &mut (0..f.scopes.len()).map(At::Scope),
    ));
    groups.push(with_total(
        At::Records,
        &mut (0..f.rulesets.len()).map(At::Ruleset),
    ));
    for i in 0..f.flags.len() {
        groups.push(vec![At::Raised(i), At::Mitigated(i), At::NotMitigated(i)]);
    }
    for (b, breakdown) in f.breakdowns.iter().enumerate() {
        let rows = breakdown.rows.len();
        groups.push(with_total(
            At::Records,
            &mut (0..rows).map(|r| At::Row(b, r)),
        ));
        for (r, row) in breakdown.rows.iter().enumerate() {
            groups.push(with_total(
                At::Row(b, r),
                &mut (0..row.by_disposition.len()).map(|d| At::Cell(b, r, d)),
            ));
        }
        for d in 0..f.dispositions.len() {
            groups.push(with_total(
                At::Disposition(d),
                &mut (0..rows).map(|r| At::Cell(b, r, d)),
            ));
        }
    }
    groups
}

/// Suppresses the counts below `min_group`, and what would give them away.
pub fn suppress(f: &mut Figures, min_group: u64) {
    for at in cells(f) {
        if let Some(c) = cell(f, at) {
            c.hidden = c.value > 0 && c.value < min_group;
        }
    }
    let groups = groups(f);
    loop {
        let mut changed = false;
        for group in &groups {
            let state: Vec<Cell> = group
                .iter()
                .map(|&at| {
                    cell(f, at).map_or(
                        Cell {
                            value: 0,
                            hidden: true,
                        },
                        |c| *c,
                    )
                })
                .collect();
            if state.iter().filter(|c| c.hidden).count() != 1 {
                continue;
            }
            // The smallest shown non-zero part, else any shown part, else
            // the total.
            let parts = || state.iter().enumerate().skip(1).filter(|(_, c)| !c.hidden);
            let pick = parts()
                .filter(|(_, c)| c.value > 0)
                .min_by_key(|(_, c)| c.value)
                .or_else(|| parts().next())
                .map(|(i, _)| i)
                .or_else(|| state.first().filter(|c| !c.hidden).map(|_| 0));
            if let Some(c) = pick.and_then(|i| group.get(i)).and_then(|&at| cell(f, at)) {
                c.hidden = true;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
}
