//! What the fuzz targets in `fuzz/` need from inside the crate, behind the
//! `fuzzing` feature: the parser on its own, a generator of well-typed rules
//! and facts, and a differential check of the compiled evaluator against the
//! reference interpreter (`eval::interp`).
//!
//! Not a public API: it is `#[doc(hidden)]`, may change at any time, and is
//! compiled only with `--features fuzzing` (and in the crate's own tests,
//! which run the generator and the check on fixed seeds).

use crate::eval::interp::Interpreter;
use crate::model::{SafeguardStatus, Status};
use crate::tri::Tri;
use crate::{ConditionKind, EvalError, RuleSet, Severity, check, syntax};

/// Parses a source into its AST and drops it; `true` when it parsed.
pub fn parse(source: &str) -> bool {
    syntax::parse(source).is_ok()
}

/// Compiles `rules` (which must check), loads `facts` for it (which must
/// load) and compares the report of the compiled evaluator with the reference
/// interpreter: see [`Differential::check`].
///
/// # Errors
///
/// A description of the first disagreement, or of why the input was refused.
pub fn differential(rules: &str, facts: &str) -> Result<(), String> {
    Differential::new(rules)?.check(facts)
}

/// A ruleset compiled once, to be compared with the reference interpreter on
/// many facts documents.
pub struct Differential {
    ruleset: RuleSet,
    checked: check::Checked,
}

impl Differential {
    /// Compiles `rules`, which must check without errors.
    ///
    /// # Errors
    ///
    /// The diagnostics, when the rules do not check.
    pub fn new(rules: &str) -> Result<Differential, String> {
        let ruleset = RuleSet::compile(rules, "generated.rules")
            .map_err(|e| format!("the generated rules do not check:\n{e}"))?;
        // The interpreter reads the checked rules; they are checked again
        // here rather than taken from the ruleset, which keeps them private.
        let file = syntax::parse(rules).map_err(|_| "the rules parse once but not twice")?;
        let checked =
            check::check(&file, rules).map_err(|_| "the rules check once but not twice")?;
        Ok(Differential { ruleset, checked })
    }

    /// Loads `facts` (which must load) and compares the report of the
    /// compiled evaluator with the reference interpreter: every flag's status
    /// and missing facts, every safeguard's status, and no type error met by
    /// the interpreter.
    ///
    /// # Errors
    ///
    /// A description of the first disagreement, or of why the facts were refused.
    pub fn check(&self, facts: &str) -> Result<(), String> {
        let facts = self
            .ruleset
            .facts_from_json(facts)
            .map_err(|e| format!("the generated facts are refused: {e}"))?;
        let report = self.ruleset.evaluate(&facts).map_err(|e| e.to_string())?;
        let interp = Interpreter::new(&self.checked, &facts, crate::DEFAULT_BUDGET);
        let flags = interp.flags();
        if flags.len() != report.flags().len() {
            return Err("the report and the interpreter have different flags".into());
        }
        for (flag, traced) in report.flags().zip(flags) {
            let expected = match traced.value {
                Tri::True => Status::Raised,
                Tri::False => Status::Clear,
                Tri::Unknown => Status::Unknown,
            };
            if flag.status != expected {
                return Err(format!(
                    "flag {}: the report says {:?}, the interpreter {expected:?}",
                    flag.id, flag.status
                ));
            }
            let mut missing: Vec<String> = traced.missing.into_iter().collect();
            // A report whose quote budget ran out lists fewer, the first ones.
            if flag.missing_truncated {
                missing.truncate(flag.missing().len());
            }
            if !flag.missing().eq(missing.iter().map(String::as_str)) {
                return Err(format!(
                    "flag {}: the report misses {:?}, the interpreter {missing:?}",
                    flag.id,
                    flag.missing().collect::<Vec<_>>()
                ));
            }
        }
        for (s, traced) in report.safeguards().zip(interp.safeguards()) {
            let expected = match traced.value {
                Tri::True => SafeguardStatus::InPlace,
                Tri::False => SafeguardStatus::Missing,
                Tri::Unknown => SafeguardStatus::Unknown,
            };
            if s.status != expected {
                return Err(format!(
                    "safeguard {}: the report says {:?}, the interpreter {expected:?}",
                    s.id, s.status
                ));
            }
        }
        match interp.type_errors.get() {
            0 => Ok(()),
            n => Err(format!("the interpreter met {n} type error(s)")),
        }
    }
}

/// A ruleset compiled once with a small work budget, to check that any facts
/// document is evaluated, reported and explained within bounds.
pub struct Resources {
    ruleset: RuleSet,
    source: String,
    budget: u64,
}

impl Resources {
    /// Compiles `rules`, which must check without errors, with a budget of
    /// `budget` steps for each evaluation, report and explanation (small,
    /// so that one case runs in milliseconds whatever the rules).
    ///
    /// # Errors
    ///
    /// The diagnostics, when the rules do not check.
    pub fn new(rules: &str, budget: u64) -> Result<Resources, String> {
        let ruleset = RuleSet::compile(rules, "generated.rules")
            .map_err(|e| format!("the generated rules do not check:\n{e}"))?;
        Ok(Resources {
            ruleset: ruleset.with_budget(budget),
            source: rules.to_string(),
            budget,
        })
    }

    /// Loads `facts` (which must load), evaluates, reports, writes the
    /// report as JSON and explains every flag: each either succeeds or
    /// stops at the budget with [`EvalError::OverBudget`] naming a
    /// condition of the ruleset; a report's JSON stays within the quote
    /// budget plus a multiple of the ruleset's size.
    ///
    /// # Errors
    ///
    /// What went wrong: any other error, a wrong id, a report too large.
    pub fn check(&self, facts: &str) -> Result<(), String> {
        let rules = &self.ruleset;
        let doc = rules
            .facts_from_json(facts)
            .map_err(|e| format!("the generated facts are refused: {e}"))?;
        let over = |e: EvalError| match e {
            EvalError::OverBudget { budget, kind, id } if budget == self.budget => {
                let known = match kind {
                    ConditionKind::Flag => rules.flags().any(|f| f.id == id),
                    ConditionKind::Safeguard => rules.safeguards().any(|s| s.id == id),
                    _ => self.source.contains(&format!("predicate {id} ")),
                };
                if known {
                    Ok(())
                } else {
                    Err(format!(
                        "over budget in `{id}`, which the ruleset does not have"
                    ))
                }
            }
            e => Err(format!("unexpected error: {e}")),
        };
        match rules.evaluate(&doc) {
            Ok(report) => {
                let json = report.to_json();
                let bound = crate::report_quote_budget(facts.len()) + 64 * self.source.len();
                if json.len() > bound {
                    return Err(format!(
                        "a report of {} bytes, over its bound of {bound}",
                        json.len()
                    ));
                }
            }
            Err(e) => over(e)?,
        }
        for flag in rules.flags() {
            match rules.explain(&doc, flag.id) {
                Ok(Some(_)) => {}
                Ok(None) => return Err(format!("no explanation of flag {}", flag.id)),
                Err(e) => over(e)?,
            }
        }
        Ok(())
    }
}

/// The schema every generated ruleset shares: every kind of type, records in
/// records, lists in lists.
const SCHEMA: &str = r#"
ruleset "fuzz" { version: "1" title: "generated" source: "fuzzing" }
enum Color { red, green, blue, black }
record Sub { f: bool  k: int }
record Item { ok: bool  n: int  c: Color  tags: set<Color>  sub: list<Sub>  w: decimal }
record Inner { z: bool }
record Rec { x: int  y: bool  c: Color  inner: Inner }
facts {
  b1: bool  b2: bool  i1: int  i2: int  d1: decimal  s1: string
  e1: Color  e2: Color  set1: set<Color>  set2: set<Color>
  rec: Rec  items: list<Item>  others: list<Item>
}
"#;

const COLORS: [&str; 4] = ["red", "green", "blue", "black"];
const OPS: [&str; 6] = ["==", "!=", "<", "<=", ">", ">="];
const INTS: [&str; 8] = [
    "-2",
    "-1",
    "0",
    "1",
    "2",
    "3",
    "9223372036854775807",
    "-9223372036854775808",
];
const DECIMALS: [&str; 8] = [
    "0.5",
    "1",
    "-0.25",
    "1.50",
    "2",
    "0",
    "0.000000000000000001",
    "-99999999.999999999",
];

/// Makes the JSON value of one field.
type FieldGen<'d> = fn(&mut Gen<'d>) -> String;

/// A generator of well-typed rules and facts. Its choices come from the
/// fuzzer's bytes while they last, then from a xorshift sequence, so that a
/// byte string (or a seed) is one case and small changes to the bytes make
/// small changes to the case.
pub struct Gen<'d> {
    data: &'d [u8],
    state: u64,
    binders: Vec<(String, bool)>,
    next_binder: usize,
    predicates: usize,
    /// Generates the costly shapes: long chains of predicates that each use
    /// earlier ones twice, quantifiers nested deep over one list, long lists.
    stress: bool,
}

impl<'d> Gen<'d> {
    /// A generator driven by `data`.
    pub fn from_bytes(data: &'d [u8]) -> Gen<'d> {
        Gen {
            data,
            state: 0x9E37_79B9_7F4A_7C15,
            binders: Vec::new(),
            next_binder: 0,
            predicates: 0,
            stress: false,
        }
    }

    /// A generator driven by `data` that makes the costly shapes too: deep
    /// predicate graphs, deeply nested quantifiers and long lists (the
    /// `resources` fuzz target).
    pub fn stress_from_bytes(data: &'d [u8]) -> Gen<'d> {
        Gen {
            stress: true,
            ..Gen::from_bytes(data)
        }
    }

    /// A generator driven by a seed alone.
    pub fn from_seed(seed: u64) -> Gen<'static> {
        Gen {
            data: &[],
            state: seed | 1,
            binders: Vec::new(),
            next_binder: 0,
            predicates: 0,
            stress: false,
        }
    }

    fn below(&mut self, n: usize) -> usize {
        if n <= 1 {
            return 0;
        }
        if let Some((&b, rest)) = self.data.split_first() {
            self.data = rest;
            return usize::from(b) % n;
        }
        let mut x = self.state;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.state = x;
        // The remainder is below `n`, so it fits in a usize.
        usize::try_from(x % n as u64).unwrap_or(0)
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        let i = self.below(items.len());
        items.get(i).copied().unwrap_or("")
    }

    /// A binder of `Item` elements (`true`) or `Sub` elements (`false`).
    fn binder(&mut self, item: bool) -> Option<String> {
        let found: Vec<String> = self
            .binders
            .iter()
            .filter(|(_, i)| *i == item)
            .map(|(n, _)| n.clone())
            .collect();
        let i = self.below(found.len());
        found.get(i).cloned()
    }

    fn int_operand(&mut self) -> String {
        match self.below(6) {
            0 => "i1".into(),
            1 => "i2".into(),
            2 => "rec.x".into(),
            3 => self.binder(true).map_or("i1".into(), |b| format!("{b}.n")),
            4 => self.binder(false).map_or("i2".into(), |b| format!("{b}.k")),
            _ => self.pick(&INTS).into(),
        }
    }

    fn num_operand(&mut self) -> String {
        match self.below(4) {
            0 => "d1".into(),
            1 => self.binder(true).map_or("d1".into(), |b| format!("{b}.w")),
            2 => self.pick(&DECIMALS).into(),
            _ => self.int_operand(),
        }
    }

    fn enum_operand(&mut self) -> String {
        match self.below(5) {
            0 => "e1".into(),
            1 => "e2".into(),
            2 => "rec.c".into(),
            3 => self.binder(true).map_or("e2".into(), |b| format!("{b}.c")),
            _ => self.pick(&COLORS).into(),
        }
    }

    fn set_operand(&mut self) -> String {
        match self.below(3) {
            0 => "set1".into(),
            1 => "set2".into(),
            _ => self
                .binder(true)
                .map_or("set1".into(), |b| format!("{b}.tags")),
        }
    }

    fn enum_literal_set(&mut self) -> String {
        let n = self.below(4);
        let items: Vec<&str> = (0..n).map(|_| self.pick(&COLORS)).collect();
        format!("{{{}}}", items.join(", "))
    }

    fn list(&mut self) -> (String, bool) {
        match self.below(3) {
            0 => ("items".into(), true),
            1 => ("others".into(), true),
            _ => match self.binder(true) {
                Some(b) => (format!("{b}.sub"), false),
                None => ("items".into(), true),
            },
        }
    }

    fn bool_atom(&mut self) -> String {
        match self.below(6) {
            0 => "b1".into(),
            1 => "b2".into(),
            2 => "rec.y".into(),
            3 => "rec.inner.z".into(),
            4 => self.binder(true).map_or("b1".into(), |b| format!("{b}.ok")),
            _ => self.binder(false).map_or("b2".into(), |b| format!("{b}.f")),
        }
    }

    fn known_path(&mut self) -> String {
        const PATHS: [&str; 11] = [
            "b1",
            "i1",
            "d1",
            "s1",
            "e1",
            "set1",
            "rec",
            "rec.inner",
            "rec.inner.z",
            "items",
            "others",
        ];
        match self.below(3) {
            0 => self
                .binder(true)
                .map_or("rec.x".into(), |b| format!("{b}.sub")),
            _ => self.pick(&PATHS).into(),
        }
    }

    fn quantified(&mut self, depth: usize, count: bool) -> String {
        let (list, item) = self.list();
        let name = format!("q{}", self.next_binder);
        self.next_binder += 1;
        self.binders.push((name.clone(), item));
        let body = self.cond(depth.saturating_sub(1));
        self.binders.pop();
        if count {
            let op = self.pick(&OPS);
            let k = self.below(4);
            if self.below(4) == 0 {
                format!("count({name} in {list}) {op} {k}")
            } else {
                format!("count({name} in {list} where {body}) {op} {k}")
            }
        } else {
            let q = self.pick(&["any", "all"]);
            format!("{q}({name} in {list} where {body})")
        }
    }

    fn cond(&mut self, depth: usize) -> String {
        // Under stress, one condition in three is a quantifier, so that
        // quantifiers nest deep, often over the same list.
        if self.stress && depth > 0 && self.below(3) == 0 {
            let count = self.below(3) == 0;
            return self.quantified(depth, count);
        }
        let choices = if depth == 0 { 9 } else { 14 };
        match self.below(choices) {
            0 => self.bool_atom(),
            1 => self.pick(&["true", "false"]).into(),
            2 => {
                let (a, op, b) = (self.int_operand(), self.pick(&OPS), self.int_operand());
                format!("{a} {op} {b}")
            }
            3 => {
                let (a, op, b) = (self.num_operand(), self.pick(&OPS), self.num_operand());
                format!("{a} {op} {b}")
            }
            4 => {
                let a = self.enum_operand();
                let op = self.pick(&OPS);
                // Two bare values would leave the enum unnamed.
                let b = if COLORS.contains(&a.as_str()) {
                    "e1".to_string()
                } else {
                    self.enum_operand()
                };
                format!("{a} {op} {b}")
            }
            5 => {
                let op = self.pick(&["==", "!="]);
                let lit = self.pick(&["\"a\"", "\"b\"", "s1", "\"\\u{1F600}\""]);
                format!("s1 {op} {lit}")
            }
            6 => match self.below(4) {
                0 => {
                    let a = self.enum_operand();
                    let a = if COLORS.contains(&a.as_str()) {
                        "e1".to_string()
                    } else {
                        a
                    };
                    format!("{a} in {}", self.enum_literal_set())
                }
                1 => format!("{} in {{-1, 0, 1, 2}}", self.int_operand()),
                2 => "s1 in {\"a\", \"c\"}".to_string(),
                _ => format!("{} in {}", self.enum_operand(), self.set_operand()),
            },
            7 => {
                let s = self.set_operand();
                match self.below(4) {
                    0 => format!("{s} contains {}", self.enum_operand()),
                    1 => format!("{s} contains any of {}", self.enum_literal_set()),
                    2 => format!("{s} contains all of {}", self.enum_literal_set()),
                    _ => {
                        let t = self.pick(&["any", "all", "none"]);
                        format!("{s} contains {t} of {}", self.set_operand())
                    }
                }
            }
            8 => format!("known({})", self.known_path()),
            9 => format!("not ({})", self.cond(depth.saturating_sub(1))),
            10 => {
                let n = 2 + self.below(2);
                let op = self.pick(&[" and ", " or "]);
                let parts: Vec<String> = (0..n)
                    .map(|_| format!("({})", self.cond(depth.saturating_sub(1))))
                    .collect();
                parts.join(op)
            }
            11 => self.quantified(depth, false),
            12 => self.quantified(depth, true),
            _ => {
                if self.predicates > 0 && self.binders.is_empty() {
                    format!("p{}", self.below(self.predicates))
                } else {
                    self.bool_atom()
                }
            }
        }
    }

    /// A whole ruleset over [`SCHEMA`]: predicates (each may use those before
    /// it), safeguards, flags, outcomes and a disposition.
    pub fn ruleset(&mut self) -> String {
        let mut out = String::from(SCHEMA);
        let preds = self.below(if self.stress { 48 } else { 6 });
        for p in 0..preds {
            self.predicates = p;
            let mut body = self.cond(3);
            // Under stress, half the predicates use the one before and
            // another earlier one: a graph with exponentially many paths.
            if self.stress && p > 0 && self.below(2) == 0 {
                let other = self.below(p);
                body = format!("({body}) or (p{} and not p{other})", p - 1);
            }
            out.push_str(&format!("predicate p{p} {{ {body} }}\n"));
        }
        self.predicates = preds;
        for s in 0..2 {
            let body = self.cond(2);
            out.push_str(&format!(
                "safeguard G.s{s} {{ step: 6 title: \"s\" when: {body} }}\n"
            ));
        }
        let flags = 1 + self.below(6);
        let depth = if self.stress { 7 } else { 4 };
        for f in 0..flags {
            let body = self.cond(depth);
            let severity = Severity::ALL
                .get(self.below(4))
                .copied()
                .unwrap_or(Severity::Low);
            let mitigated = self.pick(&["", "mitigated_by: G.s0", "mitigated_by: G.s0, G.s1"]);
            let step = 1 + self.below(4);
            out.push_str(&format!(
                "flag F.f{f} {{ step: {step} severity: {severity} title: \"f\" when: {body} {mitigated} }}\n"
            ));
        }
        out.push_str("outcomes { go, careful, ask, stop }\ndisposition {\n");
        for outcome in ["stop", "ask", "careful"] {
            let cond = self.disp_cond(2);
            out.push_str(&format!("  when {cond} => {outcome}\n"));
        }
        out.push_str("  otherwise => go\n}\n");
        out
    }

    /// A flag selector with random filters.
    fn selector(&mut self) -> String {
        let mut filters: Vec<String> = Vec::new();
        for status in ["raised", "clear", "unknown"] {
            if self.below(3) == 0 {
                filters.push(status.into());
            }
        }
        match self.below(4) {
            0 => filters.push("mitigated".into()),
            1 => filters.push("unmitigated".into()),
            _ => {}
        }
        if self.below(2) == 0 {
            let op = self.pick(&OPS);
            let level = self.pick(&["low", "medium", "high", "critical"]);
            filters.push(format!("severity {op} {level}"));
        }
        if self.below(3) == 0 {
            let op = self.pick(&OPS);
            filters.push(format!("step {op} {}", 1 + self.below(4)));
        }
        if filters.is_empty() && self.below(2) == 0 {
            return "flags".into();
        }
        format!("flags({})", filters.join(", "))
    }

    /// A condition of the disposition.
    fn disp_cond(&mut self, depth: usize) -> String {
        let choices = if depth == 0 { 3 } else { 5 };
        match self.below(choices) {
            0 => format!("any {}", self.selector()),
            1 => format!("no {}", self.selector()),
            2 => {
                let s = self.selector();
                let op = self.pick(&OPS);
                format!("count {s} {op} {}", self.below(4))
            }
            3 => format!("not ({})", self.disp_cond(depth - 1)),
            _ => {
                let op = self.pick(&[" and ", " or "]);
                let (a, b) = (self.disp_cond(depth - 1), self.disp_cond(depth - 1));
                format!("({a}){op}({b})")
            }
        }
    }

    fn leaf(&mut self, value: String) -> String {
        match self.below(10) {
            0 => "null".into(),
            1 => format!("{{\"value\": {value}, \"source\": \"gen\", \"as_of\": \"2025\"}}"),
            _ => value,
        }
    }

    fn int(&mut self) -> String {
        let v = self.pick(&INTS).to_string();
        self.leaf(v)
    }

    fn color(&mut self) -> String {
        let v = format!("\"{}\"", self.pick(&COLORS));
        self.leaf(v)
    }

    fn set(&mut self) -> String {
        let n = self.below(4);
        let items: Vec<String> = (0..n)
            .map(|_| format!("\"{}\"", self.pick(&COLORS)))
            .collect();
        self.leaf(format!("[{}]", items.join(",")))
    }

    fn boolean(&mut self) -> String {
        let v = self.pick(&["true", "false"]).to_string();
        self.leaf(v)
    }

    fn decimal(&mut self) -> String {
        let v = self.pick(&DECIMALS).to_string();
        self.leaf(v)
    }

    fn string(&mut self) -> String {
        let v = format!("\"{}\"", self.pick(&["a", "b", "c", "\\u00e9"]));
        self.leaf(v)
    }

    /// An object whose fields are each absent one time in five.
    fn object(&mut self, fields: &[(&str, FieldGen<'d>)]) -> String {
        let mut parts = Vec::new();
        for (name, make) in fields {
            if self.below(5) != 0 {
                parts.push(format!("\"{name}\": {}", make(self)));
            }
        }
        format!("{{{}}}", parts.join(", "))
    }

    fn sub(&mut self) -> String {
        self.object(&[("f", Gen::boolean), ("k", Gen::int)])
    }

    fn subs(&mut self) -> String {
        self.list_of(Gen::sub)
    }

    fn item(&mut self) -> String {
        self.object(&[
            ("ok", Gen::boolean),
            ("n", Gen::int),
            ("c", Gen::color),
            ("tags", Gen::set),
            ("sub", Gen::subs),
            ("w", Gen::decimal),
        ])
    }

    fn items(&mut self) -> String {
        self.list_of(Gen::item)
    }

    fn list_of(&mut self, make: FieldGen<'d>) -> String {
        if self.below(8) == 0 {
            return "null".into();
        }
        let n = if self.stress && self.below(4) == 0 {
            self.below(64)
        } else {
            self.below(5)
        };
        let items: Vec<String> = (0..n).map(|_| make(self)).collect();
        format!("[{}]", items.join(", "))
    }

    fn inner(&mut self) -> String {
        self.object(&[("z", Gen::boolean)])
    }

    fn rec(&mut self) -> String {
        if self.below(6) == 0 {
            return "null".into();
        }
        self.object(&[
            ("x", Gen::int),
            ("y", Gen::boolean),
            ("c", Gen::color),
            ("inner", Gen::inner),
        ])
    }

    /// A facts document for [`SCHEMA`], with absences, nulls and provenance.
    pub fn facts(&mut self) -> String {
        self.object(&[
            ("b1", Gen::boolean),
            ("b2", Gen::boolean),
            ("i1", Gen::int),
            ("i2", Gen::int),
            ("d1", Gen::decimal),
            ("s1", Gen::string),
            ("e1", Gen::color),
            ("e2", Gen::color),
            ("set1", Gen::set),
            ("set2", Gen::set),
            ("rec", Gen::rec),
            ("items", Gen::items),
            ("others", Gen::items),
        ])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_rules_check_and_the_evaluator_agrees_with_the_interpreter() {
        for seed in 0..50 {
            let mut g = Gen::from_seed(seed);
            let rules = g.ruleset();
            let d = Differential::new(&rules).unwrap_or_else(|e| panic!("seed {seed}: {e}"));
            for _ in 0..4 {
                let facts = g.facts();
                if let Err(e) = d.check(&facts) {
                    panic!("seed {seed}: {e}\nrules:\n{rules}\nfacts: {facts}");
                }
            }
        }
    }

    #[test]
    fn costly_generated_rules_stay_within_their_budget_and_bounds() {
        let mut over = 0;
        for seed in 0..40u64 {
            let data: Vec<u8> = (0..64).map(|i| (seed * 31 + i * 7) as u8).collect();
            let mut g = Gen::stress_from_bytes(&data);
            let rules = g.ruleset();
            let r = Resources::new(&rules, 5_000).unwrap_or_else(|e| panic!("seed {seed}: {e}"));
            for _ in 0..3 {
                let facts = g.facts();
                if let Err(e) = r.check(&facts) {
                    panic!("seed {seed}: {e}\nrules:\n{rules}\nfacts: {facts}");
                }
                let doc = r.ruleset.facts_from_json(&facts).unwrap();
                over += usize::from(r.ruleset.evaluate(&doc).is_err());
            }
        }
        // The generator does make cases that reach the budget.
        assert!(over > 0, "no generated case reached the budget");
    }

    #[test]
    fn any_bytes_make_a_case() {
        for data in [&b""[..], b"\x00", b"\xff\xff\xff\xff", b"0123456789abcdef"] {
            let mut g = Gen::from_bytes(data);
            let rules = g.ruleset();
            let facts = g.facts();
            differential(&rules, &facts).unwrap();
        }
        assert!(parse(BUNDLED));
        assert!(!parse("flag {"));
    }

    const BUNDLED: &str = crate::BUNDLED_SOURCE;
}
