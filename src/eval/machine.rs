//! The compiled evaluator: runs a [`Program`] over one transaction's facts.
//!
//! Evaluation reads slots by number, never by name, and allocates nothing:
//! the predicate cache and the result buffers belong to the caller (see
//! `outcome.rs`). The facts that keep a result unknown are found by a walk
//! of its own (`missing.rs`).

use std::cell::Cell;

use super::scalar::Scalar;
use crate::budget::Steps;
use crate::check::ir::Lit;
use crate::compile::flat::{
    EXIT_FALSE, EXIT_TRUE, EXIT_UNKNOWN, Target, Test, exit_case, exit_value,
};
use crate::compile::{At, List, Mask, Node, NodeId, Operand, Program, SelCode};
use crate::decimal::Decimal;
use crate::facts::{Frame, Value, bit};
use crate::limits::MAX_QUANTIFIER_DEPTH;
use crate::syntax::ast::{CmpOp, Quant, SetTest};
use crate::tri::{Range, Tri};

/// The frames in scope: the root, then one per nested quantifier.
pub(crate) const FRAMES: usize = MAX_QUANTIFIER_DEPTH + 1;

/// What an operand evaluated to.
enum Val<'f> {
    Scalar(Scalar<'f>),
    Count(Range),
    Unknown,
}

/// Evaluates the nodes of a program for one transaction.
pub(crate) struct Machine<'a, 'c> {
    pub(super) prog: &'a Program,
    pub(super) frames: [&'a Frame; FRAMES],
    /// The result of each predicate, by predicate id, filled by
    /// [`Machine::predicates`].
    cache: &'c [Cell<Tri>],
    /// What is left of the evaluation budget (`budget.rs`): every element a
    /// quantifier or count visits is paid for before its body runs.
    pub steps: Steps,
}

impl<'a, 'c> Machine<'a, 'c> {
    /// A machine over `root` whose predicates are in `cache` (or are put
    /// there by [`predicates`](Self::predicates)), with `steps` of budget.
    pub fn new(
        prog: &'a Program,
        root: &'a Frame,
        cache: &'c [Cell<Tri>],
        steps: Steps,
    ) -> Machine<'a, 'c> {
        Machine {
            prog,
            frames: [root; FRAMES],
            cache,
            steps,
        }
    }

    /// Evaluates every predicate of the program into the cache, in
    /// dependency order, so that each is computed once per transaction: a
    /// predicate reads only the ones before it in the order, already in
    /// the cache. One machine runs them all, its budget with it. Returns
    /// the predicate that went over the budget, if one did; the cache is
    /// then incomplete.
    pub fn predicates(&mut self) -> Option<u32> {
        let start = self.steps;
        let order = &self.prog.flat.predicates;
        for &(p, entry) in order.iter() {
            let value = self.run(entry);
            if let Some(slot) = self.cache.get(p as usize) {
                slot.set(value);
            }
        }
        // Checked once: past the budget, the predicates left stop at their
        // first list, and the one that went over is found again.
        if self.steps.over() {
            return Some(self.predicate_over_budget(start));
        }
        None
    }

    /// The predicate an evaluation that went over its budget was in, found
    /// by running the predicates again, in order, from the budget they
    /// started with (evaluation is deterministic). Cold: only on the way to
    /// an error.
    #[cold]
    #[inline(never)]
    fn predicate_over_budget(&mut self, start: Steps) -> u32 {
        self.steps = start;
        let order = &self.prog.flat.predicates;
        for &(p, entry) in order.iter() {
            let value = self.run(entry);
            if self.steps.over() {
                return p;
            }
            if let Some(slot) = self.cache.get(p as usize) {
                slot.set(value);
            }
        }
        0
    }

    /// The value of predicate `p` for these facts.
    pub(super) fn predicate(&self, p: u32) -> Tri {
        self.cache.get(p as usize).map_or(Tri::Unknown, Cell::get)
    }

    pub(super) fn node(&self, id: NodeId) -> Option<&'a Node> {
        self.prog.nodes.get(id as usize)
    }

    pub(super) fn value(&self, at: At) -> &'a Value {
        self.frames
            .get(at.frame as usize)
            .map_or(&Value::Absent, |f| f.value(at.slot as usize))
    }

    /// Evaluates a condition node.
    ///
    /// Most nodes are leaves that read one fact (`Bool`, `EnumIn`,
    /// `CmpInt`…); they are evaluated here, inline in the caller, so that the
    /// children of `and`, `or` and quantifiers cost no function call. The
    /// other nodes go to [`Machine::composite`].
    #[inline(always)]
    pub fn eval(&mut self, id: NodeId) -> Tri {
        let Some(node) = self.node(id) else {
            return Tri::Unknown;
        };
        match node {
            Node::Const(b) => Tri::from_bool(*b),
            Node::Bool(at) => bool_leaf(self.value(*at)),
            Node::CmpInt(at, op, n) => cmp_int(self.value(*at), *op, *n),
            Node::CmpDec(at, op, d) => cmp_dec(self.value(*at), *op, d),
            Node::EnumIn(at, mask) => enum_in(self.value(*at), *mask),
            Node::SetTest(test, at, Mask::Const(want)) => set_const(self.value(*at), *test, *want),
            Node::Known(at) => known(self.value(*at)),
            Node::Pred(p) => self.predicate(*p),
            Node::And(items) => self.connective(items, Tri::False, Tri::True),
            Node::Or(items) => self.connective(items, Tri::True, Tri::False),
            Node::Not(i) => self.not(*i),
            Node::Quant(q, list, body) => self.quantifier(*q, *list, *body),
            _ => self.composite(node),
        }
    }

    /// Evaluates a condition in its flat form (see `compile/flat.rs`) from
    /// `entry`: run a test, jump to the successor for its result, until an
    /// exit. Inline in the caller: the connectives cost no call at all.
    #[inline(always)]
    pub fn run(&mut self, entry: Target) -> Tri {
        exit_value(self.run_to_exit(entry))
    }

    /// As [`Machine::run`], but the exit itself: the callers that branch on
    /// the result compare it with the exits, with no conversion to a `Tri`.
    #[inline(always)]
    pub fn run_to_exit(&mut self, entry: Target) -> Target {
        let ops = &self.prog.flat.ops;
        let mut pc = entry;
        // An exit is past the end of the ops: the look-up that fails ends the loop.
        while let Some(op) = ops.get(pc as usize) {
            let t = self.test(&op.test);
            pc = op.next.get(t as usize).copied().unwrap_or(EXIT_UNKNOWN);
        }
        pc
    }

    /// Runs one flat test. The leaves are the tree's, by the same functions.
    #[inline(always)]
    fn test(&mut self, test: &'a Test) -> Tri {
        match test {
            Test::Bool(at) => bool_leaf(self.value(*at)),
            Test::CmpInt(at, op, n) => cmp_int(self.value(*at), *op, *n),
            Test::CmpDec(at, op, d) => cmp_dec(self.value(*at), *op, d),
            Test::EnumIn(at, mask) => enum_in(self.value(*at), *mask),
            Test::EnumIn64(at, mask) => enum_in64(self.value(*at), *mask),
            Test::Set(test, at, want) => set_const(self.value(*at), *test, *want),
            Test::Known(at) => known(self.value(*at)),
            Test::Pred(p) => self.predicate(*p),
            Test::Quant(q, list, body) => self.flat_quantifier(*q, *list, *body),
            Test::CountCmp(list, body, op, n) => self.flat_count_cmp(*list, *body, *op, *n),
            Test::FactEq(a, b, eq, id) => match (self.value(*a), self.value(*b)) {
                // As `composite` does: equal lengths are checked before any byte.
                (Value::Str(x), Value::Str(y)) => Tri::from_bool((x == y) == *eq),
                _ => self.tree(*id),
            },
            Test::Node(id) => self.tree(*id),
        }
    }

    /// `any` or `all` over a list fact, the body run flat for each element.
    #[inline(never)]
    fn flat_quantifier(&mut self, q: Quant, list: List, body: Target) -> Tri {
        let Value::List(elements) = self.value(list.at) else {
            return Tri::Unknown;
        };
        // The exit that decides, and the one that leaves the result as it is;
        // any other is unknown.
        let (decisive, otherwise) = match q {
            Quant::Any => (EXIT_TRUE, EXIT_FALSE),
            Quant::All => (EXIT_FALSE, EXIT_TRUE),
        };
        if !self.steps.charge_list(list.weight, elements.len()) {
            return Tri::Unknown;
        }
        let mut out = otherwise;
        for element in elements {
            self.bind(list, element);
            let exit = self.run_to_exit(body);
            if exit == decisive {
                return exit_value(decisive);
            }
            if exit != otherwise {
                out = EXIT_UNKNOWN;
            }
        }
        exit_value(out)
    }

    /// `count(…) op n`, the body (if any) run flat for each element.
    #[inline(never)]
    fn flat_count_cmp(&mut self, list: List, body: Option<Target>, op: CmpOp, n: i64) -> Tri {
        let Value::List(elements) = self.value(list.at) else {
            return Tri::Unknown;
        };
        let count = match body {
            Some(body) => {
                if !self.steps.charge_list(list.weight, elements.len()) {
                    return Tri::Unknown;
                }
                let (mut sure, mut maybe) = (0i64, 0i64);
                for element in elements {
                    self.bind(list, element);
                    let exit = self.run_to_exit(body);
                    sure += i64::from(exit == EXIT_TRUE);
                    maybe += i64::from(exit != EXIT_TRUE && exit != EXIT_FALSE);
                }
                Range {
                    lo: sure,
                    hi: sure + maybe,
                }
            }
            None => Range::exact(i64::try_from(elements.len()).unwrap_or(i64::MAX)),
        };
        count.compare(op, Range::exact(n))
    }

    /// A node evaluated on the tree, for the flat form's fallback.
    #[inline(never)]
    fn tree(&mut self, id: NodeId) -> Tri {
        self.eval(id)
    }

    // The connectives and quantifiers each have a small function of their
    // own, out of line, rather than arms of one large one: every `and` or
    // `or` pays the call's prologue and epilogue, and a small function saves
    // and restores fewer registers.

    /// `and` (`decisive` false, `otherwise` true) or `or` (the reverse):
    /// `decisive` as soon as a child is; unknown if a child is; else `otherwise`.
    #[inline(never)]
    fn connective(&mut self, items: &[NodeId], decisive: Tri, otherwise: Tri) -> Tri {
        let mut out = otherwise;
        for &i in items {
            match self.eval(i) {
                Tri::Unknown => out = Tri::Unknown,
                t if t == decisive => return decisive,
                _ => {}
            }
        }
        out
    }

    #[inline(never)]
    fn not(&mut self, i: NodeId) -> Tri {
        self.eval(i).not()
    }

    /// `any` (decisive true) or `all` (decisive false) over a list fact.
    #[inline(never)]
    fn quantifier(&mut self, q: Quant, list: List, body: NodeId) -> Tri {
        let Value::List(elements) = self.value(list.at) else {
            return Tri::Unknown;
        };
        let (decisive, otherwise) = match q {
            Quant::Any => (Tri::True, Tri::False),
            Quant::All => (Tri::False, Tri::True),
        };
        if !self.steps.charge_list(list.weight, elements.len()) {
            return Tri::Unknown;
        }
        let mut out = otherwise;
        for element in elements {
            self.bind(list, element);
            match self.eval(body) {
                Tri::Unknown => out = Tri::Unknown,
                t if t == decisive => return decisive,
                _ => {}
            }
        }
        out
    }

    /// Evaluates the general comparisons and counts. Kept out of line so
    /// that [`Machine::eval`] stays small.
    #[inline(never)]
    fn composite(&mut self, node: &'a Node) -> Tri {
        match node {
            Node::Cmp(op, a, b) => {
                // Two string facts compared for (in)equality, such as
                // `p.country != country.code` in a quantifier, where it runs
                // once per element: equal lengths are checked before any
                // byte, and no scalar is built. (A `let` chain, not an
                // `if let` guard, which needs Rust 1.95: the MSRV is 1.88.)
                if let (CmpOp::Eq | CmpOp::Ne, Operand::Fact(fa), Operand::Fact(fb)) = (op, a, b)
                    && let (Value::Str(x), Value::Str(y)) = (self.value(*fa), self.value(*fb))
                {
                    return Tri::from_bool((x == y) == (*op == CmpOp::Eq));
                }
                let (a, b) = (self.operand(a), self.operand(b));
                match (a, b) {
                    (Val::Scalar(x), Val::Scalar(y)) => {
                        Tri::from_bool(x.compare(y).is_some_and(|o| op.holds(o)))
                    }
                    (Val::Unknown, _) | (_, Val::Unknown) => Tri::Unknown,
                    (x, y) => match (range(x), range(y)) {
                        (Some(x), Some(y)) => x.compare(*op, y),
                        _ => Tri::Unknown,
                    },
                }
            }
            Node::InMask(v, mask) => {
                let item = self.operand(v);
                let mask = self.mask(mask);
                match (item, mask) {
                    (Val::Scalar(Scalar::Enum(i)), Some(m)) => Tri::from_bool(m & bit(i) != 0),
                    (Val::Unknown, _) | (_, None) => Tri::Unknown,
                    _ => Tri::False,
                }
            }
            Node::InValues(v, values) => {
                match self.operand(v) {
                    Val::Scalar(item) => Tri::from_bool(values.iter().any(|l| {
                        item.compare(Scalar::of_lit(l)) == Some(std::cmp::Ordering::Equal)
                    })),
                    _ => Tri::Unknown,
                }
            }
            Node::SetTest(test, at, mask) => {
                let have = match self.value(*at) {
                    Value::Set(m) => Some(m.get()),
                    _ => None,
                };
                match (have, self.mask(mask)) {
                    (Some(have), Some(want)) => set_test(*test, have, want),
                    _ => Tri::Unknown,
                }
            }
            Node::CountCmp(list, body, op, n) => {
                let Value::List(elements) = self.value(list.at) else {
                    return Tri::Unknown;
                };
                let count = match body {
                    Some(body) => self.count(*list, elements, *body),
                    None => Range::exact(i64::try_from(elements.len()).unwrap_or(i64::MAX)),
                };
                count.compare(*op, Range::exact(*n))
            }
            // The leaves and connectives, which `eval` handles itself.
            Node::Not(_)
            | Node::And(_)
            | Node::Or(_)
            | Node::Quant(..)
            | Node::Const(_)
            | Node::Bool(_)
            | Node::CmpInt(..)
            | Node::CmpDec(..)
            | Node::EnumIn(..)
            | Node::Known(_)
            | Node::Pred(_) => Tri::Unknown,
        }
    }

    /// How many elements satisfy `body`, as far as is known.
    fn count(&mut self, list: List, elements: &'a [Frame], body: NodeId) -> Range {
        if !self.steps.charge_list(list.weight, elements.len()) {
            // Over budget: the evaluation fails, whatever this says.
            return Range {
                lo: 0,
                hi: i64::MAX,
            };
        }
        let (mut sure, mut maybe) = (0i64, 0i64);
        for element in elements {
            self.bind(list, element);
            match self.eval(body) {
                Tri::True => sure += 1,
                Tri::Unknown => maybe += 1,
                Tri::False => {}
            }
        }
        Range {
            lo: sure,
            hi: sure + maybe,
        }
    }

    pub(super) fn bind(&mut self, list: List, element: &'a Frame) {
        if let Some(f) = self.frames.get_mut(list.level as usize) {
            *f = element;
        }
    }

    fn mask(&mut self, mask: &'a Mask) -> Option<u128> {
        match mask {
            Mask::Const(m) => Some(*m),
            Mask::Fact(at) => match self.value(*at) {
                Value::Set(m) => Some(m.get()),
                _ => None,
            },
            Mask::Value(v) => match self.operand(v) {
                Val::Scalar(Scalar::Enum(i)) => Some(bit(i)),
                Val::Scalar(_) | Val::Count(_) => Some(0),
                Val::Unknown => None,
            },
        }
    }

    fn operand(&mut self, v: &'a Operand) -> Val<'a> {
        match v {
            Operand::Lit(l) => Val::Scalar(lit(l)),
            Operand::Fact(at) => match Scalar::of_value(self.value(*at)) {
                Some(s) => Val::Scalar(s),
                None => Val::Unknown,
            },
            Operand::Count { list, body } => {
                let Value::List(elements) = self.value(list.at) else {
                    return Val::Unknown;
                };
                let Some(body) = body else {
                    let n = i64::try_from(elements.len()).unwrap_or(i64::MAX);
                    return Val::Count(Range::exact(n));
                };
                Val::Count(self.count(*list, elements, *body))
            }
        }
    }
}

// The leaves, shared by the tree (`eval`) and the flat form (`test`), so
// that both compute the same thing.

#[inline(always)]
fn bool_leaf(v: &Value) -> Tri {
    match v {
        Value::Bool(b) => Tri::from_bool(*b),
        _ => Tri::Unknown,
    }
}

#[inline(always)]
fn cmp_int(v: &Value, op: CmpOp, n: i64) -> Tri {
    match v {
        Value::Int(x) => Tri::from_bool(op.holds(x.cmp(&n))),
        Value::Decimal(x) => Tri::from_bool(op.holds((**x).cmp(&Decimal::from_int(n)))),
        v => not_a_number(v),
    }
}

#[inline(always)]
fn cmp_dec(v: &Value, op: CmpOp, d: &Decimal) -> Tri {
    match v {
        Value::Int(x) => Tri::from_bool(op.holds(Decimal::from_int(*x).cmp(d))),
        Value::Decimal(x) => Tri::from_bool(op.holds((**x).cmp(d))),
        v => not_a_number(v),
    }
}

#[inline(always)]
fn enum_in(v: &Value, mask: u128) -> Tri {
    match v {
        Value::Enum(i) => Tri::from_bool(mask & bit(*i) != 0),
        Value::Absent | Value::Present | Value::Set(_) | Value::List(_) => Tri::Unknown,
        // INVARIANT: the checker compares enum facts with enum values only.
        Value::Bool(_) | Value::Int(_) | Value::Decimal(_) | Value::Str(_) => Tri::False,
    }
}

/// [`enum_in`] for a mask of 64 bits: a value past them is not in it.
#[inline(always)]
fn enum_in64(v: &Value, mask: u64) -> Tri {
    match v {
        Value::Enum(i) => {
            Tri::from_bool(mask.checked_shr(u32::from(*i)).is_some_and(|m| m & 1 != 0))
        }
        Value::Absent | Value::Present | Value::Set(_) | Value::List(_) => Tri::Unknown,
        // INVARIANT: the checker compares enum facts with enum values only.
        Value::Bool(_) | Value::Int(_) | Value::Decimal(_) | Value::Str(_) => Tri::False,
    }
}

#[inline(always)]
fn set_const(v: &Value, test: SetTest, want: u128) -> Tri {
    match v {
        Value::Set(have) => set_test(test, have.get(), want),
        _ => Tri::Unknown,
    }
}

#[inline(always)]
fn known(v: &Value) -> Tri {
    Tri::from_bool(!matches!(v, Value::Absent))
}

/// A set test on known sets.
fn set_test(test: SetTest, have: u128, want: u128) -> Tri {
    Tri::from_bool(match test {
        SetTest::One | SetTest::Any => have & want != 0,
        SetTest::All => have & want == want,
        SetTest::None => have & want == 0,
    })
}

/// What a number comparison gives when the fact holds no number: unknown
/// when it is absent, false for a value of another type (which the checker
/// rules out), as the general comparison does.
fn not_a_number(v: &Value) -> Tri {
    match Scalar::of_value(v) {
        Some(_) => Tri::False,
        None => Tri::Unknown,
    }
}

/// The statuses of all flags as bit sets over the flags, so that the
/// disposition counts the flags a selector picks with a few word operations.
pub(crate) struct FlagBits<'b> {
    pub raised: &'b [u64],
    pub clear: &'b [u64],
    pub unknown: &'b [u64],
    pub mitigated: &'b [u64],
}

/// The disposition: the index of the first case whose condition holds, by
/// the flat form of the cases (`compile/flat.rs`): count, compare, jump.
pub(crate) fn disposition(prog: &Program, bits: &FlagBits<'_>) -> usize {
    let ops = &prog.flat.disp;
    let mut pc = prog.flat.disp_entry;
    // A case's exit is past the end of the ops: the look-up that fails ends the loop.
    while let Some(op) = ops.get(pc as usize) {
        // A count is never negative, so against 0 (`any`, `no`) only whether
        // a flag is picked matters: no bits are counted.
        let n = if op.n == 0 {
            i64::from(picks_any(&op.sel, bits))
        } else {
            count(&op.sel, bits)
        };
        let holds = op.op.holds(n.cmp(&op.n));
        pc = if holds { op.next[1] } else { op.next[0] };
    }
    exit_case(pc)
}

fn lit(l: &Lit) -> Scalar<'_> {
    Scalar::of_lit(l)
}

fn range(v: Val<'_>) -> Option<Range> {
    match v {
        Val::Count(r) => Some(r),
        Val::Scalar(Scalar::Int(n)) => Some(Range::exact(n)),
        _ => None,
    }
}

/// How many flags a selector picks.
fn count(s: &SelCode, bits: &FlagBits<'_>) -> i64 {
    picked_words(s, bits)
        .map(|w| i64::from(w.count_ones()))
        .sum()
}

/// Whether a selector picks any flag.
fn picks_any(s: &SelCode, bits: &FlagBits<'_>) -> bool {
    picked_words(s, bits).any(|w| w != 0)
}

/// The flags a selector picks, a word at a time.
pub(crate) fn picked_words<'s>(
    s: &'s SelCode,
    bits: &'s FlagBits<'_>,
) -> impl Iterator<Item = u64> + 's {
    // The status and mitigation filters were turned into masks at compile time.
    let [raised, clear, unknown, mitigated, unmitigated] = s.masks;
    s.flags.iter().enumerate().map(move |(w, &picked)| {
        let word = |set: &[u64]| set.get(w).copied().unwrap_or(0);
        let status = (word(bits.raised) & raised)
            | (word(bits.clear) & clear)
            | (word(bits.unknown) & unknown);
        let m = word(bits.mitigated);
        let mitigated = (m & mitigated) | (!m & unmitigated);
        picked & status & mitigated
    })
}
