//! The order of the predicates: each after those it uses (Kahn's algorithm),
//! and every cycle reported once.

use super::super::ir::PredId;
use super::super::*;

/// Sorts predicates so that each comes after those it uses, reporting every cycle.
pub(super) fn order_predicates(
    predicates: &[Predicate],
    deps: &[Vec<PredId>],
    diags: &mut Vec<Diagnostic>,
) -> Vec<PredId> {
    let n = predicates.len();
    let mut users: Vec<Vec<PredId>> = vec![Vec::new(); n];
    let mut pending: Vec<usize> = vec![0; n];
    for (p, ds) in deps.iter().enumerate() {
        let mut ds = ds.clone();
        ds.sort_unstable();
        ds.dedup();
        if let Some(c) = pending.get_mut(p) {
            *c = ds.len();
        }
        for d in ds {
            if let Some(u) = users.get_mut(d) {
                u.push(p);
            }
        }
    }
    let mut order: Vec<PredId> = (0..n).filter(|&p| pending.get(p) == Some(&0)).collect();
    let mut i = 0;
    while let Some(&p) = order.get(i) {
        i += 1;
        for &u in users.get(p).map(Vec::as_slice).unwrap_or(&[]) {
            if let Some(c) = pending.get_mut(u) {
                *c -= 1;
                if *c == 0 {
                    order.push(u);
                }
            }
        }
    }
    // What is left lies on or behind a cycle: every such predicate uses one
    // that is left too. Walk from each, following such uses, until the walk
    // meets a predicate it has seen: on this walk, that closes a new cycle to
    // report; on an earlier walk, a cycle already reported. Each predicate
    // is walked once, so this is linear in the size of the graph.
    #[derive(Clone, Copy, PartialEq)]
    enum Walk {
        Unseen,
        /// On the current walk, at this position of `path`.
        OnPath(usize),
        Done,
    }
    let mut walk = vec![Walk::Unseen; n];
    for start in 0..n {
        if pending.get(start) == Some(&0) || walk.get(start) != Some(&Walk::Unseen) {
            continue;
        }
        let mut path: Vec<PredId> = Vec::new();
        let mut at = start;
        let cycle_from = loop {
            match walk.get(at).copied() {
                Some(Walk::Unseen) => {}
                Some(Walk::OnPath(pos)) => break Some(pos),
                Some(Walk::Done) | None => break None,
            }
            if let Some(w) = walk.get_mut(at) {
                *w = Walk::OnPath(path.len());
            }
            path.push(at);
            let Some(next) = deps
                .get(at)
                .and_then(|ds| ds.iter().copied().find(|d| pending.get(*d) != Some(&0)))
            else {
                break None;
            };
            at = next;
        };
        for p in &path {
            if let Some(w) = walk.get_mut(*p) {
                *w = Walk::Done;
            }
        }
        let Some(pos) = cycle_from else {
            continue;
        };
        let cycle = path.get(pos..).unwrap_or(&[]);
        let names: Vec<String> = cycle
            .iter()
            .filter_map(|p| predicates.get(*p))
            .map(|p| format!("`{}`", p.name))
            .collect();
        if let Some(first) = cycle.first().and_then(|p| predicates.get(*p)) {
            let mut d = Diagnostic::error("DD027", first.span, format!("the predicate `{}` depends on itself", first.name))
                .help(format!("the cycle is {} → `{}`; a predicate may not use itself, directly or through others", names.join(" → "), first.name));
            for p in cycle.iter().skip(1).filter_map(|p| predicates.get(*p)) {
                d = d.note(p.span, "part of the cycle");
            }
            diags.push(d);
        }
    }
    order
}
