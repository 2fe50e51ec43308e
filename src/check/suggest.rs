//! "Did you mean": the closest known name to a misspelt one.

use crate::limits::MAX_SUGGESTIONS;

/// The most candidates one search compares with the misspelt name.
const MAX_CANDIDATES: usize = 1000;

/// The edit distance between two strings, counting a swap of neighbours as one edit.
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let width = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * width];
    let at = |i: usize, j: usize| i * width + j;
    for i in 0..=a.len() {
        if let Some(x) = d.get_mut(at(i, 0)) {
            *x = i;
        }
    }
    for j in 0..=b.len() {
        if let Some(x) = d.get_mut(at(0, j)) {
            *x = j;
        }
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let get = |i, j| d.get(at(i, j)).copied().unwrap_or(usize::MAX / 2);
            let cost = usize::from(a.get(i - 1) != b.get(j - 1));
            let mut best = (get(i - 1, j) + 1)
                .min(get(i, j - 1) + 1)
                .min(get(i - 1, j - 1) + cost);
            if i > 1 && j > 1 && a.get(i - 1) == b.get(j - 2) && a.get(i - 2) == b.get(j - 1) {
                best = best.min(get(i - 2, j - 2) + 1);
            }
            if let Some(x) = d.get_mut(at(i, j)) {
                *x = best;
            }
        }
    }
    d.get(at(a.len(), b.len())).copied().unwrap_or(usize::MAX)
}

/// Whether a diagnostic about to be added to `diags` may still look for a
/// "did you mean": only the first [`MAX_SUGGESTIONS`] do, since each compares
/// a name with every candidate.
pub(crate) fn suggesting(diags: &[crate::report::diagnostic::Diagnostic]) -> bool {
    diags.len() < MAX_SUGGESTIONS
}

/// The candidate closest to `name`, if it is close enough to be a likely typo
/// (or differs only in case). At most [`MAX_CANDIDATES`] candidates of a
/// plausible length are compared, so one search costs a bounded time.
pub(crate) fn closest<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let length = name.chars().count();
    let limit = (length / 3).max(1);
    candidates
        .into_iter()
        .filter(|c| *c != name)
        // A prefix (`cutoff` for `cutoff_right`) may be of any length; other
        // names more than `limit` longer or shorter are too far off.
        .filter(|c| {
            c.len().abs_diff(name.len()) <= 4 * limit || c.starts_with(name) || name.starts_with(c)
        })
        .take(MAX_CANDIDATES)
        .map(|c| {
            // Same letters but for case, or one name cut short (`cutoff` for
            // `cutoff_right`), are as likely as a typo.
            let d = if c.to_lowercase() == name.to_lowercase() {
                0
            } else if name.len() >= 4 && (c.starts_with(name) || name.starts_with(c)) {
                1
            } else {
                distance(name, c)
            };
            (d, c)
        })
        .filter(|(d, _)| *d <= limit)
        .min()
        .map(|(_, c)| c)
}

/// "did you mean `x`?" for the closest candidate, if any.
pub(crate) fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    closest(name, candidates).map(|c| format!("did you mean `{c}`?"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_typos() {
        let names = ["freedom_score", "civic_space", "name"];
        assert_eq!(closest("freedom_scor", names), Some("freedom_score"));
        assert_eq!(closest("civic_spcae", names), Some("civic_space"));
        assert_eq!(closest("Name", names), Some("name"));
        assert_eq!(closest("budget", names), None);
    }
}
