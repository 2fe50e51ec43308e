//! Advice: what to do next with a transaction the report could not settle.
//!
//! - The **questionnaire** ([`Questionnaire`], `advice/questions.rs`): the
//!   missing facts whose answer alone would change something, each as a
//!   question (the schema's doc comment), with its type, its allowed values
//!   and what it decides, ranked: the scope's first, then the facts the
//!   ruleset declares `required`, then those that could change the
//!   disposition, then those that could change a status.
//! - The **remediation plan** ([`Remediation`], `advice/plan.rs`): the
//!   smallest sets of safeguards that, put in place, would lower the
//!   disposition, and to which outcome.
//!
//! Both are exact under the ruleset's semantics, because both are found by
//! evaluating the transaction again: "what if this fact had this value",
//! "what if these safeguards were in place". That costs evaluations, not
//! guesses, so advice is computed on request ([`RuleSet::advise`]), never on
//! the fast path or in the reports of a batch. The work is bounded by
//! [`MAX_ADVICE_EVALUATIONS`](crate::limits::MAX_ADVICE_EVALUATIONS)
//! evaluations per transaction.
//!
//! [`RuleSet::advise`]: crate::RuleSet::advise

mod candidates;
mod plan;
#[cfg(test)]
mod proptests;
mod questions;

use serde::{Deserialize, Serialize};

use crate::budget::ConditionKind;
use crate::engine::Engine;
use crate::eval::outcome::Outcome;
use crate::facts::Facts;

/// One question of a [`Questionnaire`]: a fact the transaction's facts do
/// not give, what it means, and what answering it could decide.
///
/// ```
/// let rules = dd_rules::RuleSet::bundled()?;
/// let mut report = rules.evaluate_json(r#"{"product": {"capabilities": ["facial_recognition"]},
///     "end_user": {"kind": "national_police", "is_government": true}}"#)?;
/// rules.advise(&mut report)?;
/// let questions = report.questionnaire().unwrap();
/// let sanctioned = questions.get("end_user.sanctioned").unwrap();
/// assert_eq!(sanctioned.ty, "bool");
/// assert!(sanctioned.flags.iter().any(|f| f == "S2.sanctioned"));
/// assert!(sanctioned.changes_disposition);
/// # Ok::<(), dd_rules::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Question {
    /// The fact path, as reports write them (`parties[0].listed`).
    pub fact: String,
    /// What the fact means: the doc comment of its field in the schema.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub question: Option<String>,
    /// Its type as the schema writes it: `bool`, `int`, `decimal`,
    /// `string`, an enum's name, `set<Enum>` or `list<Record>`.
    #[serde(rename = "type")]
    pub ty: String,
    /// The values it may take, for an enum or a set of one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<String>,
    /// Whether the ruleset declares the fact required of every transaction
    /// in scope. A required fact is asked even when no answer would change
    /// anything by itself.
    #[serde(default)]
    pub required: bool,
    /// Whether some answer decides whether the transaction is in scope.
    #[serde(default)]
    pub decides_scope: bool,
    /// Whether some answer, with every other fact as it is, changes the
    /// disposition. When false, the fact cannot change the disposition
    /// alone (though it may with other answers).
    pub changes_disposition: bool,
    /// The dispositions some answer leads to, least strict first: the
    /// outcomes other than the present one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub leads_to: Vec<String>,
    /// The flags whose status some answer decides, in declaration order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub flags: Vec<String>,
    /// The safeguards whose status some answer decides.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub safeguards: Vec<String>,
}

impl Question {
    /// The question in words, for a person: the doc comment (or the path
    /// when the schema gives none) and what kind of answer it takes.
    ///
    /// ```
    /// let rules = dd_rules::RuleSet::bundled()?;
    /// let mut report = rules.evaluate_json(r#"{"end_user": {"kind": "national_police"}}"#)?;
    /// rules.advise(&mut report)?;
    /// let q = report.questionnaire().unwrap().get("product.capabilities").unwrap();
    /// assert!(q.in_words().starts_with("Which apply? "));
    /// # Ok::<(), dd_rules::Error>(())
    /// ```
    pub fn in_words(&self) -> String {
        let what = self.question.as_deref().unwrap_or(&self.fact);
        let what = what.trim_end_matches('.');
        let (ask, answer) = if self.ty == "bool" {
            ("Yes or no?", String::new())
        } else if self.ty.starts_with("set<") {
            (
                "Which apply?",
                format!(" (any of: {})", self.values.join(", ")),
            )
        } else if self.ty.starts_with("list<") {
            ("List them:", String::new())
        } else if !self.values.is_empty() {
            (
                "Which one?",
                format!(" (one of: {})", self.values.join(", ")),
            )
        } else {
            let kind = match self.ty.as_str() {
                "int" => " (a whole number)",
                "decimal" => " (a number)",
                _ => " (text)",
            };
            ("What is it?", kind.to_string())
        };
        format!("{ask} {what}.{answer} [{}]", self.fact)
    }
}

/// The questionnaire of a report: the missing facts that matter, ranked.
///
/// Ranked, first to last: the facts that decide the scope (when it is
/// unknown); the facts the ruleset declares `required`; the facts an
/// answer to which alone would change the disposition; the facts an answer
/// to which would change some flag's or safeguard's status. Within each
/// group, by the weight of the flags the fact decides (the most severe
/// first, then how many), then in the order of the report's
/// `missing_facts`, then in the document's. A missing fact no answer to which would change
/// any status is not asked (unless required). Out of scope, nothing is
/// asked: the scope is settled.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Questionnaire {
    /// The questions, most decisive first.
    pub questions: Vec<Question>,
    /// Whether the questionnaire stopped at
    /// [`MAX_ADVICE_EVALUATIONS`](crate::limits::MAX_ADVICE_EVALUATIONS)
    /// before it examined every missing fact: the facts not examined are
    /// not listed.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub truncated: bool,
}

impl Questionnaire {
    /// The question about a fact path.
    pub fn get(&self, fact: &str) -> Option<&Question> {
        self.questions.iter().find(|q| q.fact == fact)
    }
}

/// One way to a lower disposition: safeguards to put in place, and the
/// outcome the transaction would then get.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RemedyPlan {
    /// The safeguards to put in place (those not in place now), in
    /// declaration order.
    pub safeguards: Vec<String>,
    /// The disposition with them in place.
    pub outcome: String,
}

/// The remediation plan of a report whose disposition is above the
/// ruleset's lowest in-scope outcome: the smallest sets of safeguards that,
/// put in place, would lower it.
///
/// Every plan was checked by evaluating the transaction again with its
/// safeguards in place (the flags do not depend on the safeguards, so the
/// mitigations and the disposition policy are what change), and no proper
/// subset of a plan reaches its outcome or a lower one. Plans come lowest
/// outcome first, then fewest safeguards.
///
/// ```
/// let rules = dd_rules::RuleSet::bundled()?;
/// let mut report = rules.evaluate_json(r#"{"end_user": {"sanctioned": true}}"#)?;
/// rules.advise(&mut report)?;
/// let plan = report.remediation().unwrap();
/// assert!(plan.plans.is_empty());
/// assert_eq!(plan.blocked_by, ["S2.sanctioned"]);
/// # Ok::<(), dd_rules::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Remediation {
    /// The disposition now.
    pub from: String,
    /// The lowest disposition that safeguards could reach: with every
    /// safeguard that mitigates a flag not clear in place.
    pub best: String,
    /// The smallest safeguard sets that lower the disposition.
    pub plans: Vec<RemedyPlan>,
    /// Why safeguards cannot bring the disposition down to the lowest
    /// in-scope outcome, when they cannot: the raised flags that no
    /// safeguard mitigates (a sanctions or list hit) each of which, were it
    /// clear, would let the safeguards go lower than [`best`](Self::best);
    /// or, when no one of them would alone, all of them if together they
    /// would. Empty when what blocks is unknown flags (the questionnaire's
    /// business) or nothing.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub blocked_by: Vec<String>,
    /// Whether the search stopped at
    /// [`MAX_ADVICE_EVALUATIONS`](crate::limits::MAX_ADVICE_EVALUATIONS) or
    /// [`MAX_REMEDY_PLANS`](crate::limits::MAX_REMEDY_PLANS): larger plans
    /// may exist that are not listed.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub truncated: bool,
}

/// The advice of one report.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Advice {
    pub questionnaire: Questionnaire,
    pub remediation: Option<Remediation>,
}

/// The advice for `facts`, whose outcome is `outcome`. On failure, the
/// condition that went over the evaluation budget in one of the
/// evaluations the advice makes.
/// `ranked` is the report's `missing_facts`, examined first.
pub(crate) fn advise(
    rules: &Engine,
    facts: &Facts,
    outcome: &Outcome,
    ranked: &[&str],
) -> Result<Advice, (ConditionKind, usize)> {
    let questionnaire = questions::ask(rules, facts, outcome, ranked)?;
    let remediation = plan::remedy(rules, outcome);
    Ok(Advice {
        questionnaire,
        remediation,
    })
}
