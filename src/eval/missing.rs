//! The absent facts that keep an unknown result undecided, as printed paths
//! (`parties[2].sanctioned`): what the report lists under `missing` and ranks
//! as `missing_facts`.
//!
//! The walk follows the compiled program like [`Machine::eval`], but goes
//! only into the parts that evaluate to unknown. Three things keep its work
//! and its memory bounded whatever the ruleset and the facts:
//!
//! - **Predicates are walked once per report**, not at every use: each
//!   unknown predicate's paths are found once, in dependency order (an
//!   explicit stack, no recursion from one predicate into the next), and a
//!   condition that uses it copies them. A chain of predicates that use the
//!   one before twice costs linear, not exponential, time, and a chain of
//!   any length costs no stack.
//! - **Each list keeps its [`MAX_MISSING_PER_FLAG`] first paths** in text
//!   order, and says when there were more. The first `k` of a union are
//!   among the first `k` of each part, so keeping only those of each
//!   predicate is exact; the reference interpreter keeps the same ones.
//! - **Every element visited is paid for** from the budget (`budget.rs`),
//!   as evaluation pays for it.

use std::ops::Range;

use super::machine::Machine;
use crate::compile::{At, List, Mask, Node, NodeId, Operand, Program};
use crate::facts::Value;
use crate::limits::MAX_MISSING_PER_FLAG;
use crate::tri::Tri;

/// The printed path of the list element bound at each frame level, and the
/// record it is an instance of. Frame 0 is the root: an empty prefix. (A
/// predicate numbers its quantifier levels from the root too; it is walked
/// before, never during, the walk of a condition that uses it.)
struct Scope {
    levels: Vec<(String, u32)>,
    root: u32,
}

/// Paths being collected: their text, and the range of each in it. The
/// paths of the walk under way are those from `first` on (the report's
/// buffer holds the paths of earlier flags before them).
#[derive(Default)]
pub(crate) struct Paths {
    pub text: String,
    pub spans: Vec<Range<usize>>,
    /// Whether paths of the walk under way were dropped to keep only the
    /// first ones.
    pub cut: bool,
    /// Where the walk under way starts: its first span, and its first byte.
    first: (usize, usize),
}

impl Paths {
    /// Empty, with room for `text` bytes and `spans` paths.
    pub fn with_capacity(text: usize, spans: usize) -> Paths {
        Paths {
            text: String::with_capacity(text),
            spans: Vec::with_capacity(spans),
            ..Paths::default()
        }
    }

    fn push(&mut self, prefix: &str, name: &str) {
        let start = self.text.len();
        if !prefix.is_empty() {
            self.text.push_str(prefix);
            self.text.push('.');
        }
        self.text.push_str(name);
        self.spans.push(start..self.text.len());
    }

    pub fn get(&self, span: &Range<usize>) -> &str {
        self.text.get(span.clone()).unwrap_or_default()
    }

    /// Starts a walk after the paths already held.
    pub fn begin(&mut self) {
        self.first = (self.spans.len(), self.text.len());
        self.cut = false;
    }

    /// The spans of the walk under way.
    pub fn current(&self) -> &[Range<usize>] {
        self.spans.get(self.first.0..).unwrap_or_default()
    }

    /// Sorts the walk's paths, drops repeats and keeps the first `keep`. The
    /// text of the paths dropped is dropped too once it outweighs the text
    /// kept, so that the text stays within a multiple of what the kept paths
    /// need however many are found.
    pub fn settle(&mut self, keep: usize, spare: &mut String) {
        let Paths {
            text,
            spans,
            cut,
            first,
        } = self;
        let Some(tail) = spans.get_mut(first.0..) else {
            return;
        };
        // One path or none, and no text but its own: nothing to do.
        if tail.len() <= 1 && keep >= 1 && text.len() - first.1 <= 1024 {
            return;
        }
        if tail.len() > 1 {
            // Bytes, not `str`: the same order, without char-boundary checks.
            let at = |s: &Range<usize>| text.as_bytes().get(s.clone()).unwrap_or_default();
            // Usually few, and already in order: a pass to check is cheaper
            // than a sort.
            if !tail.is_sorted_by(|a, b| at(a) < at(b)) {
                tail.sort_unstable_by(|a, b| at(a).cmp(at(b)));
                let len = {
                    let mut kept = 0;
                    for i in 0..tail.len() {
                        let same = kept > 0 && tail.get(kept - 1).map(at) == tail.get(i).map(at);
                        if !same {
                            tail.swap(kept, i);
                            kept += 1;
                        }
                    }
                    kept
                };
                spans.truncate(first.0 + len);
            }
        }
        if spans.len() > first.0 + keep {
            spans.truncate(first.0 + keep);
            *cut = true;
        }
        let written = self.current_text_len();
        if written > 1024
            && written > 2 * self.current().iter().map(|s| s.len()).sum::<usize>() + 1024
        {
            self.compact(spare);
        }
    }

    /// The bytes of text written by the walk under way: its paths', and any
    /// its settling left behind.
    pub fn current_text_len(&self) -> usize {
        self.text.len() - self.first.1
    }

    /// Keeps the first `n` paths of the walk under way, and only their text.
    pub fn keep(&mut self, n: usize, spare: &mut String) {
        if self.current().len() > n {
            self.spans.truncate(self.first.0 + n);
            self.cut = true;
            self.compact(spare);
        }
    }

    /// Rewrites the walk's text with only its paths', in order.
    fn compact(&mut self, spare: &mut String) {
        let Paths {
            text, spans, first, ..
        } = self;
        spare.clear();
        for span in spans.iter_mut().skip(first.0) {
            let start = first.1 + spare.len();
            spare.push_str(text.get(span.clone()).unwrap_or_default());
            *span = start..first.1 + spare.len();
        }
        text.truncate(first.1);
        text.push_str(spare);
    }

    fn clear(&mut self) {
        self.text.clear();
        self.spans.clear();
        self.cut = false;
        self.first = (0, 0);
    }
}

/// The walk's buffers and the paths of each predicate found so far, kept
/// for one report.
pub(crate) struct Walk {
    scope: Scope,
    /// The paths of the condition being walked.
    pub found: Paths,
    pub spare: String,
    /// Each predicate's first paths: a range of `memo_spans`, and whether
    /// some were dropped; `None` until walked.
    memo: Vec<Option<(Range<usize>, bool)>>,
    memo_paths: Paths,
    /// Predicates still to walk, each with the next of its uses to look at.
    todo: Vec<(u32, usize)>,
    /// The most text the predicates' paths may hold, in bytes: the report's
    /// quote budget (past it, their lists are cut).
    limit: usize,
}

impl Walk {
    /// Empty buffers for `program`; they grow only when an unknown result
    /// has missing facts. The predicates' paths may hold `limit` bytes.
    /// Each buffer is made once with room for most reports (one
    /// allocation each, rather than one per growth step).
    pub fn new(program: &Program, limit: usize) -> Walk {
        let predicates = program.predicate_nodes.len();
        let paths = || Paths::with_capacity(1024, 64);
        Walk {
            scope: Scope {
                levels: Vec::with_capacity(4),
                root: program.root,
            },
            found: paths(),
            spare: String::with_capacity(1024),
            memo: vec![None; predicates],
            memo_paths: if predicates == 0 {
                Paths::default()
            } else {
                paths()
            },
            todo: Vec::with_capacity(16),
            limit,
        }
    }
}

impl Walk {
    /// Makes a walk from an earlier report's ready for `program`, keeping
    /// its buffers.
    pub fn reset(&mut self, program: &Program, limit: usize) {
        self.scope.root = program.root;
        self.scope.levels.clear();
        self.found.clear();
        self.memo.clear();
        self.memo.resize(program.predicate_nodes.len(), None);
        self.memo_paths.clear();
        self.todo.clear();
        self.limit = limit;
    }

    /// Whether the buffers are small enough to keep for the next report
    /// on this thread.
    pub fn worth_keeping(&self) -> bool {
        const KEEP: usize = 256 * 1024;
        self.found.text.capacity() + self.memo_paths.text.capacity() + self.spare.capacity() <= KEEP
    }
}

impl<'a> Machine<'a, '_> {
    /// Appends to `out` (after a [`Paths::begin`]) the first absent facts,
    /// in text order, that keep node `id` undecided: the condition of a
    /// flag, which evaluates to unknown and uses the predicates `uses`
    /// directly. False when the budget ran out; the paths are then
    /// incomplete.
    pub fn missing(&mut self, id: NodeId, uses: &[u32], walk: &mut Walk, out: &mut Paths) -> bool {
        for &p in uses {
            if !self.walk_predicate(p, walk) {
                return false;
            }
        }
        // The flag's paths go straight into `out`, the report's buffer.
        out.begin();
        self.missing_in(id, walk, out);
        out.settle(MAX_MISSING_PER_FLAG, &mut walk.spare);
        !self.steps.over()
    }

    /// Makes sure predicate `p`, if unknown, has its paths in the memo, and
    /// the predicates it uses before it: depth first, on a stack of our own.
    fn walk_predicate(&mut self, p: u32, walk: &mut Walk) -> bool {
        // Most often known, or walked for an earlier flag already.
        if walk.memo.get(p as usize).is_none_or(Option::is_some)
            || self.predicate(p) != Tri::Unknown
        {
            return true;
        }
        walk.todo.clear();
        walk.todo.push((p, 0));
        while let Some(&mut (q, ref mut next)) = walk.todo.last_mut() {
            let done = walk.memo.get(q as usize).is_none_or(Option::is_some);
            if done || self.predicate(q) != Tri::Unknown {
                walk.todo.pop();
                continue;
            }
            let uses = self.prog.predicate_uses.get(q as usize);
            if let Some(&dep) = uses.and_then(|u| u.get(*next)) {
                *next += 1;
                walk.todo.push((dep, 0));
                continue;
            }
            // Every predicate `q` uses has its paths: walk `q` itself. Its
            // quantifiers bind their own levels; the root stays bound.
            let Some(&node) = self.prog.predicate_nodes.get(q as usize) else {
                walk.todo.pop();
                continue;
            };
            let mut found = std::mem::take(&mut walk.found);
            found.clear();
            self.missing_in(node, walk, &mut found);
            if self.steps.over() {
                return false;
            }
            found.settle(MAX_MISSING_PER_FLAG, &mut walk.spare);
            let start = walk.memo_paths.spans.len();
            let mut cut = found.cut;
            for span in found.current() {
                let path = found.get(span);
                if walk.memo_paths.text.len() + path.len() > walk.limit {
                    cut = true;
                    break;
                }
                walk.memo_paths.push("", path);
            }
            if let Some(slot) = walk.memo.get_mut(q as usize) {
                *slot = Some((start..walk.memo_paths.spans.len(), cut));
            }
            found.clear();
            walk.found = found;
            walk.todo.pop();
        }
        true
    }

    fn name<'s>(&self, at: At, scope: &'s Scope) -> (&'s str, &'a str) {
        let (prefix, record) = scope
            .levels
            .get(at.frame as usize)
            .map_or(("", scope.root), |(p, r)| (p.as_str(), *r));
        let name = self
            .prog
            .slot_paths
            .get(record as usize)
            .and_then(|p| p.get(at.slot as usize))
            .map_or("?", String::as_str);
        (prefix, name)
    }

    #[inline]
    fn absent(&self, at: At, walk: &mut Walk, out: &mut Paths) {
        if matches!(self.value(at), Value::Absent) {
            self.found_absent(at, walk, out);
        }
    }

    /// Adds the path of an absent fact; out of line, as most facts a walk
    /// looks at are present.
    #[inline(never)]
    fn found_absent(&self, at: At, walk: &mut Walk, out: &mut Paths) {
        let (prefix, name) = self.name(at, &walk.scope);
        out.push(prefix, name);
        // Keep the buffer small: settle it whenever it doubles.
        if out.current().len() >= 2 * MAX_MISSING_PER_FLAG {
            out.settle(MAX_MISSING_PER_FLAG, &mut walk.spare);
        }
    }

    fn missing_in(&mut self, id: NodeId, walk: &mut Walk, out: &mut Paths) {
        if self.steps.over() {
            return;
        }
        let Some(node) = self.node(id) else { return };
        match node {
            Node::Const(_) | Node::Known(_) => {}
            Node::Bool(at) | Node::CmpInt(at, ..) | Node::CmpDec(at, ..) | Node::EnumIn(at, _) => {
                self.absent(*at, walk, out);
            }
            Node::Not(i) => self.missing_in(*i, walk, out),
            Node::And(items) | Node::Or(items) => {
                for &i in items.iter() {
                    if self.eval(i) == Tri::Unknown {
                        self.missing_in(i, walk, out);
                    }
                }
            }
            Node::Cmp(_, a, b) => {
                self.operand_missing(a, walk, out);
                self.operand_missing(b, walk, out);
            }
            Node::InMask(v, mask) => {
                self.operand_missing(v, walk, out);
                self.mask_missing(mask, walk, out);
            }
            Node::InValues(v, _) => self.operand_missing(v, walk, out),
            Node::SetTest(_, at, mask) => {
                self.absent(*at, walk, out);
                self.mask_missing(mask, walk, out);
            }
            Node::Quant(_, list, body) => self.each_missing(*list, Some(*body), walk, out),
            Node::CountCmp(list, body, ..) => self.each_missing(*list, *body, walk, out),
            Node::Pred(p) => {
                // Walked before this condition (`missing`, `walk_predicate`).
                let Some(Some((range, cut))) = walk.memo.get(*p as usize) else {
                    return;
                };
                let memo = &walk.memo_paths;
                for span in memo.spans.get(range.clone()).unwrap_or_default() {
                    out.push("", memo.get(span));
                }
                out.cut |= *cut;
                if out.current().len() >= 2 * MAX_MISSING_PER_FLAG {
                    out.settle(MAX_MISSING_PER_FLAG, &mut walk.spare);
                }
            }
        }
    }

    fn mask_missing(&mut self, mask: &'a Mask, walk: &mut Walk, out: &mut Paths) {
        match mask {
            Mask::Const(_) => {}
            Mask::Fact(at) => self.absent(*at, walk, out),
            Mask::Value(v) => self.operand_missing(v, walk, out),
        }
    }

    fn operand_missing(&mut self, v: &'a Operand, walk: &mut Walk, out: &mut Paths) {
        match v {
            Operand::Lit(_) => {}
            Operand::Fact(at) => self.absent(*at, walk, out),
            Operand::Count { list, body } => self.each_missing(*list, *body, walk, out),
        }
    }

    /// The list's absence, or the facts missing in each element whose condition is unknown.
    fn each_missing(&mut self, list: List, body: Option<NodeId>, walk: &mut Walk, out: &mut Paths) {
        let Value::List(elements) = self.value(list.at) else {
            self.absent(list.at, walk, out);
            return;
        };
        let Some(body) = body else { return };
        let (list_prefix, name) = self.name(list.at, &walk.scope);
        let list_prefix_len = list_prefix.len();
        for (i, element) in elements.iter().enumerate() {
            // Each element is evaluated again, and maybe walked: paid for as
            // evaluation pays.
            if !self.steps.charge(list.weight) {
                return;
            }
            self.bind(list, element);
            if self.eval(body) != Tri::Unknown {
                continue;
            }
            // The element's path, `<the list's path>[i]`, in the level it binds;
            // the list itself is read at an outer level.
            let scope = &mut walk.scope;
            let target = list.level as usize;
            let source = list.at.frame as usize;
            if scope.levels.len() <= target {
                let root = scope.root;
                scope
                    .levels
                    .resize_with(target + 1, || (String::new(), root));
            }
            let (outer, inner) = scope.levels.split_at_mut(target);
            let (Some(level), Some(list_frame)) = (inner.first_mut(), outer.get(source)) else {
                continue;
            };
            level.0.clear();
            let prefix = list_frame.0.get(..list_prefix_len).unwrap_or_default();
            if !prefix.is_empty() {
                level.0.push_str(prefix);
                level.0.push('.');
            }
            level.0.push_str(name);
            level.0.push('[');
            push_index(&mut level.0, i);
            level.0.push(']');
            level.1 = list.record;
            self.missing_in(body, walk, out);
        }
    }
}

/// Writes `i` in decimal, without the formatting machinery: a list index
/// is written for every element a walk enters.
fn push_index(out: &mut String, i: usize) {
    let mut digits = [0u8; 20];
    let mut n = i;
    let mut at = digits.len();
    loop {
        at -= 1;
        if let Some(d) = digits.get_mut(at) {
            // INVARIANT: `n % 10` is a single digit.
            *d = b'0' + (n % 10) as u8;
        }
        n /= 10;
        if n == 0 || at == 0 {
            break;
        }
    }
    for &d in digits.get(at..).unwrap_or_default() {
        out.push(char::from(d));
    }
}

#[cfg(test)]
mod index_tests {
    #[test]
    fn indexes_are_written_in_decimal() {
        for i in [0usize, 7, 10, 99, 1234, usize::MAX] {
            let mut s = String::from("x");
            super::push_index(&mut s, i);
            assert_eq!(s, format!("x{i}"));
        }
    }
}
