//! "Did you mean": the closest known name to a misspelt one.
//!
//! Every search costs bounded time and memory whatever the name: a facts
//! document may hold a key of megabytes. Candidates are names the checker
//! has limited to [`MAX_ID_BYTES`] bytes, so a name far longer than that is
//! close to none and is not compared at all; the edit distance keeps three
//! rows of the candidate's length, not a table, and stops as soon as the
//! names are known to be further apart than the limit.

use crate::limits::{MAX_ID_BYTES, MAX_SUGGESTIONS};

/// The most candidates one search compares with the misspelt name.
const MAX_CANDIDATES: usize = 1000;

/// The longest name, in characters, compared with candidates. A name of
/// `n` characters is close to a candidate only within `n / 3` edits, so its
/// length must be within `n / 3` of the candidate's: no candidate of at most
/// [`MAX_ID_BYTES`] characters is close to a name of more than one and a
/// half times that.
const MAX_COMPARED_CHARS: usize = MAX_ID_BYTES + MAX_ID_BYTES / 2;

/// The edit distance between two names, counting a swap of neighbours as one
/// edit (optimal string alignment), or `None` when it is more than `limit`.
/// Three rows of `b`'s length, not a table; the search stops at the first row
/// whose every cell is past the limit, since no later row can come back
/// under it (a swap reaches back two rows, but the row between is never more
/// than one edit past the cell two rows up).
fn distance(a: &[char], b: &[char], limit: usize) -> Option<usize> {
    if a.len().abs_diff(b.len()) > limit {
        return None;
    }
    let width = b.len() + 1;
    let mut two_up: Vec<usize> = vec![0; width];
    let mut up: Vec<usize> = (0..width).collect();
    let mut row: Vec<usize> = vec![0; width];
    let cell = |v: &[usize], j: usize| v.get(j).copied().unwrap_or(usize::MAX / 2);
    for (i, &x) in a.iter().enumerate() {
        let first = i + 1;
        if let Some(c) = row.first_mut() {
            *c = first;
        }
        let mut row_min = first;
        for (j, &y) in b.iter().enumerate() {
            let cost = usize::from(x != y);
            let mut best = (cell(&up, j + 1) + 1)
                .min(cell(&row, j) + 1)
                .min(cell(&up, j) + cost);
            let swapped = i > 0 && j > 0 && a.get(i - 1) == Some(&y) && b.get(j - 1) == Some(&x);
            if swapped {
                best = best.min(cell(&two_up, j - 1) + 1);
            }
            if let Some(c) = row.get_mut(j + 1) {
                *c = best;
            }
            row_min = row_min.min(best);
        }
        if row_min > limit {
            return None;
        }
        std::mem::swap(&mut two_up, &mut up);
        std::mem::swap(&mut up, &mut row);
    }
    Some(cell(&up, b.len())).filter(|d| *d <= limit)
}

/// Whether a diagnostic about to be added to `diags` may still look for a
/// "did you mean": only the first [`MAX_SUGGESTIONS`] do, since each compares
/// a name with every candidate.
pub(crate) fn suggesting(diags: &[crate::diag::Diagnostic]) -> bool {
    diags.len() < MAX_SUGGESTIONS
}

/// The candidate closest to `name`, if it is close enough to be a likely typo
/// (or differs only in case). A name of more than [`MAX_COMPARED_CHARS`]
/// characters is compared with nothing; at most [`MAX_CANDIDATES`] candidates
/// of a plausible length are compared, each at a cost bounded by the two
/// names' lengths, so one search costs a bounded time and memory.
pub(crate) fn closest<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    // Counting stops one past the cap: a name of megabytes costs no more.
    let length = name.chars().take(MAX_COMPARED_CHARS + 1).count();
    if length > MAX_COMPARED_CHARS {
        return None;
    }
    let limit = (length / 3).max(1);
    let chars: Vec<char> = name.chars().collect();
    let lowercase = |s: &'a str| s.chars().flat_map(char::to_lowercase);
    candidates
        .into_iter()
        .filter(|c| *c != name && c.len() <= 4 * MAX_COMPARED_CHARS)
        // A prefix (`cutoff` for `cutoff_right`) may be of any length; other
        // names more than `limit` characters longer or shorter are too far off.
        .filter(|c| {
            c.len().abs_diff(name.len()) <= 4 * limit || c.starts_with(name) || name.starts_with(c)
        })
        .take(MAX_CANDIDATES)
        .filter_map(|c| {
            // Same letters but for case, or one name cut short (`cutoff` for
            // `cutoff_right`), are as likely as a typo.
            let d = if lowercase(c).eq(name.chars().flat_map(char::to_lowercase)) {
                0
            } else if name.len() >= 4 && (c.starts_with(name) || name.starts_with(c)) {
                1
            } else {
                let other: Vec<char> = c.chars().collect();
                distance(&chars, &other, limit)?
            };
            Some((d, c))
        })
        .min()
        .map(|(_, c)| c)
}

/// The candidate closest to `name`, if it is close enough to be a likely
/// typo, a case slip or a name cut short: the "did you mean" the checker
/// and the facts loader give, for tools that look names up (`dd-rules
/// explain` with an unknown id). Bounded in time and memory whatever the
/// name.
///
/// ```
/// let ids = ["S2.sanctioned", "S4.listed_party"];
/// assert_eq!(dd_rules::closest_name("S2.sanctiond", ids), Some("S2.sanctioned"));
/// assert_eq!(dd_rules::closest_name("s4.listed_party", ids), Some("S4.listed_party"));
/// assert_eq!(dd_rules::closest_name("nothing", ids), None);
/// ```
pub fn closest_name<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    closest(name, candidates)
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

    fn d(a: &str, b: &str, limit: usize) -> Option<usize> {
        let a: Vec<char> = a.chars().collect();
        let b: Vec<char> = b.chars().collect();
        distance(&a, &b, limit)
    }

    #[test]
    fn finds_typos() {
        let names = ["freedom_score", "civic_space", "name"];
        assert_eq!(closest("freedom_scor", names), Some("freedom_score"));
        assert_eq!(closest("civic_spcae", names), Some("civic_space"));
        assert_eq!(closest("Name", names), Some("name"));
        assert_eq!(closest("budget", names), None);
    }

    #[test]
    fn distance_counts_edits_and_swaps() {
        assert_eq!(d("kitten", "sitting", 5), Some(3));
        assert_eq!(d("ab", "ba", 5), Some(1));
        assert_eq!(d("abcdef", "badcfe", 5), Some(3));
        assert_eq!(d("", "abc", 5), Some(3));
        assert_eq!(d("abc", "", 5), Some(3));
        assert_eq!(d("same", "same", 0), Some(0));
        assert_eq!(d("é", "e", 1), Some(1));
    }

    #[test]
    fn distance_gives_up_past_the_limit() {
        assert_eq!(d("kitten", "sitting", 2), None);
        assert_eq!(d("kitten", "sitting", 3), Some(3));
        // The lengths alone rule it out.
        assert_eq!(d("a", "abcdef", 2), None);
        // A swap right after a row past the limit cannot bring it back.
        assert_eq!(d("xaby", "zbaw", 2), None);
        assert_eq!(d("xaby", "zbaw", 3), Some(3));
    }

    #[test]
    fn names_longer_than_any_candidate_could_be_close_to_are_not_compared() {
        // Each a candidate for `closest` under the old rules: a prefix, a
        // name that differs only in case, one within a third of its length.
        let long = "score".repeat(200_000);
        assert_eq!(closest(&long, ["score"]), None);
        let upper = long.to_uppercase();
        assert_eq!(closest(&upper, [long.as_str()]), None);
        // The longest name still compared, against the longest candidate.
        let id = "a".repeat(MAX_ID_BYTES);
        let near = format!("{id}{}", "b".repeat(MAX_ID_BYTES / 2));
        assert_eq!(closest(&near, [id.as_str()]), Some(id.as_str()));
        let far = format!("{near}b");
        assert_eq!(closest(&far, [id.as_str()]), None);
    }
}
