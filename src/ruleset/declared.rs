//! What a compiled ruleset declares, for documentation: the fact reference
//! and the disposition policy.

use super::RuleSet;
use crate::info::{CaseInfo, FactInfo, OutcomeInfo, PolicyInfo, PredicateInfo};

impl RuleSet {
    /// Every fact path the schema declares, depth first in declaration
    /// order (a record's path, then its fields'), each with its type, doc
    /// comment (the question it answers), allowed values, `required` mark
    /// and the flags, safeguards and scope whose conditions read it: what
    /// `dd-rules doc` lists as the fact reference.
    ///
    /// A field of every element of a list is written with `[]`:
    /// `parties[].role`. A list of a record that is already being listed
    /// around it (a record that contains itself through a list) is listed
    /// but not entered again, and at most 100,000 paths are listed (a
    /// record used in many places is listed at each).
    ///
    /// A condition reads a fact when the fact is written in it, or in a
    /// predicate it uses, quantifier bodies included; a flag that reads
    /// `parties[].listed` reads `parties` too (the list it quantifies over).
    ///
    /// ```
    /// let rules = dd_rules::RuleSet::bundled()?;
    /// let paths: Vec<String> = rules.facts().map(|f| f.path).collect();
    /// assert!(paths.contains(&"end_user".to_string()));
    /// assert!(paths.contains(&"end_user.kind".to_string()));
    /// assert!(paths.contains(&"parties[].role".to_string()));
    /// // Every fact a question may ask about is listed.
    /// let report = rules.evaluate_json("{}")?;
    /// assert!(report.missing_facts().all(|m| paths.iter().any(|p| p == m)));
    /// # Ok::<(), dd_rules::Error>(())
    /// ```
    pub fn facts(&self) -> impl Iterator<Item = FactInfo<'_>> {
        crate::info::facts::facts(&self.engine.inner.checked).into_iter()
    }

    /// The predicates, the named conditions that flags, safeguards, the
    /// scope and other predicates use by name, in source order, each with
    /// its doc comment and its condition laid out as
    /// [`FlagInfo::condition`](crate::FlagInfo) is.
    ///
    /// ```
    /// let rules = dd_rules::RuleSet::bundled()?;
    /// let poor = rules.predicates().find(|p| p.name == "poor_record").unwrap();
    /// assert!(poor.condition.contains("country.freedom_score"));
    /// assert!(poor.docs.is_some());
    /// # Ok::<(), dd_rules::RulesError>(())
    /// ```
    pub fn predicates(&self) -> impl Iterator<Item = PredicateInfo<'_>> {
        self.engine
            .declared()
            .predicates
            .iter()
            .map(|(name, docs, condition)| PredicateInfo {
                name,
                docs: docs.as_deref(),
                condition,
            })
    }

    /// The disposition policy: the outcomes with their doc comments, and
    /// each case as a condition over the flags and the outcome it gives,
    /// the conditions laid out as [`FlagInfo::condition`](crate::FlagInfo)
    /// is.
    ///
    /// ```
    /// let rules = dd_rules::RuleSet::bundled()?;
    /// for case in rules.policy().cases {
    ///     match case.condition {
    ///         Some(when) => println!("when {when} => {}", case.outcome),
    ///         None => println!("otherwise => {}", case.outcome),
    ///     }
    /// }
    /// # Ok::<(), dd_rules::RulesError>(())
    /// ```
    pub fn policy(&self) -> PolicyInfo<'_> {
        let engine = &self.engine;
        let declared = engine.declared();
        let checked = &engine.inner.checked;
        PolicyInfo {
            docs: declared.disposition_docs.as_deref(),
            outcomes_docs: declared.outcomes_docs.as_deref(),
            outcomes: checked
                .outcomes
                .iter()
                .enumerate()
                .map(|(i, o)| OutcomeInfo {
                    name: &o.name,
                    docs: declared.outcome_docs.get(i).and_then(Option::as_deref),
                })
                .collect(),
            cases: checked
                .cases
                .iter()
                .enumerate()
                .map(|(i, c)| CaseInfo {
                    condition: declared
                        .cases
                        .get(i)
                        .and_then(Option::as_deref)
                        .filter(|_| c.cond.is_some()),
                    outcome: engine.outcome_name(c.outcome).unwrap_or_default(),
                    text: &c.text,
                })
                .collect(),
        }
    }
}
