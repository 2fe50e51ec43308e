//! The evidence of a flag: the facts it lists (`evidence: …`), or else the
//! root facts its condition reads.

use std::collections::HashSet;
use std::ops::ControlFlow;

use super::super::expr::ExprChecker;
use super::super::ir::{Base, Cond, FactRef, PredId, Read};
use super::super::*;
use crate::facts::schema::Type;
use crate::limits::{MAX_DEFAULT_EVIDENCE, MAX_EVIDENCE};
use crate::syntax::ast;

/// Distinct root facts in the order they are first read, up to a cap.
struct FactList {
    facts: Vec<FactRef>,
    seen: HashSet<Vec<String>>,
    cap: usize,
}

impl FactList {
    fn new(cap: usize) -> FactList {
        FactList {
            facts: Vec::new(),
            seen: HashSet::new(),
            cap,
        }
    }

    fn push(&mut self, f: &FactRef) {
        if self.facts.len() < self.cap
            && f.base == Base::Root
            && !matches!(f.ty, Type::Record(_))
            && self.seen.insert(f.fields.clone())
        {
            self.facts.push(f.clone());
        }
    }

    fn full(&self) -> bool {
        self.facts.len() >= self.cap
    }
}

/// The root facts a condition reads, through the predicates it uses, in the
/// order of a depth-first reading ([`Cond::visit_reads`]): quoted when a flag
/// does not list its evidence. `read_by_predicate` holds the same list for
/// each predicate the condition may use, so that a predicate used by many
/// flags or predicates is read once; every list stops at `cap` facts, which
/// keeps this linear. (Stopping early is exact: the first `cap` facts of a
/// condition are found among the first `cap` of each predicate it uses.)
pub(super) fn facts_read(
    cond: &Cond,
    read_by_predicate: &[Vec<FactRef>],
    cap: usize,
) -> Vec<FactRef> {
    let mut out = FactList::new(cap);
    let mut seen_preds: HashSet<PredId> = HashSet::new();
    cond.visit_reads(|read| {
        match read {
            Read::Fact(f) => out.push(f),
            Read::Pred(p) => {
                if seen_preds.insert(p) {
                    for f in read_by_predicate.get(p).map_or(&[][..], Vec::as_slice) {
                        out.push(f);
                    }
                }
            }
        }
        if out.full() {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    });
    out.facts
}

/// The facts a flag (or the scope) quotes when it lists none: those its
/// condition reads, the first [`MAX_DEFAULT_EVIDENCE`] of them (DD107 when
/// there are more). `what` names it in messages (``the flag `S1.x` ``) and
/// `at` is where they point.
pub(super) fn default_evidence(
    what: &str,
    at: Span,
    when: Option<&Cond>,
    read_by_predicate: &[Vec<FactRef>],
    diags: &mut Vec<Diagnostic>,
) -> Vec<FactRef> {
    let mut read = when.map_or_else(Vec::new, |w| {
        facts_read(w, read_by_predicate, MAX_DEFAULT_EVIDENCE + 1)
    });
    if read.len() > MAX_DEFAULT_EVIDENCE {
        read.truncate(MAX_DEFAULT_EVIDENCE);
        diags.push(
            Diagnostic::warning(
                "DD107",
                at,
                format!(
                    "{what} reads more than {MAX_DEFAULT_EVIDENCE} facts; its report quotes the first {MAX_DEFAULT_EVIDENCE}"
                ),
            )
            .help("list the facts worth quoting with `evidence: …`"),
        );
    }
    read
}

/// The facts a flag's (or the scope's) `evidence:` lists, each resolved
/// once: a fact listed twice is quoted once (DD111), and a list longer than
/// [`MAX_EVIDENCE`] is an error (DD042), since every report quotes them all.
/// `what` names the flag or scope in messages.
pub(super) fn explicit_evidence(
    what: &str,
    paths: &[ast::Path],
    cx: &mut ExprChecker<'_>,
) -> Vec<FactRef> {
    if let Some(over) = paths.get(MAX_EVIDENCE) {
        cx.diags.push(
            Diagnostic::error(
                "DD042",
                over.span,
                format!(
                    "{what} lists {} facts as evidence, more than the limit of {MAX_EVIDENCE}",
                    paths.len()
                ),
            )
            .help("quote the facts that decide the flag; a report quotes every one listed"),
        );
        return Vec::new();
    }
    let mut evidence: Vec<FactRef> = Vec::with_capacity(paths.len());
    for path in paths {
        let Some(fact) = cx.fact(path) else { continue };
        if evidence
            .iter()
            .any(|e| e.base == fact.base && e.fields == fact.fields)
        {
            cx.diags.push(Diagnostic::warning(
                "DD111",
                path.span,
                format!(
                    "the fact `{}` is listed twice as evidence; it is quoted once",
                    fact.dotted()
                ),
            ));
            continue;
        }
        evidence.push(fact);
    }
    evidence
}

#[cfg(test)]
mod tests {
    /// The default evidence of the only flag of a ruleset whose condition is `when`.
    #[track_caller]
    fn check(when: &str, expected: &[&str]) {
        let source = format!(
            r#"ruleset "t" {{ version: "1" title: "T" source: "S" }}
enum Civic {{ open, closed }}
record Party {{ civic: Civic }}
facts {{ civic: Civic  banned: set<Civic>  score: int  parties: list<Party> }}
predicate low {{ score < 3 }}
flag S1.x {{ step: 1 severity: low title: "X" when: {when} }}
outcomes {{ proceed }}
disposition {{ otherwise => proceed }}
"#
        );
        let file = crate::syntax::parse(&source).expect("the ruleset parses");
        let checked = crate::check::check(&file, &source).expect("the ruleset checks");
        let evidence: Vec<String> = checked
            .flags
            .first()
            .expect("one flag")
            .evidence
            .iter()
            .map(|f| f.dotted())
            .collect();
        assert_eq!(evidence, expected, "{when}");
    }

    #[test]
    fn default_evidence_is_in_text_order_each_fact_once() {
        check(
            "civic in banned or score > 1",
            &["civic", "banned", "score"],
        );
        check(
            "banned contains civic and civic == open",
            &["banned", "civic"],
        );
        check("low or civic == closed", &["score", "civic"]);
        // A quantifier quotes its list, not the facts of its body.
        check("any(p in parties where p.civic == closed)", &["parties"]);
    }
}
