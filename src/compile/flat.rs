//! The flat form of the conditions, beside the node tree: what the fast path runs.
//!
//! Evaluating the tree costs a function call for every `and`, `or`, `not`
//! and quantifier, and a dispatch for every node. In the flat form a
//! condition is a graph of leaf tests, each with three successors, one per
//! result (false, true, unknown): evaluation is a loop that runs a test and
//! jumps, with no call and no stack. `not` swaps the true and false
//! successors and costs nothing; `and` and `or` are the jumps between their
//! children. The graph ends in one of three exits, the condition's value.
//!
//! Kleene's `and` is false as soon as a child is false, else unknown if a
//! child was unknown, else true. Whether an unknown was met is where the
//! graph is, not a variable: after an unknown child, the remaining children
//! are a second copy whose true successor is the `and`'s unknown one. Only
//! a context whose three successors all differ needs that copy; inside the
//! copy two successors are the same, and nothing is copied again, so the
//! graph stays within (depth + 1) × leaves. A budget bounds it anyway: a
//! condition over it is one test that evaluates its tree.
//!
//! The node tree stays what `missing.rs` walks to explain unknown results,
//! and what the flat tests fall back on for the rare general comparisons.

use super::{At, DispCode, List, Mask, Node, NodeId, Operand, SelCode};
use crate::decimal::Decimal;
use crate::syntax::ast::{CmpOp, Quant, SetTest};
use crate::tri::Tri;

/// The index of an op in [`Flat::ops`], or one of the three exits.
pub(crate) type Target = u32;

/// The exits: past the end of any op list, so that looking the target up
/// both fails and tells the loop it is done.
pub(crate) const EXIT_FALSE: Target = u32::MAX - 2;
pub(crate) const EXIT_TRUE: Target = u32::MAX - 1;
pub(crate) const EXIT_UNKNOWN: Target = u32::MAX;

/// The value of the exit a run ended at.
pub(crate) fn exit_value(t: Target) -> Tri {
    match t {
        EXIT_FALSE => Tri::False,
        EXIT_TRUE => Tri::True,
        _ => Tri::Unknown,
    }
}

/// A leaf test: the leaves of [`Node`] that read one fact, the quantifiers
/// and counts (whose bodies are flat too), and a fallback to the tree.
#[derive(Clone, Debug)]
pub(crate) enum Test {
    Bool(At),
    CmpInt(At, CmpOp, i64),
    CmpDec(At, CmpOp, Decimal),
    EnumIn(At, u128),
    /// `EnumIn` when the mask has no bit past 64, as for any enum of at most
    /// 64 values: the bit of the value costs a shift in one word.
    EnumIn64(At, u64),
    Set(SetTest, At, u128),
    Known(At),
    Pred(u32),
    /// `any` or `all` over a list; the body starts at the target.
    Quant(Quant, List, Target),
    /// Two facts compared for (in)equality (`eq` false for `!=`), such as
    /// `p.country != country.code`; when they are not both strings, the
    /// general comparison of the node decides.
    FactEq(At, At, bool, NodeId),
    /// `count(…) op n`; the body, if any, starts at the target.
    CountCmp(List, Option<Target>, CmpOp, i64),
    /// A node the tree evaluator computes: the general comparisons, or a
    /// whole condition whose flat form was over budget.
    Node(NodeId),
}

/// A test and where to go next, by its result (indexed by [`Tri`]: false,
/// true, unknown).
#[derive(Clone, Debug)]
pub(crate) struct Op {
    pub test: Test,
    pub next: [Target; 3],
}

/// The flat form of every condition of a program.
#[derive(Clone, Debug, Default)]
pub(crate) struct Flat {
    pub ops: Vec<Op>,
    /// The entry of each predicate body, in dependency order (each after the
    /// predicates it uses), every predicate once.
    pub predicates: Box<[(u32, Target)]>,
    pub safeguards: Box<[Target]>,
    pub flags: Box<[Target]>,
    /// The entry of the scope's condition, when the ruleset declares one.
    pub scope: Option<Target>,
    /// The disposition, flat too: selector counts with two successors.
    pub disp: Vec<DispOp>,
    pub disp_entry: Target,
}

/// A disposition test: how many flags a selector picks, compared with a
/// number (`any` is `> 0`, `no` is `== 0`); then where to go if it fails
/// and if it holds. The exits are the cases, [`case_exit`].
#[derive(Clone, Debug)]
pub(crate) struct DispOp {
    pub sel: SelCode,
    pub op: CmpOp,
    pub n: i64,
    pub next: [Target; 2],
}

/// The exit of disposition case `k`: counted down from the top, past any op.
pub(crate) fn case_exit(k: usize) -> Target {
    u32::MAX - u32::try_from(k).unwrap_or(0)
}

/// The case an exit stands for.
pub(crate) fn exit_case(t: Target) -> usize {
    (u32::MAX - t) as usize
}

/// The flat disposition: each case's condition jumps to its exit when it
/// holds and to the next case's condition when not; `not`, `and` and `or`
/// are jumps, as in the conditions (the disposition has no unknown).
pub(crate) fn disposition(cases: &[(Option<DispCode>, u32)]) -> (Vec<DispOp>, Target) {
    let mut ops = Vec::new();
    // INVARIANT: the checker requires an `otherwise` case, so some case
    // holds; if none did, the last would be taken.
    let mut next = case_exit(cases.len().saturating_sub(1));
    for (k, (cond, _)) in cases.iter().enumerate().rev() {
        next = match cond {
            None => case_exit(k),
            Some(c) => emit_disp(&mut ops, c, case_exit(k), next),
        };
    }
    (ops, next)
}

fn emit_disp(ops: &mut Vec<DispOp>, d: &DispCode, t: Target, f: Target) -> Target {
    let (sel, op, n) = match d {
        DispCode::Not(i) => return emit_disp(ops, i, f, t),
        DispCode::And(items) => {
            return items
                .iter()
                .rev()
                .fold(t, |next, i| emit_disp(ops, i, next, f));
        }
        DispCode::Or(items) => {
            return items
                .iter()
                .rev()
                .fold(f, |next, i| emit_disp(ops, i, t, next));
        }
        DispCode::Any(s) => (s, CmpOp::Gt, 0),
        DispCode::No(s) => (s, CmpOp::Eq, 0),
        DispCode::Count(s, op, n) => (s, *op, *n),
    };
    let at = ops.len();
    ops.push(DispOp {
        sel: sel.clone(),
        op,
        n,
        next: [f, t],
    });
    // INVARIANT: a disposition has far fewer selectors than `u32::MAX`.
    Target::try_from(at).unwrap_or(u32::MAX)
}

/// Builds the flat form of conditions from their nodes.
pub(crate) struct Flattener<'a> {
    nodes: &'a [Node],
    ops: Vec<Op>,
    /// The entry of each quantifier or count body already flattened, by
    /// node: each is flattened once, however many copies of its quantifier
    /// the graph holds.
    bodies: Vec<Option<Target>>,
    /// The bodies flattened for the condition in progress, to forget if it
    /// goes over budget.
    fresh: Vec<NodeId>,
    /// The most ops the whole program may take, and whether the condition
    /// being flattened went over.
    budget: usize,
    over: bool,
}

impl<'a> Flattener<'a> {
    pub fn new(nodes: &'a [Node]) -> Flattener<'a> {
        Flattener {
            nodes,
            ops: Vec::new(),
            bodies: vec![None; nodes.len()],
            fresh: Vec::new(),
            // The graph is at most (depth + 1) × leaves; this bounds it
            // linearly in the source whatever the nesting.
            budget: 16 * nodes.len() + 256,
            over: false,
        }
    }

    /// The entry of a whole condition, ending at the exits.
    pub fn condition(&mut self, id: NodeId) -> Target {
        let start = self.ops.len();
        self.fresh.clear();
        self.over = false;
        let entry = self.emit(id, EXIT_TRUE, EXIT_FALSE, EXIT_UNKNOWN);
        if !self.over {
            return entry;
        }
        // Over budget: the condition is evaluated on its tree.
        self.ops.truncate(start);
        for &b in &self.fresh {
            if let Some(entry) = self.bodies.get_mut(b as usize) {
                *entry = None;
            }
        }
        self.over = false;
        self.leaf(Test::Node(id), EXIT_TRUE, EXIT_FALSE, EXIT_UNKNOWN)
    }

    pub fn finish(self) -> Vec<Op> {
        self.ops
    }

    fn leaf(&mut self, test: Test, t: Target, f: Target, u: Target) -> Target {
        let at = self.ops.len();
        self.ops.push(Op {
            test,
            next: [f, t, u],
        });
        // INVARIANT: the budget keeps the ops far below `EXIT_FALSE`.
        Target::try_from(at).unwrap_or(EXIT_UNKNOWN)
    }

    /// `and` (`is_and`) or `or` over `items`: each child goes on to the next
    /// when it has the value that lets the connective continue (true for
    /// `and`, false for `or`), to the connective's decisive successor when
    /// it has the other one, and to a copy of the rest whose continuing exit
    /// is `u` once a child was unknown.
    fn connective(
        &mut self,
        items: &[NodeId],
        is_and: bool,
        t: Target,
        f: Target,
        u: Target,
    ) -> Target {
        let (mut next, decisive) = if is_and { (t, f) } else { (f, t) };
        // Where a child goes: `next` on the continuing value, `decisive` on
        // the other, `unknown` on unknown.
        let successors = |next: Target, unknown: Target| {
            if is_and {
                (next, decisive, unknown)
            } else {
                (decisive, next, unknown)
            }
        };
        // `next`: the rest when every child so far continued; `next_u`: the
        // rest once one was unknown.
        let mut next_u = u;
        for (k, &i) in items.iter().enumerate().rev() {
            let (ct, cf, cu) = successors(next, next_u);
            let entry = self.emit(i, ct, cf, cu);
            // The copy after an unknown; the first child has none.
            if k > 0 {
                next_u = if next == next_u {
                    entry
                } else {
                    let (ct, cf, cu) = successors(next_u, next_u);
                    self.emit(i, ct, cf, cu)
                };
            }
            next = entry;
        }
        next
    }

    /// The entry of the code for node `id` that goes on to `t`, `f` or `u`
    /// by its value. Ops are pushed children last first: every successor
    /// exists before the test that jumps to it.
    fn emit(&mut self, id: NodeId, t: Target, f: Target, u: Target) -> Target {
        if t == f && f == u {
            // Whatever the value, the same place: nothing to evaluate.
            return t;
        }
        if self.over || self.ops.len() > self.budget {
            self.over = true;
            return t;
        }
        let Some(node) = self.nodes.get(id as usize) else {
            return u;
        };
        match node {
            Node::Const(b) => {
                if *b {
                    t
                } else {
                    f
                }
            }
            Node::Not(i) => self.emit(*i, f, t, u),
            Node::And(items) => self.connective(items, true, t, f, u),
            Node::Or(items) => self.connective(items, false, t, f, u),
            Node::Quant(q, list, body) => {
                let body = self.body(*body);
                self.leaf(Test::Quant(*q, *list, body), t, f, u)
            }
            Node::CountCmp(list, body, op, n) => {
                let body = body.map(|b| self.body(b));
                self.leaf(Test::CountCmp(*list, body, *op, *n), t, f, u)
            }
            Node::Bool(at) => self.leaf(Test::Bool(*at), t, f, u),
            Node::CmpInt(at, op, n) => self.leaf(Test::CmpInt(*at, *op, *n), t, f, u),
            Node::CmpDec(at, op, d) => self.leaf(Test::CmpDec(*at, *op, *d), t, f, u),
            Node::EnumIn(at, mask) => {
                let test = match u64::try_from(*mask) {
                    Ok(low) => Test::EnumIn64(*at, low),
                    Err(_) => Test::EnumIn(*at, *mask),
                };
                self.leaf(test, t, f, u)
            }
            Node::SetTest(test, at, Mask::Const(want)) => {
                self.leaf(Test::Set(*test, *at, *want), t, f, u)
            }
            Node::Known(at) => self.leaf(Test::Known(*at), t, f, u),
            Node::Pred(p) => self.leaf(Test::Pred(*p), t, f, u),
            Node::Cmp(op @ (CmpOp::Eq | CmpOp::Ne), Operand::Fact(a), Operand::Fact(b)) => {
                self.leaf(Test::FactEq(*a, *b, *op == CmpOp::Eq, id), t, f, u)
            }
            Node::Cmp(..) | Node::InMask(..) | Node::InValues(..) | Node::SetTest(..) => {
                self.leaf(Test::Node(id), t, f, u)
            }
        }
    }

    /// The entry of a quantifier's or count's body, flattened once.
    fn body(&mut self, id: NodeId) -> Target {
        if let Some(&Some(entry)) = self.bodies.get(id as usize) {
            return entry;
        }
        let entry = self.emit(id, EXIT_TRUE, EXIT_FALSE, EXIT_UNKNOWN);
        if let Some(slot) = self.bodies.get_mut(id as usize) {
            *slot = Some(entry);
            self.fresh.push(id);
        }
        entry
    }
}
