//! The named conditions (predicates) of a ruleset, for `dd-rules doc`:
//! a section that defines each, and the line under every condition that
//! links the ones it uses, so that a reader can follow `poor_record` in a
//! flag's condition to what it means.

use std::collections::BTreeMap;

use dd_rules::RuleSet;

use super::render::{Anchors, Block, Inline, Line, text};
use super::{heading, link};

/// Whether `condition` uses the predicate `name`: the name as a whole word,
/// not part of a longer name or a field after a dot.
pub fn uses(condition: &str, name: &str) -> bool {
    let word = |c: char| c.is_alphanumeric() || c == '_' || c == '.';
    condition.match_indices(name).any(|(at, _)| {
        let before = condition.get(..at).and_then(|s| s.chars().next_back());
        let after = condition
            .get(at + name.len()..)
            .and_then(|s| s.chars().next());
        !before.is_some_and(word) && !after.is_some_and(|c| word(c) && c != '.')
    })
}

/// The anchors of the predicates, by name.
pub fn anchors(rules: &RuleSet, anchors: &mut Anchors) -> BTreeMap<String, String> {
    rules
        .predicates()
        .map(|p| (p.name.to_string(), anchors.make("pred-", p.name)))
        .collect()
}

/// "Named conditions it uses: `a`, `b`." with links, for a condition that
/// uses any.
pub fn used_line(
    rules: &RuleSet,
    condition: &str,
    names: &BTreeMap<String, String>,
) -> Option<Block> {
    let used: Vec<&str> = rules
        .predicates()
        .map(|p| p.name)
        .filter(|n| uses(condition, n))
        .collect();
    if used.is_empty() {
        return None;
    }
    let mut line: Line = vec![
        text("Named conditions it uses (defined under "),
        Inline::Link {
            text: "Named conditions".into(),
            anchor: "predicates".into(),
            code: false,
        },
        text("): "),
    ];
    for (i, n) in used.iter().enumerate() {
        if i > 0 {
            line.push(text(", "));
        }
        line.push(link(n, names));
    }
    line.push(text("."));
    Some(Block::Para(line))
}

/// The section: every predicate with its doc comment, its condition, the
/// predicates it uses and what uses it.
pub fn section(rules: &RuleSet, doc: &super::Names, out: &mut Vec<Block>) {
    let names = &doc.predicates;
    let all: Vec<_> = rules.predicates().collect();
    if all.is_empty() {
        return;
    }
    out.push(heading(2, vec![text("Named conditions")], "predicates"));
    out.push(Block::Para(vec![text(
        "Conditions the ruleset names once and uses by name in the conditions of flags, \
         safeguards, the scope and other named conditions. Each holds, fails or is unknown \
         as the condition it stands for.",
    )]));
    for p in &all {
        let anchor = names.get(p.name).map_or("", String::as_str);
        out.push(heading(3, vec![super::render::code(p.name)], anchor));
        if let Some(d) = p.docs {
            out.push(Block::Docs(d.to_string()));
        }
        out.push(Block::Para(vec![text("Holds when:")]));
        out.push(Block::Code(p.condition.to_string()));
        let others: Vec<&str> = all
            .iter()
            .map(|q| q.name)
            .filter(|n| *n != p.name && uses(p.condition, n))
            .collect();
        if !others.is_empty() {
            let mut line: Line = vec![text("Uses: ")];
            for (i, n) in others.iter().enumerate() {
                if i > 0 {
                    line.push(text(", "));
                }
                line.push(link(n, names));
            }
            line.push(text("."));
            out.push(Block::Para(line));
        }
        // Each user with the anchors it is linked by.
        let mut by: Vec<(&str, &BTreeMap<String, String>)> = rules
            .flags()
            .filter(|f| uses(f.condition, p.name))
            .map(|f| (f.id, &doc.flags))
            .collect();
        by.extend(
            rules
                .safeguards()
                .filter(|s| uses(s.condition, p.name))
                .map(|s| (s.id, &doc.safeguards)),
        );
        by.extend(
            all.iter()
                .filter(|q| q.name != p.name && uses(q.condition, p.name))
                .map(|q| (q.name, names)),
        );
        let scope = rules.scope().is_some_and(|s| uses(s.condition, p.name));
        if !by.is_empty() || scope {
            let mut line: Line = vec![text("Used by: ")];
            if scope {
                line.push(Inline::Link {
                    text: "the scope".into(),
                    anchor: "scope".into(),
                    code: false,
                });
            }
            for (i, (id, anchors)) in by.iter().enumerate() {
                if i > 0 || scope {
                    line.push(text(", "));
                }
                line.push(link(id, anchors));
            }
            line.push(text("."));
            out.push(Block::Para(line));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::uses;

    #[test]
    fn a_name_is_used_only_as_a_whole_word() {
        assert!(uses("poor_record and x", "poor_record"));
        assert!(uses("(not poor_record)", "poor_record"));
        assert!(!uses("very_poor_record", "poor_record"));
        assert!(!uses("poor_records", "poor_record"));
        assert!(!uses("p.poor_record", "poor_record"));
        assert!(!uses("", "poor_record"));
    }
}
