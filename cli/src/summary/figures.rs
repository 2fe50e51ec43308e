//! The figures a summary shows, made from the tally: in the ruleset's
//! order, ranked, and for a public summary with the vocabulary limited to
//! the ruleset's and small counts suppressed (see [`suppress`]).

use std::collections::HashMap;

use dd_rules::RuleSet;

use super::tally::{OTHER, Rejection, Tally};

/// One count, and whether a public summary suppresses it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cell {
    pub value: u64,
    pub hidden: bool,
}

impl Cell {
    fn new(value: u64) -> Cell {
        Cell {
            value,
            hidden: false,
        }
    }

    /// The value, `None` when suppressed.
    pub fn shown(self) -> Option<u64> {
        (!self.hidden).then_some(self.value)
    }
}

/// A ruleset the records name.
pub struct RulesetRow {
    pub name: String,
    pub version: String,
    pub digest: String,
    pub records: Cell,
}

/// One flag's counts.
pub struct FlagRow {
    pub id: String,
    pub title: Option<String>,
    pub raised: Cell,
    pub mitigated: Cell,
    pub not_mitigated: Cell,
    pub unknown: Cell,
}

/// One row of a breakdown.
pub struct BreakdownRow {
    pub value: String,
    pub count: Cell,
    /// Aligned with [`Figures::dispositions`].
    pub by_disposition: Vec<Cell>,
}

/// The records by the value of one fact.
pub struct Breakdown {
    pub path: String,
    pub month: bool,
    /// Values past the cap were counted under `(other)`.
    pub capped: bool,
    pub rows: Vec<BreakdownRow>,
}

/// The period covered.
pub enum Period {
    /// As `--period` gave it.
    Text(String),
    /// The earliest and latest `at` of the records.
    Range(String, String),
}

/// Everything a summary shows.
pub struct Figures {
    /// For a public summary, its `--min-group`.
    pub public: Option<u64>,
    pub lines: u64,
    pub records: Cell,
    pub decisions: u64,
    pub reports: u64,
    pub rejected: u64,
    pub upstream: u64,
    pub errors: Vec<Rejection>,
    pub rulesets: Vec<RulesetRow>,
    /// More than one digest among the records.
    pub mixed: bool,
    pub rulesets_capped: bool,
    pub period: Option<Period>,
    pub dispositions: Vec<(String, Cell)>,
    /// How many of the dispositions are the ruleset's (the first ones, least
    /// strict first); the rest are names the ruleset does not have.
    pub ruleset_dispositions: usize,
    pub scopes: Vec<(String, Cell)>,
    pub flags: Vec<FlagRow>,
    pub flags_capped: bool,
    /// The most often missing facts, at most [`TOP_MISSING`].
    pub missing: Vec<(String, Cell)>,
    /// How many distinct missing facts there were.
    pub missing_distinct: usize,
    pub missing_capped: bool,
    pub breakdowns: Vec<Breakdown>,
}

/// How many of the most often missing facts are listed.
pub const TOP_MISSING: usize = 20;

/// The notice every summary carries.
pub const NOTICE: &str = "A summary of recommendations for human review, not a legal clearance.";

/// What the figures are made from besides the tally.
pub struct Options<'a> {
    pub rules: &'a RuleSet,
    pub public: Option<u64>,
    pub period: Option<&'a str>,
}

/// Makes the figures.
pub fn figures(tally: Tally, options: &Options<'_>) -> Figures {
    let rules = options.rules;
    let public = options.public.is_some();
    let outcomes: Vec<&str> = rules.outcomes().collect();
    // The dispositions: the ruleset's, least strict first, then others
    // (in a public summary lumped under `(other)`) by count.
    let mut names: Vec<String> = outcomes.iter().map(|o| o.to_string()).collect();
    let mut extra: Vec<&(String, u64)> = tally
        .dispositions
        .iter()
        .filter(|(n, _)| !outcomes.contains(&n.as_str()))
        .collect();
    extra.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    if public {
        if !extra.is_empty() {
            names.push(OTHER.to_string());
        }
    } else {
        names.extend(extra.iter().map(|(n, _)| n.clone()));
    }
    let slot_of: HashMap<&str, usize> = names
        .iter()
        .enumerate()
        .map(|(i, n)| (n.as_str(), i))
        .collect();
    // Tally index to figures index.
    let map: Vec<usize> = tally
        .dispositions
        .iter()
        .map(|(n, _)| {
            slot_of
                .get(n.as_str())
                .or_else(|| slot_of.get(OTHER))
                .copied()
                .unwrap_or(0)
        })
        .collect();
    let mut dispositions: Vec<(String, Cell)> =
        names.iter().map(|n| (n.clone(), Cell::new(0))).collect();
    for (i, (_, count)) in tally.dispositions.iter().enumerate() {
        if let Some(slot) = map.get(i).and_then(|&j| dispositions.get_mut(j)) {
            slot.1.value += count;
        }
    }

    // Scopes, in a fixed order.
    let order = ["in", "out", "unknown", "(none)"];
    let mut scopes: Vec<(String, Cell)> = Vec::new();
    for (name, count) in tally.scopes.rows() {
        let name = if public && !order.contains(&name) {
            OTHER
        } else {
            name
        };
        merge(&mut scopes, name, *count);
    }
    scopes.sort_by_key(|(n, _)| {
        (
            order.iter().position(|o| o == n).unwrap_or(order.len()),
            n.clone(),
        )
    });

    // Flags.
    let titles: HashMap<&str, &str> = rules.flags().map(|f| (f.id, f.title)).collect();
    let mut flags: Vec<FlagRow> = Vec::new();
    for (id, count) in tally.flags.rows() {
        let id = if public && !titles.contains_key(id) {
            OTHER
        } else {
            id
        };
        let row = match flags.iter_mut().find(|f| f.id == id) {
            Some(row) => row,
            None => {
                flags.push(FlagRow {
                    id: id.to_string(),
                    title: titles.get(id).map(|t| t.to_string()),
                    raised: Cell::new(0),
                    mitigated: Cell::new(0),
                    not_mitigated: Cell::new(0),
                    unknown: Cell::new(0),
                });
                let Some(row) = flags.last_mut() else {
                    continue;
                };
                row
            }
        };
        row.raised.value += count.raised;
        row.mitigated.value += count.mitigated.min(count.raised);
        row.not_mitigated.value += count.raised.saturating_sub(count.mitigated);
        row.unknown.value += count.unknown;
    }

    // Missing facts: in a public summary, only the schema's paths (an
    // element's index written `[]`).
    let schema: Vec<String> = rules.facts().map(|f| f.path).collect();
    let mut missing: Vec<(String, Cell)> = Vec::new();
    for (path, count) in tally.missing.rows() {
        if public {
            let general = without_indices(path);
            let name = if schema.contains(&general) {
                general.as_str()
            } else {
                OTHER
            };
            merge(&mut missing, name, *count);
        } else {
            merge(&mut missing, path, *count);
        }
    }
    let missing_distinct = missing.len();

    // Rulesets.
    let mut rulesets: Vec<RulesetRow> = tally
        .rulesets
        .rows()
        .into_iter()
        .map(|(key, count)| {
            let mut parts = key.splitn(3, '\u{0}');
            let mut next = || parts.next().unwrap_or_default().to_string();
            let (name, version, digest) = (next(), next(), next());
            let digest = if public && !is_digest(&digest) {
                "(not a sha256 digest)".to_string()
            } else {
                digest
            };
            RulesetRow {
                name,
                version,
                digest,
                records: Cell::new(*count),
            }
        })
        .collect();
    rulesets.sort_by_key(|r| std::cmp::Reverse(r.records.value));
    let mut digests: Vec<&str> = rulesets.iter().map(|r| r.digest.as_str()).collect();
    digests.sort_unstable();
    digests.dedup();
    let mixed = digests.len() > 1;

    // Breakdowns, rows aligned with the dispositions.
    let breakdowns = tally
        .by
        .iter()
        .map(|by| Breakdown {
            path: by.path.clone(),
            month: by.month,
            capped: by.rows.capped(),
            rows: by
                .rows
                .rows()
                .into_iter()
                .map(|(value, row)| {
                    let mut cells = vec![Cell::new(0); dispositions.len()];
                    for (i, n) in row.by_disposition.iter().enumerate() {
                        if let Some(c) = map.get(i).and_then(|&j| cells.get_mut(j)) {
                            c.value += n;
                        }
                    }
                    BreakdownRow {
                        value: value.to_string(),
                        count: Cell::new(row.count),
                        by_disposition: cells,
                    }
                })
                .collect(),
        })
        .collect();

    let period = match options.period {
        Some(text) => Some(Period::Text(text.to_string())),
        None => match (&tally.first_at, &tally.last_at) {
            (Some(first), Some(last)) if public => {
                match (super::by::month(first), super::by::month(last)) {
                    (Some(_), Some(_)) => Some(Period::Range(
                        first.get(..10).unwrap_or_default().to_string(),
                        last.get(..10).unwrap_or_default().to_string(),
                    )),
                    _ => None,
                }
            }
            (Some(first), Some(last)) => Some(Period::Range(first.clone(), last.clone())),
            _ => None,
        },
    };

    let mut figures = Figures {
        public: options.public,
        lines: tally.lines,
        records: Cell::new(tally.records()),
        decisions: tally.decisions,
        reports: tally.reports,
        rejected: tally.rejected,
        upstream: tally.upstream,
        errors: if public { Vec::new() } else { tally.errors },
        rulesets,
        mixed,
        rulesets_capped: tally.rulesets.capped(),
        period,
        dispositions,
        ruleset_dispositions: outcomes.len(),
        scopes,
        flags,
        flags_capped: tally.flags.capped(),
        missing,
        missing_distinct,
        missing_capped: tally.missing.capped(),
        breakdowns,
    };
    if let Some(min) = options.public {
        super::suppress::suppress(&mut figures, min);
    }
    rank(&mut figures);
    figures
}

/// Adds `count` under `name`, a row made if needed.
fn merge(rows: &mut Vec<(String, Cell)>, name: &str, count: u64) {
    match rows.iter_mut().find(|(n, _)| n == name) {
        Some((_, cell)) => cell.value += count,
        None => rows.push((name.to_string(), Cell::new(count))),
    }
}

/// Sorts what is ranked: flags by raised count (then unknown, then id),
/// missing facts and breakdown rows by count. A suppressed count ranks
/// after every shown one, by name, so that the order tells nothing of it.
fn rank(figures: &mut Figures) {
    let key = |c: Cell| std::cmp::Reverse(c.shown().map_or(0, |v| v + 1));
    figures.flags.sort_by(|a, b| {
        key(a.raised)
            .cmp(&key(b.raised))
            .then(key(a.unknown).cmp(&key(b.unknown)))
            .then(a.id.cmp(&b.id))
    });
    figures
        .missing
        .sort_by(|a, b| key(a.1).cmp(&key(b.1)).then(a.0.cmp(&b.0)));
    figures.missing.truncate(TOP_MISSING);
    for b in &mut figures.breakdowns {
        if b.month {
            b.rows.sort_by(|x, y| x.value.cmp(&y.value));
        } else {
            b.rows
                .sort_by(|x, y| key(x.count).cmp(&key(y.count)).then(x.value.cmp(&y.value)));
        }
    }
}

/// A path with each list index written `[]`: `parties[0].listed` to
/// `parties[].listed`.
fn without_indices(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut in_index = false;
    for c in path.chars() {
        match c {
            '[' => {
                in_index = true;
                out.push('[');
            }
            ']' => {
                in_index = false;
                out.push(']');
            }
            _ if in_index => {}
            c => out.push(c),
        }
    }
    out
}

/// Whether a digest reads `sha256:` and 64 lowercase hex digits.
fn is_digest(digest: &str) -> bool {
    digest.strip_prefix("sha256:").is_some_and(|hex| {
        hex.len() == 64
            && hex
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    })
}
