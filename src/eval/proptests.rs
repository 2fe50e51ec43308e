//! Property tests: the compiled evaluator agrees with the reference
//! interpreter on random well-typed rules and random facts (unknowns
//! included), and a checked ruleset never meets a type error when evaluated.

use proptest::prelude::*;

use super::interp::Interpreter;
use crate::report::{SafeguardStatus, Status};
use crate::{RuleSet, Severity};

/// The schema every generated ruleset shares.
const SCHEMA: &str = r#"
ruleset "prop" { version: "1" title: "generated" source: "proptest" }
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

/// Makes the JSON value of one field.
type FieldGen = Box<dyn Fn(&mut Gen) -> String>;

/// A small deterministic generator (xorshift), so that one seed is one case.
struct Gen {
    state: u64,
    binders: Vec<(String, bool)>,
    next_binder: usize,
    predicates: usize,
}

impl Gen {
    fn new(seed: u64) -> Gen {
        Gen {
            state: seed | 1,
            binders: Vec::new(),
            next_binder: 0,
            predicates: 0,
        }
    }

    fn next(&mut self) -> u64 {
        let mut x = self.state;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.state = x;
        x
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }

    /// Binders of elements of `Item` lists (`true`) or `Sub` lists (`false`).
    fn binder(&mut self, item: bool) -> Option<String> {
        let found: Vec<String> = self
            .binders
            .iter()
            .filter(|(_, i)| *i == item)
            .map(|(n, _)| n.clone())
            .collect();
        if found.is_empty() {
            None
        } else {
            Some(found[self.below(found.len())].clone())
        }
    }

    fn int_operand(&mut self) -> String {
        match self.below(6) {
            0 => "i1".into(),
            1 => "i2".into(),
            2 => "rec.x".into(),
            3 => self.binder(true).map_or("i1".into(), |b| format!("{b}.n")),
            4 => self.binder(false).map_or("i2".into(), |b| format!("{b}.k")),
            _ => format!("{}", self.below(6) as i64 - 2),
        }
    }

    fn num_operand(&mut self) -> String {
        match self.below(4) {
            0 => "d1".into(),
            1 => self.binder(true).map_or("d1".into(), |b| format!("{b}.w")),
            2 => self.pick(&["0.5", "1", "-0.25", "1.5", "2.0", "0"]).into(),
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
        let paths = [
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
            _ => self.pick(&paths).into(),
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
                let lit = self.pick(&["\"a\"", "\"b\"", "s1"]);
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
            9 => format!("not ({})", self.cond(depth - 1)),
            10 => {
                let n = 2 + self.below(2);
                let op = self.pick(&[" and ", " or "]);
                let parts: Vec<String> = (0..n)
                    .map(|_| format!("({})", self.cond(depth - 1)))
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

    /// A whole ruleset: predicates, safeguards, flags, outcomes and a disposition.
    fn ruleset(&mut self) -> String {
        let mut out = String::from(SCHEMA);
        let preds = self.below(4);
        for p in 0..preds {
            // A predicate may use the ones before it, never itself.
            self.predicates = p;
            let body = self.cond(3);
            out.push_str(&format!("predicate p{p} {{ {body} }}\n"));
        }
        self.predicates = preds;
        for s in 0..2 {
            let body = self.cond(2);
            out.push_str(&format!(
                "safeguard G.s{s} {{ step: 6 title: \"s\" when: {body} }}\n"
            ));
        }
        for f in 0..6 {
            let body = self.cond(4);
            let severity = Severity::ALL[self.below(4)];
            let mitigated = ["", "mitigated_by: G.s0", "mitigated_by: G.s0, G.s1"][self.below(3)];
            out.push_str(&format!(
                "flag F.f{f} {{ step: {} severity: {severity} title: \"f\" when: {body} {mitigated} }}\n",
                1 + self.below(4)
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
        let v = format!("{}", self.below(6) as i64 - 2);
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
        let v = self
            .pick(&["0.5", "1", "-0.25", "1.50", "2", "0"])
            .to_string();
        self.leaf(v)
    }

    /// An object whose fields are each absent one time in five.
    fn object(&mut self, fields: Vec<(&str, FieldGen)>) -> String {
        let mut parts = Vec::new();
        for (name, make) in fields {
            if self.below(5) != 0 {
                parts.push(format!("\"{name}\": {}", make(self)));
            }
        }
        format!("{{{}}}", parts.join(", "))
    }

    fn sub(&mut self) -> String {
        self.object(vec![
            ("f", Box::new(Gen::boolean)),
            ("k", Box::new(Gen::int)),
        ])
    }

    fn item(&mut self) -> String {
        self.object(vec![
            ("ok", Box::new(Gen::boolean)),
            ("n", Box::new(Gen::int)),
            ("c", Box::new(Gen::color)),
            ("tags", Box::new(Gen::set)),
            ("sub", Box::new(|g: &mut Gen| g.list_of(Gen::sub))),
            ("w", Box::new(Gen::decimal)),
        ])
    }

    fn list_of(&mut self, make: fn(&mut Gen) -> String) -> String {
        if self.below(8) == 0 {
            return "null".into();
        }
        let n = self.below(4);
        let items: Vec<String> = (0..n).map(|_| make(self)).collect();
        format!("[{}]", items.join(", "))
    }

    fn facts(&mut self) -> String {
        self.object(vec![
            ("b1", Box::new(Gen::boolean)),
            ("b2", Box::new(Gen::boolean)),
            ("i1", Box::new(Gen::int)),
            ("i2", Box::new(Gen::int)),
            ("d1", Box::new(Gen::decimal)),
            (
                "s1",
                Box::new(|g: &mut Gen| {
                    let v = format!("\"{}\"", g.pick(&["a", "b", "c"]));
                    g.leaf(v)
                }),
            ),
            ("e1", Box::new(Gen::color)),
            ("e2", Box::new(Gen::color)),
            ("set1", Box::new(Gen::set)),
            ("set2", Box::new(Gen::set)),
            (
                "rec",
                Box::new(|g: &mut Gen| {
                    if g.below(6) == 0 {
                        return "null".into();
                    }
                    g.object(vec![
                        ("x", Box::new(Gen::int)),
                        ("y", Box::new(Gen::boolean)),
                        ("c", Box::new(Gen::color)),
                        (
                            "inner",
                            Box::new(|g: &mut Gen| g.object(vec![("z", Box::new(Gen::boolean))])),
                        ),
                    ])
                }),
            ),
            ("items", Box::new(|g: &mut Gen| g.list_of(Gen::item))),
            ("others", Box::new(|g: &mut Gen| g.list_of(Gen::item))),
        ])
    }
}

fn status_of(t: super::tri::Tri) -> Status {
    match t {
        super::tri::Tri::True => Status::Raised,
        super::tri::Tri::False => Status::Clear,
        super::tri::Tri::Unknown => Status::Unknown,
    }
}

/// Checks that the report (compiled evaluator) and the interpreter agree on
/// every flag and safeguard, missing facts included, with no type error.
fn agree(
    rules: &RuleSet,
    facts_json: &str,
    scratch: &mut crate::Scratch,
) -> Result<(), TestCaseError> {
    let facts = rules
        .facts_from_json(facts_json)
        .map_err(|e| TestCaseError::fail(format!("facts rejected: {e}")))?;
    let report = rules
        .evaluate(&facts)
        .map_err(|e| TestCaseError::fail(e.to_string()))?;
    let interp = Interpreter::new(rules.checked(), &facts);
    for (flag, traced) in report.flags.iter().zip(interp.flags()) {
        prop_assert_eq!(flag.status, status_of(traced.value), "flag {}", flag.id);
        let expected: Vec<String> = traced.missing.into_iter().collect();
        prop_assert_eq!(
            &flag.missing,
            &expected,
            "missing facts of flag {}",
            flag.id
        );
    }
    for (s, traced) in report.safeguards.iter().zip(interp.safeguards()) {
        let expected = match traced.value {
            super::tri::Tri::True => SafeguardStatus::InPlace,
            super::tri::Tri::False => SafeguardStatus::Missing,
            super::tri::Tri::Unknown => SafeguardStatus::Unknown,
        };
        prop_assert_eq!(s.status, expected, "safeguard {}", s.id);
    }
    prop_assert_eq!(
        interp.type_errors.get(),
        0,
        "the interpreter met a type error"
    );
    fast_path_agrees(rules, &facts, &report, scratch)
}

/// Checks the fast path against the interpreter's statuses, a plain reading
/// of the disposition policy, and the full report.
fn fast_path_agrees(
    rules: &RuleSet,
    facts: &crate::Facts,
    report: &crate::Report,
    scratch: &mut crate::Scratch,
) -> Result<(), TestCaseError> {
    let checked = rules.checked();
    let interp = Interpreter::new(checked, facts);
    let flags: Vec<Status> = interp.flags().iter().map(|t| status_of(t.value)).collect();
    let in_place: Vec<bool> = interp
        .safeguards()
        .iter()
        .map(|t| t.value == super::tri::Tri::True)
        .collect();
    let mitigated: Vec<bool> = checked
        .flags
        .iter()
        .map(|f| !f.mitigated_by.is_empty() && f.mitigated_by.iter().all(|&s| in_place[s]))
        .collect();
    let case = checked
        .cases
        .iter()
        .position(|c| {
            c.cond
                .as_ref()
                .is_none_or(|d| disp_holds(checked, d, &flags, &mitigated))
        })
        .unwrap();
    let expected = &checked.outcomes[checked.cases[case].outcome].name;

    let outcome = rules
        .evaluate_into(facts, scratch)
        .map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert_eq!(outcome.flags(), &flags[..], "fast-path flag statuses");
    prop_assert_eq!(outcome.mitigated(), &mitigated[..], "fast-path mitigations");
    let safeguards: Vec<SafeguardStatus> = report.safeguards.iter().map(|s| s.status).collect();
    prop_assert_eq!(outcome.safeguards(), &safeguards[..]);
    prop_assert_eq!(
        outcome.disposition(),
        expected.as_str(),
        "fast-path disposition"
    );
    prop_assert_eq!(&report.disposition, expected, "report disposition");
    prop_assert_eq!(&report.disposition_rule, &checked.cases[case].text);
    let rebuilt = rules
        .report(facts, outcome)
        .map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert_eq!(
        rebuilt.to_json(),
        report.to_json(),
        "report from the outcome"
    );
    Ok(())
}

/// The disposition condition, read plainly: every flag is tested against
/// every filter of the selector.
fn disp_holds(
    checked: &crate::check::Checked,
    d: &crate::check::DispCond,
    flags: &[Status],
    mitigated: &[bool],
) -> bool {
    use crate::check::DispCond;
    let count = |s: &crate::check::Selector| -> i64 {
        let picked = checked.flags.iter().enumerate().filter(|(i, f)| {
            let status = match flags[*i] {
                Status::Raised => 0,
                Status::Clear => 1,
                Status::Unknown => 2,
            };
            s.statuses[status]
                && s.mitigated.is_none_or(|m| m == mitigated[*i])
                && s.severity
                    .iter()
                    .all(|(op, level)| op.holds(f.severity.cmp(level)))
                && s.step
                    .iter()
                    .all(|(op, n)| op.holds(i64::from(f.step).cmp(n)))
        });
        picked.count() as i64
    };
    match d {
        DispCond::Any(s) => count(s) > 0,
        DispCond::No(s) => count(s) == 0,
        DispCond::Count(s, op, n) => op.holds(count(s).cmp(n)),
        DispCond::Not(i) => !disp_holds(checked, i, flags, mitigated),
        DispCond::And(items) => items
            .iter()
            .all(|i| disp_holds(checked, i, flags, mitigated)),
        DispCond::Or(items) => items
            .iter()
            .any(|i| disp_holds(checked, i, flags, mitigated)),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn compiled_agrees_with_interpreter(seed in any::<u64>(), fact_seeds in prop::collection::vec(any::<u64>(), 8)) {
        let source = Gen::new(seed).ruleset();
        let rules = match RuleSet::compile(&source, "generated.rules") {
            Ok(r) => r,
            Err(e) => return Err(TestCaseError::fail(format!("generated rules do not check:\n{e}\n{source}"))),
        };
        // Buffers made for another ruleset are re-sized on first use, then reused.
        let mut scratch = RuleSet::bundled().unwrap().new_scratch();
        for fs in fact_seeds {
            let facts = Gen::new(fs).facts();
            agree(&rules, &facts, &mut scratch).map_err(|e| TestCaseError::fail(format!("{e}\nrules:\n{source}\nfacts: {facts}")))?;
        }
    }

    #[test]
    fn bundled_ruleset_agrees_with_interpreter(drop in prop::collection::vec(any::<bool>(), 8), pick in 0usize..5) {
        // Realistic documents with whole sections knocked out.
        let examples = [
            include_str!("../../examples/transactions/face-recognition-national-police.json"),
            include_str!("../../examples/transactions/traffic-cameras-city.json"),
            include_str!("../../examples/transactions/reseller-undisclosed-end-user.json"),
            include_str!("../../examples/transactions/analytics-strong-safeguards.json"),
            include_str!("../../examples/transactions/partial-facts.json"),
        ];
        let mut doc: serde_json::Value = serde_json::from_str(examples[pick]).unwrap();
        let keys: Vec<String> = doc.as_object().unwrap().keys().cloned().collect();
        for (key, d) in keys.iter().zip(drop.iter().cycle()) {
            if *d && key != "id" {
                doc.as_object_mut().unwrap().remove(key);
            }
        }
        let rules = RuleSet::bundled().unwrap();
        agree(&rules, &doc.to_string(), &mut rules.new_scratch())?;
    }
}

#[test]
fn generator_covers_every_construct() {
    // The generator must reach every kind of condition, or the property above proves little.
    let mut all = String::new();
    for seed in 0..200 {
        all.push_str(&Gen::new(seed).ruleset());
    }
    for construct in [
        "any(",
        "all(",
        "count(",
        "known(",
        "contains any of",
        "contains all of",
        "contains none of",
        " in {",
        "not (",
        " and ",
        " or ",
        "mitigated_by",
    ] {
        assert!(
            all.contains(construct),
            "the generator never writes `{construct}`"
        );
    }
}

#[test]
fn a_report_is_never_built_from_the_outcome_of_other_facts() {
    let rules = RuleSet::bundled().unwrap();
    let sanctioned = rules
        .facts_from_json(r#"{"end_user": {"sanctioned": true}}"#)
        .unwrap();
    let empty = rules.facts_from_json("{}").unwrap();
    let mut scratch = rules.new_scratch();
    let outcome = rules.evaluate_into(&sanctioned, &mut scratch).unwrap();
    assert_eq!(outcome.disposition(), "do_not_proceed");
    let report = rules.report(&empty, outcome).unwrap();
    assert_eq!(report, rules.evaluate(&empty).unwrap());
    assert_ne!(report.disposition, "do_not_proceed");
    // A clone of the facts is the same facts.
    let again = rules.report(&sanctioned.clone(), outcome).unwrap();
    assert_eq!(again.disposition, "do_not_proceed");
}
