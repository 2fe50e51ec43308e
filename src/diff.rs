//! What a ruleset change changes: the static diff of two rulesets (what
//! they declare, item by item, from their introspection) and the impact on
//! transactions (each evaluated by both, the differences counted).
//!
//! Built on the public facade (`RuleSet`) and the fast path only; nothing
//! below knows of it.

mod impact;
mod statics;

pub use impact::{
    ChangedTransaction, FlagImpact, FlagState, FlagTransition, IMPACT_KEPT, Impact, Transition,
    Verdict,
};
pub use statics::{
    CaseChange, ChangeKind, FactChange, FieldChange, ItemChange, OutcomesDiff, RulesetDiff,
};

use crate::ruleset::RuleSet;

impl RuleSet {
    /// The static diff from this ruleset to `new`: flags, safeguards,
    /// predicates and the scope added, removed or changed (by id, field by
    /// field), the outcomes, the disposition cases and the fact schema.
    ///
    /// ```
    /// let old = dd_rules::RuleSet::bundled()?;
    /// let source = dd_rules::BUNDLED_SOURCE.replace(
    ///     "when: end_user.sanctioned\n",
    ///     "when: end_user.sanctioned or end_user.past_misuse_similar\n",
    /// );
    /// let new = dd_rules::RuleSet::compile(&source, "new.rules")?;
    /// let diff = old.diff(&new);
    /// assert_eq!(diff.flags.len(), 1);
    /// let change = diff.flag("S2.sanctioned").unwrap();
    /// assert_eq!(change.fields[0].field, "condition");
    /// assert_eq!(change.fields[0].old.as_deref(), Some("end_user.sanctioned"));
    /// # Ok::<(), dd_rules::RulesError>(())
    /// ```
    pub fn diff(&self, new: &RuleSet) -> RulesetDiff {
        statics::diff(self, new)
    }

    /// The impact of the change from this ruleset to `new` on facts
    /// documents (JSON text), numbered from 1 in the order given: see
    /// [`Impact`]. For a stream, or to work in parallel, make
    /// [`Impact`]s and [`merge`](Impact::merge) them.
    pub fn impact<'r, I, S>(&'r self, new: &'r RuleSet, docs: I) -> Impact<'r>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut impact = Impact::new(self, new);
        for (line, doc) in (1u64..).zip(docs) {
            impact.add_json(line, doc.as_ref());
        }
        impact
    }
}
