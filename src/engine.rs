//! The compiled ruleset as the evaluator sees it: the checked rules, the
//! program, the budget, and the look-ups by index that evaluation and
//! reports need. `RuleSet` (in `ruleset.rs`) is the public facade over it;
//! `Outcome`, `Scratch` and `Report` hold an `Engine`, so that nothing below
//! the facade imports it.

use std::sync::{Arc, OnceLock};

use crate::budget::ConditionKind;
use crate::check::Checked;
use crate::compile::Program;
use crate::diag::Diagnostics;
use crate::error::EvalError;
use crate::model::RulesetRef;

/// A handle on a compiled ruleset: cheap to clone (a reference count), with
/// the evaluation budget of the `RuleSet` it came from.
#[derive(Clone)]
pub(crate) struct Engine {
    pub(crate) inner: Arc<Inner>,
    /// The steps each phase of an evaluation may take (`budget.rs`).
    pub(crate) budget: u64,
}

/// What compiling a ruleset made, shared by every handle on it.
pub(crate) struct Inner {
    pub(crate) checked: Checked,
    pub(crate) program: Program,
    pub(crate) reference: RulesetRef,
    pub(crate) fingerprint: u64,
    /// The fact schema again, shared with every [`Facts`](crate::Facts)
    /// loaded for it, so that another ruleset can carry them over.
    pub(crate) schema: Arc<crate::facts::schema::Schema>,
    pub(crate) warnings: Diagnostics,
    /// The syntax tree, parsed again on the first explanation and kept for
    /// the next ones (explanations quote conditions as written).
    pub(crate) syntax_tree: OnceLock<Option<crate::syntax::ast::File>>,
    /// What documentation quotes from the syntax tree, made on first use.
    pub(crate) declared: OnceLock<Declared>,
    /// The parts of decision records that are the same in every record,
    /// already written as JSON, made on first use.
    pub(crate) decision_text: OnceLock<DecisionText>,
    /// Likewise, the parts of full reports (`report/json.rs`).
    pub(crate) report_text: OnceLock<ReportText>,
}

/// The parts of every decision record of a ruleset that do not change from
/// one record to the next, written as JSON once per ruleset (by
/// `report/decision.rs`, on the first record): the `ruleset` key and its
/// object, and each flag's id as a JSON string.
pub(crate) struct DecisionText {
    pub(crate) ruleset: String,
    pub(crate) flag_ids: Vec<String>,
}

/// The parts of every full report of a ruleset that do not change from one
/// report to the next, written as JSON once per ruleset (by
/// `report/json.rs`, on the first report written): everything the ruleset
/// says about a flag, a safeguard or the scope, up to the first thing the
/// transaction decides.
pub(crate) struct ReportText {
    /// About how long the ruleset's part of a report is.
    pub(crate) len: usize,
    /// `{"ruleset":{…},"transaction":`.
    pub(crate) head: String,
    /// Each outcome's name as a JSON string, by rank.
    pub(crate) outcomes: Vec<String>,
    /// Each disposition case as written, as a JSON string.
    pub(crate) cases: Vec<String>,
    /// The scope's rule (`out of scope => …`) as a JSON string, and what
    /// follows its status: `,"title":…,"citation":…,"evidence":[`.
    pub(crate) scope: Option<(String, String)>,
    /// Each flag's `{"id":…,"step":…,"severity":…,"title":…,"citation":…,
    /// "status":…,"mitigated":…,"evidence":[`, with each status and
    /// mitigation (`report/json.rs`'s `FLAG_STATES`).
    pub(crate) flags: Vec<[String; 6]>,
    /// Each flag's mitigations, each as `,{"id":…,"status":…}` with each
    /// safeguard status, in the order of [`SafeguardStatus`](crate::SafeguardStatus).
    pub(crate) mitigations: Vec<Vec<[String; 3]>>,
    /// Each safeguard as `,{"id":…,"step":…,"title":…,"status":…}` with
    /// each status, likewise.
    pub(crate) safeguards: Vec<[String; 3]>,
    /// Each quoted fact's path as `,"…"`.
    pub(crate) quotes: Vec<String>,
    /// The schema's field and enum value names, escaped.
    pub(crate) names: crate::facts::render::JsonNames,
    /// `,"notice":…}`.
    pub(crate) tail: String,
}

/// What the syntax tree holds and the checked rules do not, for
/// documentation: each condition laid out as the formatter prints it, and
/// the doc comments of the outcomes and of the disposition.
#[derive(Default)]
pub(crate) struct Declared {
    /// The condition of each flag, by index.
    pub(crate) flags: Vec<String>,
    /// The condition of each safeguard, by index.
    pub(crate) safeguards: Vec<String>,
    /// The scope's condition (empty without a scope).
    pub(crate) scope: String,
    /// The condition of each disposition case, by index; `None` for
    /// `otherwise`.
    pub(crate) cases: Vec<Option<String>>,
    /// The doc comment of each outcome, by rank.
    pub(crate) outcome_docs: Vec<Option<String>>,
    /// The doc comment of the `outcomes` block.
    pub(crate) outcomes_docs: Option<String>,
    /// The doc comment of the `disposition` block.
    pub(crate) disposition_docs: Option<String>,
    /// Each predicate as declared, in source order: its name, doc comment
    /// and condition.
    pub(crate) predicates: Vec<(String, Option<String>, String)>,
}

/// Written as the `RuleSet` it is the inside of: the public `Debug` of a
/// `RuleSet`, an `Outcome` and a `Report` shows this.
impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RuleSet")
            .field("name", &self.inner.reference.name)
            .field("version", &self.inner.reference.version)
            .field("digest", &self.inner.reference.digest)
            .finish_non_exhaustive()
    }
}

impl Engine {
    /// The evaluation budget, in steps.
    pub(crate) fn budget(&self) -> u64 {
        self.budget
    }

    /// The error for a phase that went over the budget in a condition.
    pub(crate) fn over_budget(&self, (kind, index): (ConditionKind, usize)) -> EvalError {
        let checked = &self.inner.checked;
        let id = match kind {
            ConditionKind::Flag => checked.flags.get(index).map(|f| f.id.as_str()),
            ConditionKind::Safeguard => checked.safeguards.get(index).map(|s| s.id.as_str()),
            ConditionKind::Predicate => checked.predicates.get(index).map(|p| p.name.as_str()),
            ConditionKind::Scope => Some("scope"),
        };
        EvalError::OverBudget {
            budget: self.budget,
            kind,
            id: id.unwrap_or_default().to_string(),
        }
    }

    /// The name, version and source digest, as reports quote them.
    pub(crate) fn reference(&self) -> &RulesetRef {
        &self.inner.reference
    }

    /// The checked rules.
    pub(crate) fn checked(&self) -> &Checked {
        &self.inner.checked
    }

    /// The compiled program.
    pub(crate) fn program(&self) -> &Program {
        &self.inner.program
    }

    /// Whether two handles are the same compiled ruleset.
    pub(crate) fn same(&self, other: &Engine) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner)
    }

    /// The index of the flag with an id.
    pub(crate) fn flag_index(&self, id: &str) -> Option<usize> {
        self.inner.checked.flags.iter().position(|f| f.id == id)
    }

    /// The index of the safeguard with an id.
    pub(crate) fn safeguard_index(&self, id: &str) -> Option<usize> {
        self.inner
            .checked
            .safeguards
            .iter()
            .position(|s| s.id == id)
    }

    /// The fact schema.
    pub(crate) fn schema(&self) -> &crate::facts::schema::Schema {
        &self.inner.checked.schema
    }

    /// The declaration of the flag with an index.
    pub(crate) fn flag_decl(&self, index: usize) -> Option<&crate::check::Flag> {
        self.inner.checked.flags.get(index)
    }

    /// The declaration of the safeguard with an index.
    pub(crate) fn safeguard_decl(&self, index: usize) -> Option<&crate::check::Safeguard> {
        self.inner.checked.safeguards.get(index)
    }

    /// The id of the safeguard with an index.
    pub(crate) fn safeguard_id(&self, index: usize) -> Option<&str> {
        self.safeguard_decl(index).map(|s| s.id.as_str())
    }

    /// The scope, when the ruleset declares one.
    pub(crate) fn scope_decl(&self) -> Option<&crate::check::Scope> {
        self.inner.checked.scope.as_ref()
    }

    /// The disposition case with an index, as written.
    pub(crate) fn case_text(&self, index: usize) -> Option<&str> {
        self.inner.checked.cases.get(index).map(|c| c.text.as_str())
    }

    /// The syntax tree, parsed again on first use (explanations and
    /// documentation quote conditions as written).
    pub(crate) fn syntax_tree(&self) -> Option<&crate::syntax::ast::File> {
        let source = self.inner.warnings.source();
        self.inner
            .syntax_tree
            .get_or_init(|| crate::syntax::parse(source).ok())
            .as_ref()
    }

    /// The conditions as laid out for documentation, and the doc comments
    /// the checked rules do not keep; made once per compiled ruleset.
    pub(crate) fn declared(&self) -> &Declared {
        self.inner.declared.get_or_init(|| self.make_declared())
    }

    fn make_declared(&self) -> Declared {
        use crate::syntax::ast::{Decl, PropValue};
        use crate::syntax::format::{condition_text, disp_condition_text};
        let Some(tree) = self.syntax_tree() else {
            return Declared::default();
        };
        let source = self.inner.warnings.source();
        let when = |props: &[crate::syntax::ast::Prop]| {
            props
                .iter()
                .find_map(|p| match &p.value {
                    PropValue::When(e) => Some(condition_text(source, e)),
                    _ => None,
                })
                .unwrap_or_default()
        };
        let mut flags = std::collections::HashMap::new();
        let mut safeguards = std::collections::HashMap::new();
        let mut out = Declared::default();
        for decl in &tree.decls {
            match decl {
                Decl::Flag(f) => {
                    flags.insert(f.id.dotted(), when(&f.props));
                }
                Decl::Safeguard(s) => {
                    safeguards.insert(s.id.dotted(), when(&s.props));
                }
                Decl::Scope(s) => out.scope = when(&s.props),
                Decl::Predicate(p) => out.predicates.push((
                    p.name.name.clone(),
                    p.docs.clone(),
                    condition_text(source, &p.body),
                )),
                Decl::Outcomes(o) => {
                    out.outcomes_docs = o.docs.clone();
                    out.outcome_docs = o.outcomes.iter().map(|(d, _)| d.clone()).collect();
                }
                Decl::Disposition(d) => {
                    out.disposition_docs = d.docs.clone();
                    // INVARIANT: a ruleset that compiled has every case it
                    // wrote, in order, among its checked cases.
                    out.cases = d
                        .cases
                        .iter()
                        .map(|c| c.cond.as_ref().map(disp_condition_text))
                        .collect();
                }
                _ => {}
            }
        }
        let checked = &self.inner.checked;
        out.flags = checked
            .flags
            .iter()
            .map(|f| flags.remove(&f.id).unwrap_or_default())
            .collect();
        out.safeguards = checked
            .safeguards
            .iter()
            .map(|s| safeguards.remove(&s.id).unwrap_or_default())
            .collect();
        out
    }

    /// The name of the outcome with an index.
    pub(crate) fn outcome_name(&self, index: usize) -> Option<&str> {
        self.inner
            .checked
            .outcomes
            .get(index)
            .map(|o| o.name.as_str())
    }
}
