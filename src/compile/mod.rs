//! Compile: checked rules to a program of slot-resolved nodes.
//!
//! Every fact path becomes a frame level and a slot number, every enum set a
//! bit mask, and every predicate a cached result evaluated once per
//! transaction in dependency order. Architecture Invariant: evaluating a
//! program does no string or hash look-up.

use crate::check::ir::{Base, Cond, FactRef, Lit, SetExpr, SetLit, SetOrValue, Value};
use crate::check::{Checked, DispCond, Selector};
use crate::decimal::Decimal;
use crate::facts::schema::{RecordId, Schema, Type};
use crate::model::Severity;
use crate::syntax::ast::{CmpOp, Quant, SetTest};
use indexmap::IndexMap;

pub(crate) mod flat;

/// The index of a node in [`Program::nodes`].
pub(crate) type NodeId = u32;

/// Where a fact lives: the frame (0 for the root, `k` for the element bound
/// by the `k`-th nested quantifier) and the slot in it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct At {
    pub frame: u8,
    pub slot: u32,
}

/// A list fact that a quantifier ranges over.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct List {
    pub at: At,
    /// The frame level the elements are bound to.
    pub level: u8,
    /// The record of the elements, for printing paths into them.
    pub record: u32,
    /// What visiting one element costs in the evaluation budget: the nodes
    /// of the body, at least one (`budget.rs`).
    pub weight: u32,
}

/// A value operand.
#[derive(Clone, Debug)]
pub(crate) enum Operand {
    Fact(At),
    Lit(Lit),
    Count { list: List, body: Option<NodeId> },
}

/// One node of a compiled condition.
#[derive(Clone, Debug)]
pub(crate) enum Node {
    Const(bool),
    /// A `bool` fact.
    Bool(At),
    Not(NodeId),
    And(Box<[NodeId]>),
    Or(Box<[NodeId]>),
    Cmp(CmpOp, Operand, Operand),
    /// A number fact compared with a whole-number literal: `fact op n`.
    CmpInt(At, CmpOp, i64),
    /// A number fact compared with a decimal literal: `fact op d`.
    CmpDec(At, CmpOp, Decimal),
    /// An enum fact whose value is one of a constant set: `in {…}`, and every
    /// comparison of an enum fact with an enum literal (`>= repressed` is the
    /// set of the values from `repressed` on).
    EnumIn(At, u128),
    /// An enum value in a set: a literal mask, or a mask read from a set fact.
    InMask(Operand, Mask),
    /// A plain value in a literal list.
    InValues(Operand, Box<[Lit]>),
    /// A set fact tested against a mask.
    SetTest(SetTest, At, Mask),
    Quant(Quant, List, NodeId),
    /// `count(…) op n`: the general `Cmp` of a count with a whole number.
    CountCmp(List, Option<NodeId>, CmpOp, i64),
    Known(At),
    Pred(u32),
}

/// A set of enum values: constant, from a set fact, or one enum value.
#[derive(Clone, Debug)]
pub(crate) enum Mask {
    Const(u128),
    Fact(At),
    Value(Operand),
}

/// A compiled flag.
#[derive(Clone, Debug)]
pub(crate) struct FlagCode {
    pub cond: NodeId,
    /// The predicates its condition uses directly, each once.
    pub uses: Box<[u32]>,
    pub mitigated_by: Box<[u32]>,
    /// The evidence facts, in the order the flag lists them: indices into
    /// [`Program::quotes`].
    pub evidence: Box<[u32]>,
}

/// A fact some evidence quotes: a report quotes each once, however many
/// flags cite it.
#[derive(Clone, Debug)]
pub(crate) struct Quote {
    /// The printed path, such as `end_user.name`.
    pub path: String,
    /// Its root slot.
    pub slot: u32,
    pub ty: Type,
}

/// The compiled scope.
#[derive(Clone, Debug)]
pub(crate) struct ScopeCode {
    /// True for a transaction in scope.
    pub cond: NodeId,
    /// The predicates its condition uses directly, each once.
    pub uses: Box<[u32]>,
    /// The evidence facts, as a flag's.
    pub evidence: Box<[u32]>,
    /// The outcome out of scope, an index into the outcomes.
    pub otherwise: u32,
}

/// A compiled disposition condition.
#[derive(Clone, Debug)]
pub(crate) enum DispCode {
    Any(SelCode),
    No(SelCode),
    Count(SelCode, CmpOp, i64),
    Not(Box<DispCode>),
    And(Box<[DispCode]>),
    Or(Box<[DispCode]>),
}

/// A compiled selector: the static filters are resolved per flag already.
#[derive(Clone, Debug)]
pub(crate) struct SelCode {
    /// The flags whose severity and step pass the filters, as a bit set over
    /// the flags, [`Program::flag_words`] words long.
    pub flags: Box<[u64]>,
    /// The filters on status and mitigation as masks, all ones or all
    /// zeros: raised, clear and unknown flags allowed; mitigated flags
    /// allowed; unmitigated flags allowed.
    pub masks: [u64; 5],
}

/// A whole compiled ruleset.
#[derive(Clone, Debug)]
pub(crate) struct Program {
    /// The node tree of every condition: what explanations walk.
    pub nodes: Vec<Node>,
    /// The same conditions as flat graphs of tests: what the fast path runs.
    pub flat: flat::Flat,
    /// The node of each predicate's body, by predicate id.
    pub predicate_nodes: Box<[NodeId]>,
    /// The predicates each predicate's body uses directly, each once, by
    /// predicate id.
    pub predicate_uses: Box<[Box<[u32]>]>,
    /// Every fact the scope's and the flags' evidence quotes, each once, in
    /// the order they are first cited (the scope's, then each flag's).
    pub quotes: Box<[Quote]>,
    /// A bound of what quoting every quoted fact costs, for a report that
    /// need not measure its quotes: `evidence_fixed` bytes, plus
    /// `evidence_fanout` times [`QUOTE_EXPANSION`] times the document's
    /// length (`report/build.rs`).
    pub evidence_fixed: usize,
    pub evidence_fanout: usize,
    pub safeguards: Box<[NodeId]>,
    pub flags: Box<[FlagCode]>,
    /// The scope, when the ruleset declares one.
    pub scope: Option<ScopeCode>,
    pub cases: Box<[(Option<DispCode>, u32)]>,
    /// For each record (by id), the dotted field path of each of its slots.
    pub slot_paths: Vec<Vec<String>>,
    /// The root record.
    pub root: u32,
    /// How many 64-bit words a bit set over the flags takes.
    pub flag_words: usize,
    /// For each safeguard, the flags it mitigates, as a bit set over the flags.
    pub mitigates: Box<[Box<[u64]>]>,
    /// The flags that have safeguards, as a bit set over the flags.
    pub mitigable: Box<[u64]>,
    /// How many 64-bit words a bit set over the safeguards takes.
    pub safeguard_words: usize,
}

/// How much longer a value quoted from loaded facts may be than its text in
/// the document, at most: a decimal written with an exponent (`1e27`, 4
/// bytes) is quoted with all its digits (28 bytes). Other values quote no
/// longer than they were written (absent fields and repeated set members
/// are dropped, escapes kept or shortened).
pub(crate) const QUOTE_EXPANSION: usize = 7;

/// What a quoted fact adds besides its path (written twice, in `facts` and in
/// `provenance`) and its values: the JSON of `"…":…` and
/// `"…":{"source":…,"as_of":…}` and separators.
pub(crate) const QUOTE_OVERHEAD: usize = 48;

/// How many 64-bit words a bit set of `n` members takes.
pub(crate) fn words(n: usize) -> usize {
    n.div_ceil(64)
}

/// A bit set of `words` words with the given members set; members past the
/// end are ignored.
pub(crate) fn bit_set(members: impl IntoIterator<Item = usize>, words: usize) -> Box<[u64]> {
    let mut out = vec![0u64; words];
    for m in members {
        if let Some(w) = out.get_mut(m / 64) {
            *w |= 1u64 << (m % 64);
        }
    }
    out.into_boxed_slice()
}

/// Compiles checked rules.
pub(crate) fn compile(checked: &Checked) -> Program {
    let mut c = Compiler {
        schema: &checked.schema,
        nodes: Vec::new(),
        binders: Vec::new(),
    };
    let mut predicate_nodes = vec![0; checked.predicates.len()];
    let mut predicate_uses: Vec<Box<[u32]>> = vec![Box::default(); checked.predicates.len()];
    let predicates: Box<[(u32, NodeId)]> = checked
        .predicate_order
        .iter()
        .filter_map(|&p| {
            let pred = checked.predicates.get(p)?;
            let (node, uses) = c.cond_and_uses(&pred.body);
            if let Some(slot) = predicate_nodes.get_mut(p) {
                *slot = node;
            }
            if let Some(slot) = predicate_uses.get_mut(p) {
                *slot = uses;
            }
            Some((u32::try_from(p).ok()?, node))
        })
        .collect();
    let safeguards: Box<[NodeId]> = checked.safeguards.iter().map(|s| c.cond(&s.when)).collect();
    let safeguard_words = words(checked.safeguards.len());
    let flag_words = words(checked.flags.len());
    // The scope is compiled first: it is evaluated first, and its evidence
    // entries come first.
    let mut quotes: IndexMap<String, Quote> = IndexMap::new();
    let scope = checked.scope.as_ref().map(|sc| {
        let (cond, uses) = c.cond_and_uses(&sc.when);
        ScopeCode {
            cond,
            uses,
            evidence: c.evidence(&sc.evidence, &mut quotes),
            otherwise: u32::try_from(sc.otherwise).unwrap_or(0),
        }
    });
    let mut flags = Vec::with_capacity(checked.flags.len());
    for f in &checked.flags {
        let (cond, uses) = c.cond_and_uses(&f.when);
        let evidence = c.evidence(&f.evidence, &mut quotes);
        flags.push(FlagCode {
            cond,
            uses,
            mitigated_by: f
                .mitigated_by
                .iter()
                .filter_map(|&i| u32::try_from(i).ok())
                .collect(),
            evidence,
        });
    }
    let flags = flags.into_boxed_slice();
    let quotes = quotes.into_values().collect::<Box<[Quote]>>();
    // Every quoted fact is a part of the document: the facts that are parts
    // of one root fact quote at most that fact's text, each. Each entry of
    // a flag's evidence names its fact again (`"…",`).
    let mut per_root: indexmap::IndexMap<&str, usize> = indexmap::IndexMap::new();
    let mut evidence_fixed = 0usize;
    for q in &quotes {
        let root = q.path.split('.').next().unwrap_or_default();
        *per_root.entry(root).or_default() += 1;
        evidence_fixed = evidence_fixed.saturating_add(2 * q.path.len() + QUOTE_OVERHEAD);
    }
    let scope_evidence = scope.iter().flat_map(|s| s.evidence.iter());
    for &q in scope_evidence.chain(flags.iter().flat_map(|f| f.evidence.iter())) {
        let len = quotes.get(q as usize).map_or(0, |q| q.path.len());
        evidence_fixed = evidence_fixed.saturating_add(len + 3);
    }
    let evidence_fanout = per_root.values().copied().max().unwrap_or(0);
    let cases: Box<[(Option<DispCode>, u32)]> = checked
        .cases
        .iter()
        .map(|case| {
            (
                case.cond.as_ref().map(|d| disp(d, checked)),
                u32::try_from(case.outcome).unwrap_or(0),
            )
        })
        .collect();
    let mitigates = (0..checked.safeguards.len())
        .map(|s| {
            let flags = checked.flags.iter().enumerate();
            bit_set(
                flags
                    .filter(|(_, f)| f.mitigated_by.contains(&s))
                    .map(|(i, _)| i),
                flag_words,
            )
        })
        .collect();
    let mitigable = bit_set(
        (checked.flags.iter().enumerate())
            .filter(|(_, f)| !f.mitigated_by.is_empty())
            .map(|(i, _)| i),
        flag_words,
    );
    let mut flat = flatten(&c.nodes, &predicates, &safeguards, &flags, scope.as_ref());
    (flat.disp, flat.disp_entry) = flat::disposition(&cases);
    let slot_paths = (0..checked.schema.records.len())
        .map(|r| slot_paths(&checked.schema, r))
        .collect();
    Program {
        nodes: c.nodes,
        flat,
        predicate_nodes: predicate_nodes.into_boxed_slice(),
        predicate_uses: predicate_uses.into_boxed_slice(),
        quotes,
        evidence_fixed,
        evidence_fanout,
        safeguards,
        flags,
        scope,
        cases,
        slot_paths,
        root: u32::try_from(checked.schema.root).unwrap_or(0),
        flag_words,
        mitigates,
        mitigable,
        safeguard_words,
    }
}

/// The flat form of every condition.
fn flatten(
    nodes: &[Node],
    predicates: &[(u32, NodeId)],
    safeguards: &[NodeId],
    flags: &[FlagCode],
    scope: Option<&ScopeCode>,
) -> flat::Flat {
    let mut f = flat::Flattener::new(nodes);
    let predicates = predicates
        .iter()
        .map(|&(p, node)| (p, f.condition(node)))
        .collect();
    let scope = scope.map(|s| f.condition(s.cond));
    let safeguards = safeguards.iter().map(|&n| f.condition(n)).collect();
    let flags = flags.iter().map(|code| f.condition(code.cond)).collect();
    flat::Flat {
        ops: f.finish(),
        predicates,
        safeguards,
        flags,
        scope,
        ..flat::Flat::default()
    }
}

/// The dotted path of every slot of a record, nested records included.
fn slot_paths(schema: &Schema, record: RecordId) -> Vec<String> {
    let mut out = Vec::new();
    fn walk(schema: &Schema, record: RecordId, prefix: &str, out: &mut Vec<String>, depth: usize) {
        let Some(rec) = schema.record(record) else {
            return;
        };
        for (name, field) in &rec.fields {
            let path = if prefix.is_empty() {
                name.clone()
            } else {
                format!("{prefix}.{name}")
            };
            out.push(path.clone());
            // INVARIANT: the checker bounds record nesting, so `depth` stays small.
            if let Type::Record(r) = field.ty
                && depth < crate::limits::MAX_SCHEMA_DEPTH
            {
                walk(schema, r, &path, out, depth + 1);
            }
        }
    }
    walk(schema, record, "", &mut out, 0);
    out
}

struct Compiler<'a> {
    schema: &'a Schema,
    nodes: Vec<Node>,
    /// The record of each quantifier variable in scope, outermost first.
    binders: Vec<RecordId>,
}

impl Compiler<'_> {
    fn push(&mut self, node: Node) -> NodeId {
        self.nodes.push(node);
        // INVARIANT: the number of nodes is bounded by the source size limit.
        u32::try_from(self.nodes.len() - 1).unwrap_or(u32::MAX)
    }

    fn at(&self, f: &FactRef) -> At {
        let (frame, record) = match &f.base {
            Base::Root => (0, self.schema.root),
            Base::Binder { level, record, .. } => (*level, *record),
        };
        // INVARIANT: the checker resolved this path against the same schema.
        let slot = self
            .schema
            .resolve(record, f.fields.iter().map(String::as_str))
            .map_or(0, |(s, _)| s);
        At {
            frame: u8::try_from(frame).unwrap_or(u8::MAX),
            slot: u32::try_from(slot).unwrap_or(u32::MAX),
        }
    }

    /// The evidence entries of facts: printed path, root slot and type.
    /// The evidence facts `facts`, as indices into `quotes`, where those
    /// not quoted yet are added.
    fn evidence(&self, facts: &[FactRef], quotes: &mut IndexMap<String, Quote>) -> Box<[u32]> {
        facts
            .iter()
            .filter_map(|e| {
                let (slot, ty) = self
                    .schema
                    .resolve(self.schema.root, e.fields.iter().map(String::as_str))?;
                let path = e.fields.join(".");
                let slot = u32::try_from(slot).ok()?;
                let entry = quotes.entry(path);
                let index = u32::try_from(entry.index()).ok()?;
                entry.or_insert_with_key(|path| Quote {
                    path: path.clone(),
                    slot,
                    ty,
                });
                Some(index)
            })
            .collect()
    }

    /// Compiles a whole condition, and lists the predicates it uses
    /// directly (its nodes are pushed one after the other).
    fn cond_and_uses(&mut self, c: &Cond) -> (NodeId, Box<[u32]>) {
        let first = self.nodes.len();
        let node = self.cond(c);
        let mut uses: Vec<u32> = (self.nodes.get(first..).unwrap_or_default().iter())
            .filter_map(|n| match n {
                Node::Pred(p) => Some(*p),
                _ => None,
            })
            .collect();
        uses.sort_unstable();
        uses.dedup();
        (node, uses.into_boxed_slice())
    }

    fn cond(&mut self, c: &Cond) -> NodeId {
        let node = match c {
            Cond::Const(b) => Node::Const(*b),
            Cond::Fact(f) => Node::Bool(self.at(f)),
            Cond::Not(i) => Node::Not(self.cond(i)),
            Cond::And(items) => Node::And(items.iter().map(|i| self.cond(i)).collect()),
            Cond::Or(items) => Node::Or(items.iter().map(|i| self.cond(i)).collect()),
            Cond::Cmp(op, a, b) => {
                let (a, b) = (self.operand(a), self.operand(b));
                specialise_cmp(*op, a, b)
            }
            Cond::In(v, set) => {
                let v = self.operand(v);
                match set {
                    SetExpr::Lit(SetLit::Enum(_, m)) => match v {
                        Operand::Fact(at) => Node::EnumIn(at, *m),
                        v => Node::InMask(v, Mask::Const(*m)),
                    },
                    SetExpr::Fact(f) => Node::InMask(v, Mask::Fact(self.at(f))),
                    SetExpr::Lit(SetLit::Values(values)) => {
                        Node::InValues(v, values.clone().into_boxed_slice())
                    }
                }
            }
            Cond::Contains(test, f, right) => {
                let at = self.at(f);
                let mask = match right {
                    SetOrValue::Value(Value::Lit(Lit::Enum(_, i))) => {
                        Mask::Const(crate::facts::bit(*i))
                    }
                    SetOrValue::Value(v) => Mask::Value(self.operand(v)),
                    SetOrValue::Set(SetExpr::Lit(SetLit::Enum(_, m))) => Mask::Const(*m),
                    SetOrValue::Set(SetExpr::Lit(SetLit::Values(_))) => Mask::Const(0),
                    SetOrValue::Set(SetExpr::Fact(g)) => Mask::Fact(self.at(g)),
                };
                Node::SetTest(*test, at, mask)
            }
            Cond::Quant(q, list, _, body) => {
                let (list, body) = self.scoped(list, |c| c.cond(body));
                Node::Quant(*q, list, body)
            }
            Cond::Known(f) => Node::Known(self.at(f)),
            Cond::Pred(p) => Node::Pred(u32::try_from(*p).unwrap_or(u32::MAX)),
        };
        self.push(node)
    }

    /// Compiles `f` with the elements of `list` bound to the next frame level.
    fn scoped<T>(&mut self, list: &FactRef, f: impl FnOnce(&mut Self) -> T) -> (List, T) {
        // INVARIANT: the checker only lets quantifiers range over list facts.
        let record = match list.ty {
            Type::List(r) => r,
            _ => 0,
        };
        let at = self.at(list);
        self.binders.push(record);
        let level = u8::try_from(self.binders.len()).unwrap_or(u8::MAX);
        // The body's nodes are pushed one after the other, children first:
        // their number is the body's size.
        let first = self.nodes.len();
        let out = f(self);
        let size = self.nodes.len() - first;
        self.binders.pop();
        (
            List {
                at,
                level,
                record: u32::try_from(record).unwrap_or(0),
                weight: u32::try_from(size.max(1)).unwrap_or(u32::MAX),
            },
            out,
        )
    }

    fn operand(&mut self, v: &Value) -> Operand {
        match v {
            Value::Lit(l) => Operand::Lit(l.clone()),
            Value::Fact(f) => Operand::Fact(self.at(f)),
            Value::Count(list, _, body) => {
                let (list, body) = self.scoped(list, |c| body.as_ref().map(|b| c.cond(b)));
                Operand::Count { list, body }
            }
        }
    }
}

/// A comparison, in the cheapest node that computes the same result. The
/// general [`Node::Cmp`] converts both sides to scalars at every evaluation;
/// a fact compared with a literal, the common case, needs none of that.
fn specialise_cmp(op: CmpOp, a: Operand, b: Operand) -> Node {
    // Put the fact on the left: `3 < x` is `x > 3`.
    let (op, a, b) = match (&a, &b) {
        (Operand::Lit(_), Operand::Fact(_)) => (flip(op), b, a),
        _ => (op, a, b),
    };
    match (a, b) {
        (Operand::Fact(at), Operand::Lit(Lit::Int(n))) => Node::CmpInt(at, op, n),
        (Operand::Fact(at), Operand::Lit(Lit::Decimal(d))) => Node::CmpDec(at, op, d),
        (Operand::Count { list, body }, Operand::Lit(Lit::Int(n))) => {
            Node::CountCmp(list, body, op, n)
        }
        (Operand::Lit(Lit::Int(n)), Operand::Count { list, body }) => {
            Node::CountCmp(list, body, flip(op), n)
        }
        (Operand::Fact(at), Operand::Lit(Lit::Enum(_, v))) => {
            // The enum values `i` for which `i op v` holds.
            let variants = u16::try_from(crate::limits::MAX_ENUM_VARIANTS).unwrap_or(u16::MAX);
            let mask = (0..variants)
                .filter(|&i| op.holds(i.cmp(&v)))
                .fold(0u128, |m, i| m | crate::facts::bit(i));
            Node::EnumIn(at, mask)
        }
        (a, b) => Node::Cmp(op, a, b),
    }
}

/// The operator with its sides swapped.
fn flip(op: CmpOp) -> CmpOp {
    match op {
        CmpOp::Lt => CmpOp::Gt,
        CmpOp::Le => CmpOp::Ge,
        CmpOp::Gt => CmpOp::Lt,
        CmpOp::Ge => CmpOp::Le,
        CmpOp::Eq | CmpOp::Ne => op,
    }
}

fn disp(d: &DispCond, checked: &Checked) -> DispCode {
    match d {
        DispCond::Any(s) => DispCode::Any(selector(s, checked)),
        DispCond::No(s) => DispCode::No(selector(s, checked)),
        DispCond::Count(s, op, n) => DispCode::Count(selector(s, checked), *op, *n),
        DispCond::Not(i) => DispCode::Not(Box::new(disp(i, checked))),
        DispCond::And(items) => DispCode::And(items.iter().map(|i| disp(i, checked)).collect()),
        DispCond::Or(items) => DispCode::Or(items.iter().map(|i| disp(i, checked)).collect()),
    }
}

fn selector(s: &Selector, checked: &Checked) -> SelCode {
    let passes = |severity: Severity, step: u8| {
        s.severity
            .iter()
            .all(|(op, level)| op.holds(severity.cmp(level)))
            && s.step
                .iter()
                .all(|(op, n)| op.holds(i64::from(step).cmp(n)))
    };
    SelCode {
        flags: bit_set(
            checked
                .flags
                .iter()
                .enumerate()
                .filter(|(_, f)| passes(f.severity, f.step))
                .map(|(i, _)| i),
            words(checked.flags.len()),
        ),
        masks: {
            let all = |b: bool| if b { u64::MAX } else { 0 };
            let [raised, clear, unknown] = s.statuses;
            [
                all(raised),
                all(clear),
                all(unknown),
                all(s.mitigated != Some(false)),
                all(s.mitigated != Some(true)),
            ]
        },
    }
}

#[cfg(test)]
mod tests {
    use crate::RuleSet;

    /// The fast path does not clear the predicate cache between transactions
    /// (`Outcome::compute`): it relies on every predicate being run, and so
    /// written, on each. A predicate left out of the order would be read stale.
    #[test]
    fn every_predicate_is_run_on_every_evaluation() {
        let sources = [
            crate::BUNDLED_SOURCE,
            include_str!("../../benches/data/bench.rules"),
            include_str!("../../rulesets/eu-2021-821-art5.rules"),
        ];
        for source in sources {
            let rules = RuleSet::compile(source, "test.rules").unwrap();
            let (checked, program) = (rules.engine.checked(), rules.engine.program());
            let mut run: Vec<u32> = program.flat.predicates.iter().map(|&(p, _)| p).collect();
            run.sort_unstable();
            let all: Vec<u32> = (0..checked.predicates.len() as u32).collect();
            assert_eq!(run, all, "{}", rules.name());
        }
    }
}
