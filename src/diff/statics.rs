//! The static diff: what two rulesets declare differently, item by item,
//! from their introspection (`RuleSet::flags`, `safeguards`, `scope`,
//! `predicates`, `policy`, `facts`). Conditions are compared as the
//! formatter lays them out, so a change of layout or comments is no change.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::model::RulesetRef;
use crate::ruleset::RuleSet;

/// Whether an item was added, removed or changed.
///
/// ```
/// use dd_rules::ChangeKind;
///
/// assert_eq!(ChangeKind::Added.as_str(), "added");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ChangeKind {
    /// Only the new ruleset declares it.
    Added,
    /// Only the old ruleset declares it.
    Removed,
    /// Both declare it, differently.
    Changed,
}

impl ChangeKind {
    /// The name used in the JSON form: `added`, `removed`, `changed`.
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Added => "added",
            ChangeKind::Removed => "removed",
            ChangeKind::Changed => "changed",
        }
    }
}

/// One field of an item that differs: its name and both values as text
/// (`None` for an absent citation). A list (`mitigated_by`) is written
/// comma-separated; a condition as the formatter lays it out.
///
/// ```
/// let old = dd_rules::RuleSet::bundled()?;
/// let source = dd_rules::BUNDLED_SOURCE.replacen("severity: critical", "severity: high", 1);
/// let new = dd_rules::RuleSet::compile(&source, "new.rules")?;
/// let diff = old.diff(&new);
/// let field = &diff.flags[0].fields[0];
/// assert_eq!((field.field, field.old.as_deref(), field.new.as_deref()),
///            ("severity", Some("critical"), Some("high")));
/// # Ok::<(), dd_rules::RulesError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct FieldChange {
    /// The field: `condition`, `severity`, `step`, `title`, `citation`,
    /// `mitigated_by`, `otherwise` (the scope), `name`, `version`, `source`
    /// (the header), `type`, `required` (a fact).
    pub field: &'static str,
    /// Its value in the old ruleset.
    pub old: Option<String>,
    /// Its value in the new ruleset.
    pub new: Option<String>,
}

/// A flag, safeguard, predicate or the scope that was added, removed or
/// changed; for a change, the fields that differ, in a fixed order.
///
/// ```
/// let old = dd_rules::RuleSet::bundled()?;
/// let new = old.clone();
/// assert!(old.diff(&new).flags.is_empty());
/// # Ok::<(), dd_rules::RulesError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct ItemChange {
    /// The id (a predicate's name; `scope` for the scope).
    pub id: String,
    /// What became of it.
    pub change: ChangeKind,
    /// The fields that differ; empty when added or removed.
    pub fields: Vec<FieldChange>,
}

impl ItemChange {
    /// The change of one field, when that field differs.
    pub fn field(&self, field: &str) -> Option<&FieldChange> {
        self.fields.iter().find(|f| f.field == field)
    }
}

/// A fact path of the schema that was added, removed or changed: its type,
/// whether it is required, the values of its enum.
///
/// ```
/// let old = dd_rules::RuleSet::bundled()?;
/// let source = dd_rules::BUNDLED_SOURCE.replace("  local_police,\n", "  local_police,\n  militia,\n");
/// let new = dd_rules::RuleSet::compile(&source, "new.rules")?;
/// let diff = old.diff(&new);
/// let kind = diff.facts.iter().find(|f| f.path == "end_user.kind").unwrap();
/// assert_eq!(kind.values_added, ["militia"]);
/// # Ok::<(), dd_rules::RulesError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct FactChange {
    /// The path, as [`FactInfo::path`](crate::FactInfo::path) writes it.
    pub path: String,
    /// What became of it.
    pub change: ChangeKind,
    /// The fields that differ (`type`, `required`); empty when added or
    /// removed.
    pub fields: Vec<FieldChange>,
    /// For an enum or set fact, the values only the new ruleset allows.
    pub values_added: Vec<String>,
    /// For an enum or set fact, the values only the old ruleset allows.
    pub values_removed: Vec<String>,
}

/// The outcomes of both rulesets, least strict first, and what differs.
///
/// ```
/// let old = dd_rules::RuleSet::bundled()?;
/// let source = dd_rules::BUNDLED_SOURCE.replace("  escalate,\n", "  escalate,\n  refer_to_board,\n");
/// let new = dd_rules::RuleSet::compile(&source, "new.rules")?;
/// let outcomes = old.diff(&new).outcomes;
/// assert_eq!(outcomes.added, ["refer_to_board"]);
/// assert!(outcomes.removed.is_empty() && !outcomes.reordered);
/// # Ok::<(), dd_rules::RulesError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct OutcomesDiff {
    /// The old ruleset's outcomes.
    pub old: Vec<String>,
    /// The new ruleset's outcomes.
    pub new: Vec<String>,
    /// Outcomes only the new ruleset declares.
    pub added: Vec<String>,
    /// Outcomes only the old ruleset declares.
    pub removed: Vec<String>,
    /// Whether the outcomes both declare are in a different order of
    /// strictness.
    pub reordered: bool,
}

/// A case of the disposition policy that only one ruleset has, by its whole
/// text (`when … => outcome`): a changed case is one removed and one added.
///
/// ```
/// use dd_rules::ChangeKind;
///
/// let old = dd_rules::RuleSet::bundled()?;
/// let source = dd_rules::BUNDLED_SOURCE.replace("severity >= medium) >= 3", "severity >= medium) >= 2");
/// let new = dd_rules::RuleSet::compile(&source, "new.rules")?;
/// let cases = old.diff(&new).cases;
/// assert_eq!((cases[0].change, cases[1].change), (ChangeKind::Removed, ChangeKind::Added));
/// assert_eq!((cases[0].position, cases[1].position), (1, 1));
/// # Ok::<(), dd_rules::RulesError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct CaseChange {
    /// [`Added`](ChangeKind::Added) or [`Removed`](ChangeKind::Removed).
    pub change: ChangeKind,
    /// Its position among the cases of its ruleset, from 0.
    pub position: usize,
    /// The case on one line, as [`CaseInfo::text`](crate::CaseInfo::text).
    pub text: String,
}

/// What a ruleset change changes in what the rulesets declare: from
/// [`RuleSet::diff`]. Items are compared by id (flags, safeguards), name
/// (predicates, outcomes) or path (facts) and listed sorted by it.
/// Comments, doc comments and layout are not compared: the
/// [`digest`](RulesetRef::digest)s say whether the sources differ at all.
///
/// It serialises (serde) with the field names as keys.
///
/// ```
/// let old = dd_rules::RuleSet::bundled()?;
/// let source = dd_rules::BUNDLED_SOURCE.replace("version: \"1.", "version: \"9.");
/// let new = dd_rules::RuleSet::compile(&source, "new.rules")?;
/// let diff = old.diff(&new);
/// assert_eq!(diff.header[0].field, "version");
/// assert!(diff.flags.is_empty() && diff.facts.is_empty());
/// assert!(!diff.is_empty());
/// # Ok::<(), dd_rules::RulesError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct RulesetDiff {
    /// The old ruleset's name, version and digest.
    pub old: RulesetRef,
    /// The new ruleset's.
    pub new: RulesetRef,
    /// Header fields that differ: `name`, `version`, `title`, `source`.
    pub header: Vec<FieldChange>,
    /// Flags added, removed or changed (`condition`, `severity`, `step`,
    /// `title`, `citation`, `mitigated_by`).
    pub flags: Vec<ItemChange>,
    /// Safeguards added, removed or changed (`condition`, `step`, `title`,
    /// `citation`).
    pub safeguards: Vec<ItemChange>,
    /// The scope, when it was added, removed or changed (`condition`,
    /// `otherwise`, `title`, `citation`).
    pub scope: Option<ItemChange>,
    /// Predicates added, removed or changed (`condition`).
    pub predicates: Vec<ItemChange>,
    /// The outcomes.
    pub outcomes: OutcomesDiff,
    /// Disposition cases only one ruleset has, old ones first.
    pub cases: Vec<CaseChange>,
    /// Fact paths added, removed or changed.
    pub facts: Vec<FactChange>,
}

impl RulesetDiff {
    /// Whether the rulesets declare the same things (their sources may
    /// still differ in comments, doc comments or layout).
    pub fn is_empty(&self) -> bool {
        self.header.is_empty()
            && self.flags.is_empty()
            && self.safeguards.is_empty()
            && self.scope.is_none()
            && self.predicates.is_empty()
            && self.outcomes.added.is_empty()
            && self.outcomes.removed.is_empty()
            && !self.outcomes.reordered
            && self.cases.is_empty()
            && self.facts.is_empty()
    }

    /// The change of the flag with an id.
    pub fn flag(&self, id: &str) -> Option<&ItemChange> {
        self.flags.iter().find(|f| f.id == id)
    }

    /// The change of the safeguard with an id.
    pub fn safeguard(&self, id: &str) -> Option<&ItemChange> {
        self.safeguards.iter().find(|s| s.id == id)
    }
}

/// Collects the fields that differ.
struct Fields(Vec<FieldChange>);

impl Fields {
    fn str(&mut self, field: &'static str, old: &str, new: &str) {
        if old != new {
            self.0.push(FieldChange {
                field,
                old: Some(old.to_string()),
                new: Some(new.to_string()),
            });
        }
    }

    fn opt(&mut self, field: &'static str, old: Option<&str>, new: Option<&str>) {
        if old != new {
            self.0.push(FieldChange {
                field,
                old: old.map(str::to_string),
                new: new.map(str::to_string),
            });
        }
    }
}

/// Pairs the items of both sides by key: removed, changed (by `compare`,
/// which returns the fields that differ) and added, sorted by key.
fn by_key<T>(
    old: Vec<(String, T)>,
    new: Vec<(String, T)>,
    compare: impl Fn(&T, &T) -> Vec<FieldChange>,
) -> Vec<ItemChange> {
    let mut old: BTreeMap<String, T> = old.into_iter().collect();
    let mut all = BTreeMap::new();
    for (id, n) in new {
        match old.remove(&id) {
            Some(o) => {
                let fields = compare(&o, &n);
                if !fields.is_empty() {
                    all.insert(
                        id.clone(),
                        ItemChange {
                            id,
                            change: ChangeKind::Changed,
                            fields,
                        },
                    );
                }
            }
            None => {
                all.insert(
                    id.clone(),
                    ItemChange {
                        id,
                        change: ChangeKind::Added,
                        fields: Vec::new(),
                    },
                );
            }
        }
    }
    for (id, _) in old {
        all.insert(
            id.clone(),
            ItemChange {
                id,
                change: ChangeKind::Removed,
                fields: Vec::new(),
            },
        );
    }
    all.into_values().collect()
}

fn header(old: &RuleSet, new: &RuleSet) -> Vec<FieldChange> {
    let mut f = Fields(Vec::new());
    f.str("name", old.name(), new.name());
    f.str("version", old.version(), new.version());
    f.str("title", old.title(), new.title());
    f.str("source", old.source_citation(), new.source_citation());
    f.0
}

fn flags(old: &RuleSet, new: &RuleSet) -> Vec<ItemChange> {
    let side = |r: &RuleSet| {
        r.flags()
            .map(|fl| {
                (
                    fl.id.to_string(),
                    [
                        Some(fl.condition.to_string()),
                        Some(fl.severity.as_str().to_string()),
                        Some(fl.step.to_string()),
                        Some(fl.title.to_string()),
                        fl.citation.map(str::to_string),
                        Some(fl.mitigated_by.join(", ")),
                    ],
                )
            })
            .collect::<Vec<_>>()
    };
    const FIELDS: [&str; 6] = [
        "condition",
        "severity",
        "step",
        "title",
        "citation",
        "mitigated_by",
    ];
    by_key(side(old), side(new), |o, n| compare_fields(&FIELDS, o, n))
}

fn safeguards(old: &RuleSet, new: &RuleSet) -> Vec<ItemChange> {
    let side = |r: &RuleSet| {
        r.safeguards()
            .map(|s| {
                (
                    s.id.to_string(),
                    [
                        Some(s.condition.to_string()),
                        Some(s.step.to_string()),
                        Some(s.title.to_string()),
                        s.citation.map(str::to_string),
                    ],
                )
            })
            .collect::<Vec<_>>()
    };
    const FIELDS: [&str; 4] = ["condition", "step", "title", "citation"];
    by_key(side(old), side(new), |o, n| compare_fields(&FIELDS, o, n))
}

fn predicates(old: &RuleSet, new: &RuleSet) -> Vec<ItemChange> {
    let side = |r: &RuleSet| {
        r.predicates()
            .map(|p| (p.name.to_string(), [Some(p.condition.to_string())]))
            .collect::<Vec<_>>()
    };
    by_key(side(old), side(new), |o, n| {
        compare_fields(&["condition"], o, n)
    })
}

/// The fields named `names` whose values differ between `old` and `new`.
fn compare_fields<const N: usize>(
    names: &[&'static str; N],
    old: &[Option<String>; N],
    new: &[Option<String>; N],
) -> Vec<FieldChange> {
    let mut f = Fields(Vec::new());
    for ((name, o), n) in names.iter().zip(old).zip(new) {
        f.opt(name, o.as_deref(), n.as_deref());
    }
    f.0
}

fn scope(old: &RuleSet, new: &RuleSet) -> Option<ItemChange> {
    let item = |change, fields| ItemChange {
        id: "scope".to_string(),
        change,
        fields,
    };
    match (old.scope(), new.scope()) {
        (None, None) => None,
        (None, Some(_)) => Some(item(ChangeKind::Added, Vec::new())),
        (Some(_), None) => Some(item(ChangeKind::Removed, Vec::new())),
        (Some(o), Some(n)) => {
            let mut f = Fields(Vec::new());
            f.str("condition", o.condition, n.condition);
            f.str("otherwise", o.otherwise, n.otherwise);
            f.str("title", o.title, n.title);
            f.opt("citation", o.citation, n.citation);
            (!f.0.is_empty()).then(|| item(ChangeKind::Changed, f.0))
        }
    }
}

fn outcomes(old: &RuleSet, new: &RuleSet) -> OutcomesDiff {
    let o: Vec<String> = old.outcomes().map(str::to_string).collect();
    let n: Vec<String> = new.outcomes().map(str::to_string).collect();
    let added = n.iter().filter(|x| !o.contains(x)).cloned().collect();
    let removed = o.iter().filter(|x| !n.contains(x)).cloned().collect();
    let common_old: Vec<&String> = o.iter().filter(|x| n.contains(x)).collect();
    let common_new: Vec<&String> = n.iter().filter(|x| o.contains(x)).collect();
    OutcomesDiff {
        reordered: common_old != common_new,
        old: o,
        new: n,
        added,
        removed,
    }
}

/// The cases only one side has: the longest common subsequence of the case
/// texts is kept, the rest of the old removed and of the new added.
fn cases(old: &RuleSet, new: &RuleSet) -> Vec<CaseChange> {
    let o: Vec<&str> = old.policy().cases.iter().map(|c| c.text).collect();
    let n: Vec<&str> = new.policy().cases.iter().map(|c| c.text).collect();
    let kept = common(&o, &n);
    let mut out = Vec::new();
    for (side, texts, change) in [(0, &o, ChangeKind::Removed), (1, &n, ChangeKind::Added)] {
        for (position, text) in texts.iter().enumerate() {
            let in_common = kept
                .iter()
                .any(|&(a, b)| (if side == 0 { a } else { b }) == position);
            if !in_common {
                out.push(CaseChange {
                    change,
                    position,
                    text: (*text).to_string(),
                });
            }
        }
    }
    out
}

/// The pairs of positions of a longest common subsequence of `a` and `b`.
fn common(a: &[&str], b: &[&str]) -> Vec<(usize, usize)> {
    let width = b.len() + 1;
    // lengths[i * width + j]: the longest common subsequence of a[i..], b[j..].
    let mut lengths = vec![0usize; (a.len() + 1) * width];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            let value = if a.get(i) == b.get(j) {
                lengths.get((i + 1) * width + j + 1).copied().unwrap_or(0) + 1
            } else {
                let down = lengths.get((i + 1) * width + j).copied().unwrap_or(0);
                let right = lengths.get(i * width + j + 1).copied().unwrap_or(0);
                down.max(right)
            };
            if let Some(slot) = lengths.get_mut(i * width + j) {
                *slot = value;
            }
        }
    }
    let at = |i: usize, j: usize| lengths.get(i * width + j).copied().unwrap_or(0);
    let (mut i, mut j) = (0, 0);
    let mut out = Vec::new();
    while i < a.len() && j < b.len() {
        if a.get(i) == b.get(j) {
            out.push((i, j));
            i += 1;
            j += 1;
        } else if at(i + 1, j) >= at(i, j + 1) {
            i += 1;
        } else {
            j += 1;
        }
    }
    out
}

fn facts(old: &RuleSet, new: &RuleSet) -> Vec<FactChange> {
    type Side = BTreeMap<String, (String, bool, Vec<String>)>;
    let side = |r: &RuleSet| -> Side {
        r.facts()
            .map(|f| {
                let values = f.values.iter().map(|v| v.name.to_string()).collect();
                (f.path, (f.ty, f.required, values))
            })
            .collect()
    };
    let mut o = side(old);
    let n = side(new);
    let mut out = BTreeMap::new();
    let bare = |path: &str, change| FactChange {
        path: path.to_string(),
        change,
        fields: Vec::new(),
        values_added: Vec::new(),
        values_removed: Vec::new(),
    };
    for (path, (ty, required, values)) in &n {
        let Some((old_ty, old_required, old_values)) = o.remove(path) else {
            out.insert(path.clone(), bare(path, ChangeKind::Added));
            continue;
        };
        let mut f = Fields(Vec::new());
        f.str("type", &old_ty, ty);
        f.str("required", &old_required.to_string(), &required.to_string());
        let values_added: Vec<String> = values
            .iter()
            .filter(|v| !old_values.contains(v))
            .cloned()
            .collect();
        let values_removed: Vec<String> = old_values
            .iter()
            .filter(|v| !values.contains(v))
            .cloned()
            .collect();
        if !f.0.is_empty() || !values_added.is_empty() || !values_removed.is_empty() {
            out.insert(
                path.clone(),
                FactChange {
                    fields: f.0,
                    values_added,
                    values_removed,
                    ..bare(path, ChangeKind::Changed)
                },
            );
        }
    }
    for path in o.keys() {
        out.insert(path.clone(), bare(path, ChangeKind::Removed));
    }
    out.into_values().collect()
}

/// The static diff of `old` and `new`.
pub(crate) fn diff(old: &RuleSet, new: &RuleSet) -> RulesetDiff {
    RulesetDiff {
        old: old.reference().clone(),
        new: new.reference().clone(),
        header: header(old, new),
        flags: flags(old, new),
        safeguards: safeguards(old, new),
        scope: scope(old, new),
        predicates: predicates(old, new),
        outcomes: outcomes(old, new),
        cases: cases(old, new),
        facts: facts(old, new),
    }
}
