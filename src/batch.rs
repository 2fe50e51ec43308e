//! Batches: many facts documents evaluated at once, on rayon's thread pool
//! with the `parallel` feature, one after the other without it. Results come
//! back in input order either way, and each is exactly what evaluating the
//! document alone gives: the same report, byte for byte.
//!
//! For a stream (NDJSON), read a chunk of lines, evaluate it as a batch,
//! write the results in order, and go on with the next chunk: memory is
//! bounded by the chunk, not by the stream.

#[cfg(feature = "parallel")]
use rayon::prelude::*;

use crate::error::Error;
use crate::eval::outcome::{Outcome, Scratch};
use crate::facts::Facts;
use crate::report::Report;
use crate::ruleset::RuleSet;

impl RuleSet {
    /// Loads and evaluates every document into a full report, in input order.
    ///
    /// With the `parallel` feature, documents are evaluated on rayon's
    /// current thread pool (all cores unless the caller runs this inside
    /// another pool's `install`).
    ///
    /// ```
    /// use dd_rules::RuleSet;
    ///
    /// let rules = RuleSet::bundled()?;
    /// let docs = [r#"{"id": "a"}"#, "not json", r#"{"id": "c"}"#];
    /// let results = rules.evaluate_batch(&docs);
    /// assert_eq!(results[0].as_ref().unwrap().transaction(), Some("a"));
    /// assert!(results[1].is_err());
    /// assert_eq!(results[2].as_ref().unwrap().transaction(), Some("c"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn evaluate_batch<S>(&self, docs: &[S]) -> Vec<Result<Report, Error>>
    where
        S: AsRef<str> + Sync,
    {
        self.evaluate_batch_with(docs, |_, result| result)
    }

    /// Loads and evaluates every document into a full report and hands it,
    /// with the document's index, to `f`; returns what `f` returns, in input
    /// order. `f` runs on the same thread as the evaluation, so the work it
    /// does (rendering the report as JSON or text, say) is parallel too.
    ///
    /// This is the building block for streams: give it a chunk of lines at
    /// a time: enough documents to keep every core busy (a thousand or so),
    /// few enough that memory stays flat.
    ///
    /// ```
    /// use dd_rules::RuleSet;
    ///
    /// let rules = RuleSet::bundled()?;
    /// let lines = vec![r#"{"id": "a"}"#.to_string(), r#"{"id": "b"}"#.to_string()];
    /// let out: Vec<String> = rules.evaluate_batch_with(&lines, |i, result| match result {
    ///     Ok(report) => report.to_json(),
    ///     Err(e) => format!("line {}: {e}", i + 1),
    /// });
    /// assert!(out[1].contains(r#""transaction":"b""#));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn evaluate_batch_with<S, T, F>(&self, docs: &[S], f: F) -> Vec<T>
    where
        S: AsRef<str> + Sync,
        T: Send,
        F: Fn(usize, Result<Report, Error>) -> T + Sync + Send,
    {
        self.evaluate_batch_fast(docs, |i, result| {
            f(
                i,
                result.and_then(|(facts, outcome)| Ok(self.report(facts, outcome)?)),
            )
        })
    }

    /// The fast path over a batch: loads and evaluates every document into
    /// an [`Outcome`] (statuses and disposition only, no report) and hands
    /// it, with the facts and the document's index, to `f`; returns what `f`
    /// returns, in input order. Each thread reuses one [`Scratch`].
    ///
    /// To re-screen a ledger, say, build the full report only for the
    /// transactions that need one:
    ///
    /// ```
    /// use dd_rules::RuleSet;
    ///
    /// let rules = RuleSet::bundled()?;
    /// let docs = [r#"{"parties": [{"listed": true}]}"#, r#"{}"#];
    /// let refused: Vec<Option<String>> = rules.evaluate_batch_fast(&docs, |_, result| {
    ///     let (facts, outcome) = result.ok()?;
    ///     (outcome.disposition() == "do_not_proceed")
    ///         .then(|| rules.report(facts, outcome).ok().map(|r| r.to_json()))
    ///         .flatten()
    /// });
    /// assert!(refused[0].is_some() && refused[1].is_none());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn evaluate_batch_fast<S, T, F>(&self, docs: &[S], f: F) -> Vec<T>
    where
        S: AsRef<str> + Sync,
        T: Send,
        F: Fn(usize, Result<(&Facts, &Outcome), Error>) -> T + Sync + Send,
    {
        let one = |scratch: &mut Scratch, (i, doc): (usize, &S)| {
            let result = self.facts_from_json(doc.as_ref()).map_err(Error::from);
            match result {
                Ok(facts) => match self.evaluate_into(&facts, scratch) {
                    Ok(outcome) => f(i, Ok((&facts, outcome))),
                    Err(e) => f(i, Err(e.into())),
                },
                Err(e) => f(i, Err(e)),
            }
        };
        #[cfg(feature = "parallel")]
        {
            docs.par_iter()
                .enumerate()
                .map_init(|| self.new_scratch(), one)
                .collect()
        }
        #[cfg(not(feature = "parallel"))]
        {
            let mut scratch = self.new_scratch();
            docs.iter()
                .enumerate()
                .map(|item| one(&mut scratch, item))
                .collect()
        }
    }
}
