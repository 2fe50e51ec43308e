//! What the fuzz targets in `fuzz/` need from inside the crate, behind the
//! `fuzzing` feature: the parser on its own, a generator of well-typed rules
//! and facts, and a differential check of the compiled evaluator against the
//! reference interpreter (`eval::interp`).
//!
//! Not a public API: it is `#[doc(hidden)]`, may change at any time, and is
//! compiled only with `--features fuzzing` (and in the crate's own tests,
//! which run the generator and the check on fixed seeds).
#[path = "fuzzing/facts.rs"]
mod facts;
#[path = "fuzzing/rules.rs"]
mod rules;

use crate::eval::interp::Interpreter;
use crate::model::{SafeguardStatus, ScopeStatus, Status};
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
    /// compiled evaluator with the reference interpreter: the scope's and
    /// every flag's status and missing facts, every safeguard's status, and
    /// no type error met by the interpreter.
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
        match (report.scope(), interp.scope()) {
            (None, None) => {}
            (Some(scope), Some(traced)) => {
                let expected = match traced.value {
                    Tri::True => ScopeStatus::In,
                    Tri::False => ScopeStatus::Out,
                    Tri::Unknown => ScopeStatus::Unknown,
                };
                let mut missing: Vec<String> = traced.missing.into_iter().collect();
                if scope.missing_truncated {
                    missing.truncate(scope.missing().len());
                }
                if scope.status != expected
                    || !scope.missing().eq(missing.iter().map(String::as_str))
                {
                    return Err(format!(
                        "scope: the report says {} missing {:?}, the interpreter {expected} missing {missing:?}",
                        scope.status,
                        scope.missing().collect::<Vec<_>>()
                    ));
                }
            }
            _ => return Err("the report and the interpreter disagree on having a scope".into()),
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
                    ConditionKind::Scope => rules.scope().is_some() && id == "scope",
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

const COLORS: [&str; 4] = ["red", "green", "blue", "black"];
const OPS: [&str; 6] = ["==", "!=", "<", "<=", ">", ">="];
pub(crate) const INTS: [&str; 8] = [
    "-2",
    "-1",
    "0",
    "1",
    "2",
    "3",
    "9223372036854775807",
    "-9223372036854775808",
];
pub(crate) const DECIMALS: [&str; 8] = [
    "0.5",
    "1",
    "-0.25",
    "1.50",
    "2",
    "0",
    "0.000000000000000001",
    "-99999999.999999999",
];

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
