//! The compiled ruleset: the entry point of the public API.

use std::sync::{Arc, OnceLock};

use sha2::{Digest, Sha256};

use crate::budget::DEFAULT_BUDGET;
use crate::check::{self, Checked};
use crate::compile;
use crate::diag::{Diagnostic, Diagnostics};
use crate::engine::{Engine, Inner};
use crate::error::{Error, EvalError, RulesError};
use crate::eval::outcome::{Outcome, Scratch};
use crate::facts::transaction::Transaction;
use crate::facts::{Facts, FactsBuilder, FactsError, load_json};
use crate::info::{FlagInfo, SafeguardInfo, ScopeInfo};
use crate::model::RulesetRef;
use crate::report::disposition::Disposition;
use crate::report::{self, Report};
use crate::syntax;

mod decision;
mod declared;

/// The source of the bundled ruleset, the 2020 State Department guidance.
pub const BUNDLED_SOURCE: &str = include_str!("../rulesets/us-state-2020.rules");

/// The file name the bundled ruleset reports in diagnostics.
pub const BUNDLED_FILE: &str = "rulesets/us-state-2020.rules";

/// A compiled ruleset: immutable, cheap to clone, and safe to share between
/// threads that evaluate at the same time.
///
/// ```
/// let rules = dd_rules::RuleSet::bundled()?;
/// assert_eq!(rules.name(), "us-state-2020");
/// // A clone shares the compiled rules: a reference count, not a copy.
/// let shared = rules.clone();
/// let disposition = std::thread::spawn(move || {
///     shared.evaluate_json("{}").map(|report| report.disposition().to_owned())
/// })
/// .join()
/// .unwrap()?;
/// assert!(rules.outcomes().any(|o| o == disposition));
/// # Ok::<(), dd_rules::Error>(())
/// ```
#[derive(Clone)]
pub struct RuleSet {
    /// The compiled rules and the budget (`engine.rs`).
    pub(crate) engine: Engine,
}

impl std::fmt::Debug for RuleSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.engine.fmt(f)
    }
}

/// Parses and checks a source, returning the checked rules and its
/// diagnostics (at most `limits::MAX_DIAGNOSTICS` of them, and a note of how
/// many more there were).
fn front_end(source: &str) -> (Option<Checked>, Vec<Diagnostic>) {
    let (checked, mut diags) = parse_and_check(source);
    crate::diag::cap_diagnostics(&mut diags);
    (checked, diags)
}

/// Parses and checks a source, returning the checked rules and every diagnostic.
fn parse_and_check(source: &str) -> (Option<Checked>, Vec<Diagnostic>) {
    let file = match syntax::parse(source) {
        Ok(f) => f,
        Err(diags) => return (None, diags),
    };
    match check::check(&file, source) {
        Ok(mut c) => {
            let warnings = std::mem::take(&mut c.warnings);
            (Some(c), warnings)
        }
        Err(diags) => (None, diags),
    }
}

/// Every diagnostic for a ruleset source, errors and warnings, without
/// compiling it. This is what `dd-rules check` prints.
pub fn check_source(source: &str, file_name: &str) -> Diagnostics {
    let source = without_bom(source);
    let (_, diags) = front_end(source);
    Diagnostics::new(file_name.into(), source.into(), diags)
}

/// The source without the byte-order mark some editors write: the mark is
/// invisible in an editor, so spans, lines and columns count from after it.
fn without_bom(source: &str) -> &str {
    source.strip_prefix('\u{feff}').unwrap_or(source)
}

fn hex_digest(source: &str) -> String {
    let digest = Sha256::digest(source.as_bytes());
    let mut out = String::with_capacity(7 + 64);
    out.push_str("sha256:");
    for byte in digest.iter() {
        out.push_str(&format!("{byte:02x}"));
    }
    out
}

impl RuleSet {
    /// Parses, checks and compiles a ruleset. `file_name` is only used in diagnostics.
    ///
    /// On failure the error holds every diagnostic found, not just the first.
    pub fn compile(source: &str, file_name: &str) -> Result<RuleSet, RulesError> {
        // The digest below is of the source as given, mark and all.
        let text = without_bom(source);
        let (checked, diags) = front_end(text);
        let diagnostics = Diagnostics::new(file_name.into(), text.into(), diags);
        let Some(checked) = checked else {
            return Err(RulesError { diagnostics });
        };
        let program = compile::compile(&checked);
        let reference = RulesetRef {
            name: checked.header.name.clone(),
            version: checked.header.version.clone(),
            digest: hex_digest(source),
        };
        let fingerprint = checked.schema.fingerprint();
        let schema = Arc::new(checked.schema.clone());
        Ok(RuleSet {
            engine: Engine {
                inner: Arc::new(Inner {
                    checked,
                    program,
                    reference,
                    fingerprint,
                    schema,
                    warnings: diagnostics,
                    syntax_tree: OnceLock::new(),
                    declared: OnceLock::new(),
                    decision_text: OnceLock::new(),
                    report_text: OnceLock::new(),
                }),
                budget: DEFAULT_BUDGET,
            },
        })
    }

    /// This ruleset with another evaluation budget: the steps each phase of
    /// an evaluation (the statuses, the full report, each explanation) may
    /// take before it stops with [`EvalError::OverBudget`]. A step is a
    /// node of a quantifier's body run for one element of its list, so the
    /// budget bounds the work of quantifiers nested over long lists; the
    /// rest of an evaluation is linear in the size of the ruleset. The
    /// default is [`DEFAULT_BUDGET`]. The handle shares the compiled
    /// ruleset: this costs a reference count.
    ///
    /// ```
    /// use dd_rules::{EvalError, RuleSet};
    ///
    /// let rules = RuleSet::bundled()?.with_budget(3);
    /// let facts = rules.facts_from_json(r#"{"parties": [{}, {}, {}, {}]}"#)?;
    /// let error = rules.evaluate(&facts).unwrap_err();
    /// assert!(matches!(error, EvalError::OverBudget { budget: 3, .. }));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn with_budget(&self, steps: u64) -> RuleSet {
        RuleSet {
            engine: Engine {
                inner: Arc::clone(&self.engine.inner),
                budget: steps,
            },
        }
    }

    /// The evaluation budget of this handle, in steps ([`with_budget`](Self::with_budget)).
    pub fn budget(&self) -> u64 {
        self.engine.budget
    }

    /// The bundled ruleset ([`BUNDLED_SOURCE`]), compiled once per process.
    pub fn bundled() -> Result<RuleSet, RulesError> {
        static BUNDLED: OnceLock<Result<RuleSet, RulesError>> = OnceLock::new();
        BUNDLED
            .get_or_init(|| RuleSet::compile(BUNDLED_SOURCE, BUNDLED_FILE))
            .clone()
    }

    /// The warnings the checker found (a ruleset with errors does not compile).
    pub fn warnings(&self) -> &Diagnostics {
        &self.engine.inner.warnings
    }

    /// The name, version and source digest, as reports quote them.
    pub fn reference(&self) -> &RulesetRef {
        &self.engine.inner.reference
    }

    /// The ruleset's name.
    pub fn name(&self) -> &str {
        &self.engine.inner.reference.name
    }

    /// The ruleset's version.
    pub fn version(&self) -> &str {
        &self.engine.inner.reference.version
    }

    /// The ruleset's title.
    pub fn title(&self) -> &str {
        &self.engine.inner.checked.header.title
    }

    /// The document the ruleset encodes.
    pub fn source_citation(&self) -> &str {
        &self.engine.inner.checked.header.source
    }

    /// The outcomes the disposition may yield, least strict first.
    pub fn outcomes(&self) -> impl Iterator<Item = &str> {
        self.engine
            .inner
            .checked
            .outcomes
            .iter()
            .map(|o| o.name.as_str())
    }

    /// The doc comment of the ruleset header.
    pub fn docs(&self) -> Option<&str> {
        self.engine.inner.checked.header.docs.as_deref()
    }

    /// Every flag, in declaration order.
    pub fn flags(&self) -> impl Iterator<Item = FlagInfo<'_>> {
        let checked = &self.engine.inner.checked;
        let conditions = &self.engine.declared().flags;
        checked
            .flags
            .iter()
            .enumerate()
            .map(move |(i, f)| FlagInfo {
                id: &f.id,
                step: f.step,
                severity: f.severity,
                title: &f.title,
                citation: f.citation.as_deref(),
                docs: f.docs.as_deref(),
                mitigated_by: f
                    .mitigated_by
                    .iter()
                    .filter_map(|&s| checked.safeguards.get(s).map(|s| s.id.as_str()))
                    .collect(),
                condition: conditions.get(i).map_or("", String::as_str),
            })
    }

    /// Every safeguard, in declaration order.
    pub fn safeguards(&self) -> impl Iterator<Item = SafeguardInfo<'_>> {
        let conditions = &self.engine.declared().safeguards;
        self.engine
            .inner
            .checked
            .safeguards
            .iter()
            .enumerate()
            .map(move |(i, s)| SafeguardInfo {
                id: &s.id,
                step: s.step,
                title: &s.title,
                citation: s.citation.as_deref(),
                docs: s.docs.as_deref(),
                condition: conditions.get(i).map_or("", String::as_str),
            })
    }

    /// The scope, when the ruleset declares one: which transactions it
    /// covers, and the outcome of those it does not.
    pub fn scope(&self) -> Option<ScopeInfo<'_>> {
        let scope = self.engine.scope_decl()?;
        Some(ScopeInfo {
            title: &scope.title,
            citation: scope.citation.as_deref(),
            docs: scope.docs.as_deref(),
            otherwise: self
                .engine
                .outcome_name(scope.otherwise)
                .unwrap_or_default(),
            condition: &self.engine.declared().scope,
        })
    }

    /// The fact schema as a JSON Schema (draft 2020-12), so that integrators
    /// can validate facts documents before they reach the engine.
    pub fn json_schema(&self) -> crate::JsonSchema {
        crate::info::JsonSchema(crate::info::json_schema(
            &self.engine.inner.checked.schema,
            &self.engine.inner.checked.header.title,
        ))
    }

    /// The JSON Schema (draft 2020-12) of this ruleset's reports: what
    /// [`Report::to_json`], `dd-rules eval --format json` and the C ABI's
    /// `dd_ruleset_evaluate_json` write, advised or not
    /// ([`advise`](Self::advise) adds `questionnaire` and `remediation`).
    ///
    /// It is the schema of this ruleset's reports from this version of the
    /// library: the ruleset's name and version, outcomes, flag and safeguard
    /// ids, disposition cases and evidence facts are enums or constants,
    /// every flag and safeguard is listed, and every object has
    /// `additionalProperties: false`, so that a report from another ruleset,
    /// or one whose fields drifted, does not validate. A later minor release
    /// may add fields to reports (README, "Stability"): validate its reports
    /// with its own schema.
    ///
    /// ```
    /// let rules = dd_rules::RuleSet::bundled()?;
    /// let schema = serde_json::to_value(rules.report_json_schema()).unwrap();
    /// assert_eq!(schema["$schema"], "https://json-schema.org/draft/2020-12/schema");
    /// assert_eq!(schema["properties"]["ruleset"]["properties"]["name"]["const"], "us-state-2020");
    /// let outcomes: Vec<&str> = rules.outcomes().collect();
    /// assert_eq!(schema["$defs"]["outcome"]["enum"], serde_json::json!(outcomes));
    /// assert!(schema["required"].as_array().unwrap().contains(&"scope".into()));
    /// # Ok::<(), dd_rules::RulesError>(())
    /// ```
    pub fn report_json_schema(&self) -> crate::JsonSchema {
        crate::info::JsonSchema(crate::report::report_schema(&self.engine))
    }

    /// The JSON Schema (draft 2020-12) of this ruleset's decision records:
    /// what [`Report::write_decision`] and `dd-rules eval --format decision`
    /// write, one record a line. Like
    /// [`report_json_schema`](Self::report_json_schema), it names this
    /// ruleset (its name and version are constants, outcomes, flag ids and
    /// the fact paths a record may quote are enums) and forbids other keys.
    ///
    /// ```
    /// let rules = dd_rules::RuleSet::bundled()?;
    /// let schema = serde_json::to_value(rules.decision_json_schema()).unwrap();
    /// assert_eq!(schema["$schema"], "https://json-schema.org/draft/2020-12/schema");
    /// assert_eq!(schema["properties"]["ruleset"]["properties"]["name"]["const"], "us-state-2020");
    /// assert_eq!(schema["additionalProperties"], false);
    /// # Ok::<(), dd_rules::RulesError>(())
    /// ```
    pub fn decision_json_schema(&self) -> crate::JsonSchema {
        let quotable: Vec<String> = self
            .facts()
            .map(|f| f.path)
            .filter(|p| !p.contains('['))
            .collect();
        crate::info::JsonSchema(crate::report::decision_schema(&self.engine, &quotable))
    }

    /// Loads a JSON facts document against this ruleset's schema.
    ///
    /// The document is an object of root facts, plus an optional `"id"`
    /// string naming the transaction. `null` or an absent key is unknown. A
    /// fact may carry provenance: `{"value": 23, "source": "…", "as_of": "…"}`.
    pub fn facts_from_json(&self, json: &str) -> Result<Facts, FactsError> {
        load_json(
            &self.engine.inner.schema,
            self.engine.inner.fingerprint,
            json,
        )
    }

    /// Facts loaded for another ruleset, carried into this ruleset's
    /// schema: the same facts if they were loaded for it, or a copy laid out
    /// for it when the two schemas agree. They agree when every fact path
    /// both declare has the same type in both (enums compared by the names
    /// of their values: each value of the facts' enum must be one of this
    /// ruleset's, in any order). A fact only the other schema declares is
    /// left behind; one only this schema declares is unknown. Provenance
    /// comes along. The error names the first path where the schemas
    /// disagree, and both types.
    ///
    /// [`evaluate`](Self::evaluate) and [`explain`](Self::explain) do this
    /// themselves; the fast path ([`evaluate_into`](Self::evaluate_into),
    /// [`report`](Self::report)) takes facts of this schema only, so carry
    /// facts over once and evaluate the copy.
    ///
    /// ```
    /// use dd_rules::RuleSet;
    ///
    /// let state = RuleSet::bundled()?;
    /// let eu = RuleSet::compile(
    ///     include_str!("../rulesets/eu-2021-821-art5.rules"),
    ///     "eu-2021-821-art5.rules",
    /// )?;
    /// let doc = r#"{"product": {"capabilities": ["biometric_identification"]}}"#;
    /// let facts = state.facts_from_json(doc)?;
    /// let carried = eu.adopt(&facts)?;
    /// let report = eu.evaluate(&carried)?;
    /// assert_eq!(report.ruleset().name, eu.name());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn adopt(&self, facts: &Facts) -> Result<Facts, FactsError> {
        let inner = &self.engine.inner;
        if facts.fingerprint == inner.fingerprint {
            return Ok(facts.clone());
        }
        crate::facts::adapt(&facts.schema, &inner.schema, inner.fingerprint, facts)
    }

    /// The facts in this ruleset's schema, carried over if they were loaded
    /// for another ([`adopt`](Self::adopt)); borrowed when they need not be.
    fn own<'f>(&self, facts: &'f Facts) -> Result<std::borrow::Cow<'f, Facts>, EvalError> {
        if facts.fingerprint == self.engine.inner.fingerprint {
            return Ok(std::borrow::Cow::Borrowed(facts));
        }
        self.adopt(facts)
            .map(std::borrow::Cow::Owned)
            .map_err(EvalError::SchemaDiffers)
    }

    /// Converts a typed [`Transaction`] into facts for this ruleset, as
    /// [`facts_from_serialize`](Self::facts_from_serialize) does: no JSON
    /// text is written in between.
    pub fn facts_from_transaction(&self, transaction: &Transaction) -> Result<Facts, FactsError> {
        self.facts_from_serialize(transaction)
    }

    /// A builder of facts for this ruleset, set path by path
    /// ([`FactsBuilder`]).
    ///
    /// ```
    /// let rules = dd_rules::RuleSet::bundled()?;
    /// let facts = rules.facts_builder().set("end_user.sanctioned", true).build()?;
    /// assert_eq!(rules.evaluate(&facts)?.disposition(), "do_not_proceed");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn facts_builder(&self) -> FactsBuilder<'_> {
        FactsBuilder::new(&self.engine.inner.schema, self.engine.inner.fingerprint)
    }

    /// Facts from any value that serialises (with serde) as a facts
    /// document: a struct or map of root facts and an optional `id`, such as
    /// [`Transaction`], a caller's own struct or a `serde_json::Value`. The
    /// value is read as it serialises, checked as a JSON document is
    /// ([`facts_from_json`](Self::facts_from_json)), with the same messages
    /// and paths (no line or column: both 0) and no JSON text written in
    /// between; enums serialise by variant name, a [`Sourced`](crate::Sourced)
    /// field carries provenance, `None` is unknown. A number given as a float
    /// is read as the shortest decimal that gives the float back (what
    /// serde_json writes).
    ///
    /// ```
    /// use serde::Serialize;
    ///
    /// #[derive(Serialize)]
    /// struct Country { freedom_score: i64, civic_space: &'static str }
    /// #[derive(Serialize)]
    /// struct Deal { id: String, country: Country }
    ///
    /// let rules = dd_rules::RuleSet::bundled()?;
    /// let deal = Deal {
    ///     id: "T-1".into(),
    ///     country: Country { freedom_score: 23, civic_space: "repressed" },
    /// };
    /// let facts = rules.facts_from_serialize(&deal)?;
    /// assert_eq!(facts.transaction_id(), Some("T-1"));
    ///
    /// let value = serde_json::json!({"id": "T-1", "country": {"freedom_score": 23}});
    /// assert_eq!(rules.facts_from_serialize(&value)?, rules.facts_from_json(&value.to_string())?);
    /// let error = rules
    ///     .facts_from_serialize(&serde_json::json!({"country": {"freedom_score": "high"}}))
    ///     .unwrap_err();
    /// assert_eq!(error.path, "country.freedom_score");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn facts_from_serialize<T: serde::Serialize + ?Sized>(
        &self,
        value: &T,
    ) -> Result<Facts, FactsError> {
        crate::facts::load_value(
            &self.engine.inner.schema,
            self.engine.inner.fingerprint,
            value,
        )
    }

    /// The outcome with a name, as a [`Disposition`] to compare reports
    /// with; `None` when the ruleset declares no such outcome.
    ///
    /// ```
    /// let rules = dd_rules::RuleSet::bundled()?;
    /// assert_eq!(rules.disposition("out_of_scope").unwrap().rank(), 0);
    /// assert_eq!(rules.disposition("proceed").unwrap().rank(), 1);
    /// assert!(rules.disposition("maybe").is_none());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn disposition(&self, name: &str) -> Option<Disposition<'_>> {
        self.dispositions().find(|d| d.name() == name)
    }

    /// Every outcome as a [`Disposition`], least strict first.
    ///
    /// ```
    /// let rules = dd_rules::RuleSet::bundled()?;
    /// let names: Vec<&str> = rules.dispositions().map(|d| d.name()).collect();
    /// assert_eq!(names, rules.outcomes().collect::<Vec<_>>());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn dispositions(&self) -> impl Iterator<Item = Disposition<'_>> {
        self.outcomes()
            .enumerate()
            .map(|(rank, name)| Disposition::new(name, rank))
    }

    /// Evaluates facts into a full report.
    ///
    /// This is [`evaluate_into`](Self::evaluate_into) then
    /// [`report`](Self::report) with fresh buffers; to evaluate many
    /// transactions, or to need only the statuses, use those two.
    pub fn evaluate(&self, facts: &Facts) -> Result<Report, EvalError> {
        let facts = self.own(facts)?;
        let mut scratch = self.new_scratch();
        let outcome = self.evaluate_into(&facts, &mut scratch)?;
        self.report(&facts, outcome)
    }

    /// Adds the advice to a report: its [`questionnaire`](Report::questionnaire)
    /// (the missing facts whose answer alone would change a status, as
    /// questions, ranked) and its [`remediation`](Report::remediation) plan
    /// (the smallest sets of safeguards that would lower the disposition).
    /// Both are found by evaluating the transaction again, once per
    /// candidate answer and once per safeguard set tried, up to
    /// [`MAX_ADVICE_EVALUATIONS`](crate::MAX_ADVICE_EVALUATIONS) each: tens
    /// to hundreds of microseconds for the bundled ruleset, many times the
    /// report itself, so no report includes it unless asked. The CLI, the C
    /// ABI and the Python wrapper ask for it by default.
    ///
    /// ```
    /// let rules = dd_rules::RuleSet::bundled()?;
    /// let facts = rules.facts_from_json(r#"{"end_user": {"kind": "national_police"}}"#)?;
    /// let mut scratch = rules.new_scratch();
    /// let outcome = rules.evaluate_into(&facts, &mut scratch)?;
    /// let mut report = rules.report(&facts, outcome)?;
    /// assert!(report.questionnaire().is_none());
    /// rules.advise(&mut report)?;
    /// let first = &report.questionnaire().unwrap().questions[0];
    /// assert!(first.decides_scope);
    /// # Ok::<(), dd_rules::Error>(())
    /// ```
    pub fn advise(&self, report: &mut Report) -> Result<(), EvalError> {
        if !report.rules.same(&self.engine) {
            return Err(EvalError::SchemaMismatch);
        }
        let facts = report.facts.clone();
        let mut scratch = self.new_scratch();
        let outcome = self.evaluate_into(&facts, &mut scratch)?;
        let ranked: Vec<&str> = report.missing_facts().collect();
        let advice = crate::report::advice::advise(&self.engine, &facts, outcome, &ranked)
            .map_err(|at| self.engine.over_budget(at))?;
        report.advice = Some(Box::new(advice));
        Ok(())
    }

    /// Buffers for [`evaluate_into`](Self::evaluate_into), sized for this
    /// ruleset. Keep one per thread and reuse it.
    pub fn new_scratch(&self) -> Scratch {
        Scratch::new(&self.engine)
    }

    /// The fast path: evaluates facts into the status of every flag and
    /// safeguard and the disposition, in `scratch`, without evidence or
    /// missing facts. Allocates nothing once `scratch` has been used with
    /// this ruleset. Build the full report from the result, when needed,
    /// with [`report`](Self::report).
    ///
    /// ```
    /// use dd_rules::{RuleSet, Status};
    ///
    /// let rules = RuleSet::bundled()?;
    /// let facts = rules.facts_from_json(r#"{"parties": [{"listed": true}]}"#)?;
    /// let mut scratch = rules.new_scratch();
    /// let outcome = rules.evaluate_into(&facts, &mut scratch)?;
    /// assert_eq!(outcome.flag("S4.listed_party"), Some(Status::Raised));
    /// assert_eq!(outcome.disposition(), "do_not_proceed");
    ///
    /// let report = rules.report(&facts, outcome)?;
    /// assert_eq!(report.disposition(), "do_not_proceed");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn evaluate_into<'s>(
        &self,
        facts: &Facts,
        scratch: &'s mut Scratch,
    ) -> Result<&'s Outcome, EvalError> {
        if facts.fingerprint != self.engine.inner.fingerprint {
            return Err(EvalError::SchemaMismatch);
        }
        scratch
            .run(&self.engine, facts)
            .map_err(|at| self.engine.over_budget(at))
    }

    /// The full report for facts, built from the [`Outcome`] that
    /// [`evaluate_into`](Self::evaluate_into) gave for them: the statuses
    /// are taken from it, and evidence, missing facts and mitigations added.
    /// An outcome of other facts or of another ruleset is not used: the
    /// facts are then evaluated afresh, so the report is always theirs.
    pub fn report(&self, facts: &Facts, outcome: &Outcome) -> Result<Report, EvalError> {
        if facts.fingerprint != self.engine.inner.fingerprint {
            return Err(EvalError::SchemaMismatch);
        }
        let fresh;
        let outcome = if outcome.facts == facts.serial && outcome.rules().same(&self.engine) {
            outcome
        } else {
            let mut scratch = self.new_scratch();
            scratch
                .run(&self.engine, facts)
                .map_err(|at| self.engine.over_budget(at))?;
            fresh = scratch;
            fresh.outcome()
        };
        report::build(&self.engine, self.engine.checked(), facts, outcome)
            .map_err(|at| self.engine.over_budget(at))
    }

    /// Explains the condition of a flag or safeguard for these facts: the
    /// condition tree as written, with the truth value of each part and the
    /// fact values it read. `Ok(None)` when the ruleset has no such id.
    pub fn explain(
        &self,
        facts: &Facts,
        id: &str,
    ) -> Result<Option<crate::Explanation>, EvalError> {
        self.explain_condition(facts, Some(id))
    }

    /// Explains the scope's condition for these facts, as
    /// [`explain`](Self::explain) does a flag's: why the transaction is in
    /// scope, out of it, or what keeps that unknown. `Ok(None)` when the
    /// ruleset declares no scope.
    ///
    /// ```
    /// use dd_rules::Truth;
    ///
    /// let rules = dd_rules::RuleSet::bundled()?;
    /// let facts = rules.facts_from_json(r#"{"product": {"capabilities": []}}"#)?;
    /// let why = rules.explain_scope(&facts)?.unwrap();
    /// assert_eq!(why.value, Truth::Unknown);
    /// assert!(why.missing.contains(&"product.critical_component".to_string()));
    /// # Ok::<(), dd_rules::Error>(())
    /// ```
    pub fn explain_scope(&self, facts: &Facts) -> Result<Option<crate::Explanation>, EvalError> {
        self.explain_condition(facts, None)
    }

    /// The explanation of flag or safeguard `id`, or of the scope for `None`.
    fn explain_condition(
        &self,
        facts: &Facts,
        id: Option<&str>,
    ) -> Result<Option<crate::Explanation>, EvalError> {
        let facts = &*self.own(facts)?;
        let source = self.engine.inner.warnings.source();
        let Some(tree) = self.engine.syntax_tree() else {
            return Ok(None);
        };
        crate::explain::explain(
            &self.engine.inner.checked,
            source,
            tree,
            facts,
            id,
            self.engine.budget,
        )
        .map_err(|kind| EvalError::OverBudget {
            budget: self.engine.budget,
            kind,
            id: id.unwrap_or("scope").to_string(),
        })
    }

    /// Loads a JSON facts document and evaluates it.
    pub fn evaluate_json(&self, json: &str) -> Result<Report, Error> {
        let facts = self.facts_from_json(json)?;
        Ok(self.evaluate(&facts)?)
    }

    #[cfg(test)]
    pub(crate) fn checked(&self) -> &Checked {
        &self.engine.inner.checked
    }
}
