//! Decision-record options checked against a ruleset's schema
//! ([`RuleSet::decision_options`]); the records themselves are written by
//! the report (`report/decision.rs`).

use super::RuleSet;
use crate::facts::FactsError;
use crate::printable::push_json_str;
use crate::report::decision::{DecisionOptions, RecordFact, resolve};

impl RuleSet {
    /// The options of decision records ([`Report::write_decision`](crate::Report::write_decision)) that
    /// quote the facts at `facts` (paths of dotted field names, such as
    /// `end_user.kind` or `parties`, a path the schema declares that does
    /// not pass through a list; a path given twice is quoted once) and carry
    /// `at` as their time stamp.
    ///
    /// Fails on the first path the schema does not declare, naming it (the
    /// error's `path`), with the closest declared path when one is close.
    ///
    /// ```
    /// let rules = dd_rules::RuleSet::bundled()?;
    /// let e = rules.decision_options(["end_user.knd"], None).unwrap_err();
    /// assert_eq!(e.path, "end_user.knd");
    /// assert_eq!(
    ///     e.message,
    ///     "`end_user.knd` is not a fact of the ruleset `us-state-2020`; did you mean `end_user.kind`?",
    /// );
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn decision_options<I>(
        &self,
        facts: I,
        at: Option<&str>,
    ) -> Result<DecisionOptions, FactsError>
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        let schema = self.engine.schema();
        let mut quoted: Option<Vec<RecordFact>> = None;
        for path in facts {
            let path = path.as_ref();
            let resolved = resolve(schema, path);
            let Some((slot, ty)) = resolved else {
                // The fields of the same record: the path with its last
                // name replaced (a shorter path would always be "closer").
                let parent = path.rsplit_once('.').map_or("", |(p, _)| p);
                let declared: Vec<String> = self
                    .facts()
                    .map(|f| f.path)
                    .filter(|p| {
                        !p.contains('[') && p.rsplit_once('.').map_or("", |(p, _)| p) == parent
                    })
                    .collect();
                let hint = crate::suggest::did_you_mean(path, declared.iter().map(String::as_str))
                    .map_or(String::new(), |h| format!("; {h}"));
                return Err(FactsError::new(
                    path,
                    0,
                    0,
                    format!(
                        "`{}` is not a fact of the ruleset `{}`{hint}",
                        crate::printable_prefix(path, 200),
                        crate::printable(self.name())
                    ),
                ));
            };
            let list = quoted.get_or_insert_with(Vec::new);
            if list.iter().all(|f| f.path != path) {
                let mut key = String::with_capacity(path.len() + 2);
                push_json_str(&mut key, path);
                list.push(RecordFact {
                    path: path.to_string(),
                    key,
                    slot,
                    ty,
                });
            }
        }
        Ok(DecisionOptions {
            facts: quoted,
            fingerprint: self.engine.inner.fingerprint,
            at: at.map(str::to_string),
        })
    }
}
