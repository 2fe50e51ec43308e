//! Formatting any parseable ruleset is idempotent, on generated rulesets:
//! random declarations and conditions (with redundant parentheses and long
//! names, so that lines break), written with random white space, comments in
//! random places and doc comments.

use proptest::prelude::*;

use super::format_source;

/// A generated condition.
#[derive(Clone, Debug)]
enum Cond {
    Atom(&'static str),
    Cmp(&'static str, &'static str, &'static str),
    In(&'static str, Vec<&'static str>),
    /// `a == not …`
    CmpNot(&'static str, Box<Cond>),
    Not(Box<Cond>),
    And(Vec<Cond>),
    Or(Vec<Cond>),
    Any(Box<Cond>),
    Count(Option<Box<Cond>>, &'static str),
}

const NAMES: &[&str] = &[
    "a",
    "b.c",
    "p.listed",
    "country.internet_freedom_score_from_freedom_house",
    "product.customisation_removes_safeguards",
    "end_user.kind",
    "some_predicate",
];
const VALUES: &[&str] = &["1", "-2", "0.50", "3.0", "\"s\\\"q\"", "true", "x", "\"é\""];
const OPS: &[&str] = &[
    "==",
    "!=",
    "<",
    "<=",
    ">",
    ">=",
    "contains",
    "contains any of",
];

fn cond() -> impl Strategy<Value = Cond> {
    let leaf = prop_oneof![
        prop::sample::select(NAMES).prop_map(Cond::Atom),
        (
            prop::sample::select(NAMES),
            prop::sample::select(OPS),
            prop::sample::select(VALUES)
        )
            .prop_map(|(a, op, b)| Cond::Cmp(a, op, b)),
        (
            prop::sample::select(NAMES),
            prop::collection::vec(prop::sample::select(NAMES), 0..8)
        )
            .prop_map(|(a, set)| Cond::In(a, set)),
    ];
    leaf.prop_recursive(4, 24, 4, |inner| {
        prop_oneof![
            inner.clone().prop_map(|c| Cond::Not(Box::new(c))),
            (prop::sample::select(NAMES), inner.clone())
                .prop_map(|(a, c)| Cond::CmpNot(a, Box::new(c))),
            prop::collection::vec(inner.clone(), 2..5).prop_map(Cond::And),
            prop::collection::vec(inner.clone(), 2..5).prop_map(Cond::Or),
            inner.clone().prop_map(|c| Cond::Any(Box::new(c))),
            (prop::option::of(inner), prop::sample::select(VALUES))
                .prop_map(|(c, n)| Cond::Count(c.map(Box::new), n)),
        ]
    })
}

/// Tokens of source text; white space and comments go between them.
struct Out<'r> {
    tokens: Vec<String>,
    /// Random bytes that pick redundant parentheses and separators.
    rand: &'r [u8],
    at: usize,
}

impl Out<'_> {
    fn roll(&mut self) -> u8 {
        let r = self
            .rand
            .get(self.at % self.rand.len().max(1))
            .copied()
            .unwrap_or(0);
        self.at += 1;
        r
    }

    fn tok(&mut self, t: &str) {
        self.tokens.push(t.to_string());
    }

    /// One or more doc lines, as one token (no comment may come between them).
    fn docs(&mut self) {
        match self.roll() % 4 {
            0 => self.tok("/// One line.\n"),
            1 => self.tok("///Two\n///\n///   lines.\n"),
            _ => {}
        }
    }

    /// Writes a condition that needs precedence at least `min`
    /// (1 `or`, 2 `and`, 3 `not`, 4 comparison, 5 operand).
    fn cond(&mut self, c: &Cond, min: u8) {
        let level = match c {
            Cond::Or(_) => 1,
            Cond::And(_) => 2,
            Cond::Not(_) => 3,
            Cond::Cmp(..) | Cond::In(..) | Cond::CmpNot(..) => 4,
            Cond::Atom(_) | Cond::Any(_) | Cond::Count(..) => 5,
        };
        let paren = level < min || self.roll().is_multiple_of(8);
        if paren {
            self.tok("(");
        }
        match c {
            Cond::Atom(a) => self.tok(a),
            Cond::Cmp(a, op, b) => {
                self.tok(a);
                self.tok(op);
                self.tok(b);
            }
            Cond::In(a, set) => {
                self.tok(a);
                self.tok("in");
                self.tok("{");
                for (i, v) in set.iter().enumerate() {
                    if i > 0 {
                        self.tok(",");
                    }
                    self.tok(v);
                }
                self.tok("}");
            }
            Cond::CmpNot(a, inner) => {
                self.tok(a);
                self.tok("==");
                self.tok("not");
                // A comparison here would be read as the operand of `not`,
                // which is what it is; a chain needs parentheses.
                self.cond(inner, 3);
            }
            Cond::Not(inner) => {
                self.tok("not");
                self.cond(inner, 3);
            }
            Cond::And(items) | Cond::Or(items) => {
                let (word, level) = if matches!(c, Cond::And(_)) {
                    ("and", 2)
                } else {
                    ("or", 1)
                };
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        self.tok(word);
                    }
                    // Same-level chains parse either way; the tighter level
                    // avoids `a and b and c` parsing as one flat chain only
                    // when parentheses are drawn.
                    self.cond(item, level + 1);
                }
            }
            Cond::Any(body) => {
                self.tok("any");
                self.tok("(");
                self.tok("p");
                self.tok("in");
                self.tok("parties");
                self.tok("where");
                self.cond(body, 0);
                self.tok(")");
            }
            Cond::Count(body, n) => {
                self.tok("count");
                self.tok("(");
                self.tok("q");
                self.tok("in");
                self.tok("items");
                if let Some(body) = body {
                    self.tok("where");
                    self.cond(body, 0);
                }
                self.tok(")");
                self.tok(">=");
                self.tok(n);
            }
        }
        if paren {
            self.tok(")");
        }
    }

    /// A disposition condition, from the shape of a generated condition.
    fn disp(&mut self, c: &Cond, min: u8) {
        let level = match c {
            Cond::Or(_) => 1,
            Cond::And(_) => 2,
            Cond::Not(_) => 3,
            _ => 5,
        };
        let paren = level < min || self.roll().is_multiple_of(8);
        if paren {
            self.tok("(");
        }
        match c {
            Cond::Not(inner) => {
                self.tok("not");
                self.disp(inner, 3);
            }
            Cond::And(items) | Cond::Or(items) => {
                let (word, level) = if matches!(c, Cond::And(_)) {
                    ("and", 2)
                } else {
                    ("or", 1)
                };
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        self.tok(word);
                    }
                    self.disp(item, level + 1);
                }
            }
            _ => match self.roll() % 4 {
                0 => {
                    for t in [
                        "any", "flags", "(", "raised", ",", "severity", ">=", "high", ")",
                    ] {
                        self.tok(t);
                    }
                }
                1 => {
                    for t in ["no", "flags"] {
                        self.tok(t);
                    }
                }
                2 => {
                    for t in ["count", "flags", "(", "unknown", ")", ">", "2"] {
                        self.tok(t);
                    }
                }
                _ => {
                    for t in ["any", "flags", "(", ")"] {
                        self.tok(t);
                    }
                }
            },
        }
        if paren {
            self.tok(")");
        }
    }

    fn decl(&mut self, kind: u8, c: &Cond) {
        self.docs();
        match kind % 8 {
            0 => {
                for t in ["ruleset", "\"r\\u{41}\"", "{"] {
                    self.tok(t);
                }
                for t in [
                    "source", ":", "\"S\"", "version", ":", "\"1\"", "title", ":", "\"T\"",
                ] {
                    self.tok(t);
                }
                self.tok("}");
            }
            1 => {
                self.tok("enum");
                self.tok("E");
                self.tok("{");
                let n = self.roll() % 5;
                for i in 0..n {
                    if i > 0 {
                        self.tok(",");
                    }
                    self.docs();
                    self.tok(["a", "b", "c", "long_value_name_number_four", "e"][usize::from(i)]);
                }
                if self.roll().is_multiple_of(2) && n > 0 {
                    self.tok(",");
                }
                self.tok("}");
            }
            2 => {
                if self.roll().is_multiple_of(2) {
                    self.tok("record");
                    self.tok("R");
                } else {
                    self.tok("facts");
                }
                self.tok("{");
                for i in 0..self.roll() % 4 {
                    self.docs();
                    if self.roll().is_multiple_of(3) {
                        self.tok("required");
                    }
                    // A field may be named `required` too.
                    self.tok(["a", "b", "c", "required"][usize::from(i)]);
                    self.tok(":");
                    match self.roll() % 3 {
                        0 => self.tok("int"),
                        1 => {
                            for t in ["set", "<", "E", ">"] {
                                self.tok(t);
                            }
                        }
                        _ => {
                            for t in ["list", "<", "R", ">"] {
                                self.tok(t);
                            }
                        }
                    }
                    if self.roll().is_multiple_of(2) {
                        self.tok(",");
                    }
                }
                self.tok("}");
            }
            3 => {
                self.tok("predicate");
                self.tok("p");
                self.tok("{");
                self.cond(c, 0);
                self.tok("}");
            }
            4 | 5 => {
                let flag = kind % 8 == 4;
                self.tok(if flag { "flag" } else { "safeguard" });
                self.tok("S1.x");
                self.tok("{");
                // Safeguards have no severity, evidence or mitigations.
                let mut props: Vec<u8> = if flag {
                    (0..7).collect()
                } else {
                    vec![0, 2, 3, 4]
                };
                let n = usize::from(self.roll() % 8);
                for i in 0..props.len() {
                    let j = usize::from(self.roll()) % props.len();
                    props.swap(i, j);
                }
                for p in props.into_iter().take(n) {
                    match p {
                        0 => ["step", ":", "2"].iter().for_each(|t| self.tok(t)),
                        1 => ["severity", ":", "high"].iter().for_each(|t| self.tok(t)),
                        2 => ["title", ":", "\"A title\""]
                            .iter()
                            .for_each(|t| self.tok(t)),
                        3 => ["citation", ":", "\"Guidance\""]
                            .iter()
                            .for_each(|t| self.tok(t)),
                        4 => {
                            self.tok("when");
                            self.tok(":");
                            self.cond(c, 0);
                        }
                        5 => [
                            "evidence",
                            ":",
                            "a.b",
                            ",",
                            "country.internet_freedom_score",
                        ]
                        .iter()
                        .for_each(|t| self.tok(t)),
                        _ => ["mitigated_by", ":", "g.a"]
                            .iter()
                            .for_each(|t| self.tok(t)),
                    }
                }
                self.tok("}");
            }
            6 => {
                self.tok("outcomes");
                self.tok("{");
                self.docs();
                self.tok("proceed");
                self.tok(",");
                self.docs();
                self.tok("escalate");
                self.tok("}");
            }
            _ => {
                self.tok("disposition");
                self.tok("{");
                self.tok("when");
                self.disp(c, 0);
                self.tok("=>");
                self.tok("escalate");
                self.tok("otherwise");
                self.tok("=>");
                self.tok("proceed");
                self.tok("}");
            }
        }
    }

    /// The source: tokens joined by random separators, some of them comments.
    fn text(&mut self) -> String {
        const SEPARATORS: &[&str] = &[
            " ",
            " ",
            " ",
            "\n",
            "\n  ",
            "\n\n",
            " // a comment\n",
            "\n// own line\n",
            " /* block */ ",
            "/*tight*/",
            "\n/* two\n   lines */\n",
            " //\n",
            " //// four slashes  \n",
            "\r\n",
            "\n\n// after a blank\n\n",
            " /* trailing\n  block */\n",
            "\t\u{FEFF} ",
        ];
        let tokens = std::mem::take(&mut self.tokens);
        let mut out = String::new();
        for (i, t) in tokens.iter().enumerate() {
            if i > 0 || self.roll().is_multiple_of(4) {
                let sep = SEPARATORS[usize::from(self.roll()) % SEPARATORS.len()];
                out.push_str(sep);
            }
            out.push_str(t);
        }
        if self.roll().is_multiple_of(3) {
            out.push_str("\n// the end");
        }
        out
    }
}

/// A generated ruleset source.
fn ruleset() -> impl Strategy<Value = String> {
    (
        prop::collection::vec((any::<u8>(), cond()), 1..5),
        prop::collection::vec(any::<u8>(), 1..64),
    )
        .prop_map(|(decls, rand)| {
            let mut out = Out {
                tokens: Vec::new(),
                rand: &rand,
                at: 0,
            };
            for (kind, c) in &decls {
                out.decl(*kind, c);
            }
            out.text()
        })
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 256,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn formatting_a_parseable_ruleset_is_idempotent(source in ruleset()) {
        prop_assert!(crate::syntax::parse(&source).is_ok(), "the generator wrote a ruleset that does not parse:\n{source}");
        let once = format_source(&source, "gen.rules");
        prop_assert!(once.is_ok(), "cannot format:\n{source}\n{once:?}");
        let once = once.unwrap_or_default();
        let twice = format_source(&once, "gen.rules").unwrap_or_default();
        prop_assert_eq!(&twice, &once, "not idempotent; source:\n{}", source);
    }
}
