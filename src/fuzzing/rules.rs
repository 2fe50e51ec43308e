//! The generator's rules: well-typed conditions over [`SCHEMA`], predicates
//! that use one another, and a disposition policy.

use super::*;

/// The schema every generated ruleset shares: every kind of type, records in
/// records, lists in lists.
const SCHEMA: &str = r#"
ruleset "fuzz" { version: "1" title: "generated" source: "fuzzing" }
enum Color { red, green, blue, black }
record Sub { required f: bool  k: int }
record Item { ok: bool  n: int  c: Color  tags: set<Color>  sub: list<Sub>  w: decimal }
record Inner { z: bool }
record Rec { x: int  y: bool  c: Color  inner: Inner }
facts {
  b1: bool  b2: bool  i1: int  i2: int  d1: decimal  s1: string
  e1: Color  e2: Color  set1: set<Color>  set2: set<Color>
  rec: Rec  items: list<Item>  others: list<Item>
}
"#;

impl Gen<'_> {
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
        // Half the rulesets declare a scope, out of which the outcome is
        // `out` (the least strict) or `stop` (the strictest).
        let scoped = self.below(2) == 0;
        if scoped {
            let body = self.cond(depth);
            let otherwise = self.pick(&["out", "stop"]);
            out.push_str(&format!(
                "scope {{ title: \"s\" when: {body} otherwise: {otherwise} }}\n"
            ));
        }
        out.push_str(if scoped {
            "outcomes { out, go, careful, ask, stop }\ndisposition {\n"
        } else {
            "outcomes { go, careful, ask, stop }\ndisposition {\n"
        });
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
}
