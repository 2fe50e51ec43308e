//! The summary as text (80 columns), Markdown and JSON. Every text from the
//! input goes through `dd_rules::printable` (no line break, no hidden or
//! direction-changing character) and, for Markdown, `markdown::escape`.

use std::fmt::Write as _;

use dd_rules::printable;
use serde_json::{Value, json};

use super::figures::{Breakdown, Cell, Figures, NOTICE, Period};

/// A count with thousands separators: `1234567` → `1,234,567`.
pub fn number(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A cell as tables show it: the count, or `<N` when suppressed.
pub fn cell(c: Cell, f: &Figures) -> String {
    match c.shown() {
        Some(v) => number(v),
        None => format!("<{}", f.public.unwrap_or(0)),
    }
}

/// The share of `c` in `total`, as `65.8%`, when both are shown.
pub fn share(c: Cell, total: Cell) -> Option<String> {
    match (c.shown(), total.shown()) {
        (Some(v), Some(t)) if t > 0 => Some(format!("{:.1}%", v as f64 * 100.0 / t as f64)),
        _ => None,
    }
}

/// The title of the summary.
pub fn title(f: &Figures) -> &'static str {
    if f.public.is_some() {
        "Public summary of due-diligence screening (step 8)"
    } else {
        "dd-rules summary"
    }
}

/// What a suppressed cell means, for a public summary.
pub fn suppression_note(f: &Figures) -> Option<String> {
    f.public.map(|n| {
        format!(
            "Aggregated figures only. A count from 1 to {} is shown as \u{201c}<{n}\u{201d} (fewer than {n}), and so is a second count wherever a total would give the first away.",
            n - 1
        )
    })
}

/// The period as one line.
pub fn period(f: &Figures) -> Option<String> {
    match &f.period {
        Some(Period::Text(t)) => Some(printable(t).into_owned()),
        Some(Period::Range(a, b)) if a == b => Some(printable(a).into_owned()),
        Some(Period::Range(a, b)) => Some(format!("{} to {}", printable(a), printable(b))),
        None => None,
    }
}

/// What the records were: `1,234 (1,200 decision records, 34 full reports)`.
fn records_line(f: &Figures) -> String {
    let mut line = cell(f.records, f);
    if f.public.is_none() {
        let _ = write!(
            line,
            " ({} decision records, {} full reports) from {} lines",
            number(f.decisions),
            number(f.reports),
            number(f.lines)
        );
    }
    line
}

/// `text` printable and cut to `width` characters (`…` at the end).
fn fit(text: &str, width: usize) -> String {
    let text = printable(text);
    if text.chars().count() <= width {
        return text.into_owned();
    }
    let mut out: String = text.chars().take(width.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// A bar of `#` for `value` out of `max`, at most `width` long.
fn bar(value: Option<u64>, max: u64, width: usize) -> String {
    match value {
        Some(v) if max > 0 => {
            let n = ((v as f64 / max as f64) * width as f64).round() as usize;
            "#".repeat(n.max(usize::from(v > 0)))
        }
        _ => String::new(),
    }
}

/// The heading of a breakdown.
pub fn breakdown_title(b: &Breakdown) -> String {
    let by = if b.month { " (by month)" } else { "" };
    format!("By {}{by}", printable(&b.path))
}

/// The summary for a terminal, 80 columns wide.
pub fn text(f: &Figures) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}\n{NOTICE}", title(f));
    if let Some(note) = suppression_note(f) {
        let _ = writeln!(out, "{}", wrap(&note, 80, ""));
    }
    out.push('\n');
    for r in &f.rulesets {
        let _ = writeln!(
            out,
            "Ruleset   {} {} ({} records)\n  {}",
            fit(&r.name, 40),
            fit(&r.version, 20),
            cell(r.records, f),
            fit(&r.digest, 76)
        );
    }
    if f.mixed {
        out.push_str("          warning: the records come from more than one ruleset\n");
    }
    if let Some(p) = period(f) {
        let _ = writeln!(out, "Period    {}", fit(&p, 70));
    }
    let _ = writeln!(out, "Records   {}", records_line(f));
    if f.rejected + f.upstream > 0 {
        let _ = writeln!(
            out,
            "Rejected  {} lines ({} here, {} rejected by eval)",
            number(f.rejected + f.upstream),
            number(f.rejected),
            number(f.upstream)
        );
        for e in &f.errors {
            let _ = writeln!(out, "  line {}: {}", e.line, fit(&e.message, 66));
        }
    }

    out.push_str("\nDispositions\n");
    let max = f
        .dispositions
        .iter()
        .filter_map(|d| d.1.shown())
        .max()
        .unwrap_or(0);
    for (name, c) in &f.dispositions {
        let _ = writeln!(
            out,
            "  {:<26}{:>10}  {:>6}  {}",
            fit(name, 26),
            cell(*c, f),
            share(*c, f.records).unwrap_or_default(),
            bar(c.shown(), max, 30)
        );
    }
    if !f.scopes.is_empty() {
        out.push_str("\nScope\n");
        for (name, c) in &f.scopes {
            let _ = writeln!(
                out,
                "  {:<26}{:>10}  {:>6}",
                fit(name, 26),
                cell(*c, f),
                share(*c, f.records).unwrap_or_default()
            );
        }
    }

    out.push_str("\nFlags, most often raised first\n");
    let _ = writeln!(
        out,
        "  {:<34}{:>8}{:>11}{:>13}{:>10}",
        "", "raised", "mitigated", "unmitigated", "unknown"
    );
    if f.flags.is_empty() {
        out.push_str("  (none raised or unknown)\n");
    }
    for flag in &f.flags {
        let _ = writeln!(
            out,
            "  {:<34}{:>8}{:>11}{:>13}{:>10}",
            fit(&flag.id, 33),
            cell(flag.raised, f),
            cell(flag.mitigated, f),
            cell(flag.not_mitigated, f),
            cell(flag.unknown, f)
        );
    }

    if !f.missing.is_empty() {
        let _ = writeln!(
            out,
            "\nMost often missing facts ({} of {})",
            f.missing.len(),
            number(f.missing_distinct as u64)
        );
        for (path, c) in &f.missing {
            let _ = writeln!(out, "  {:<64}{:>12}", fit(path, 63), cell(*c, f));
        }
    }

    for b in &f.breakdowns {
        let _ = writeln!(out, "\n{}", breakdown_title(b));
        let width = 70usize.saturating_sub(7 * f.dispositions.len()).max(16);
        let mut head = format!("  {:<width$}{:>8}", "", "count");
        for i in 0..f.dispositions.len() {
            let _ = write!(head, "{:>7}", format!("[{}]", i + 1));
        }
        let _ = writeln!(out, "{}", head.trim_end());
        for row in &b.rows {
            let mut line = format!(
                "  {:<width$}{:>8}",
                fit(&row.value, width - 1),
                cell(row.count, f)
            );
            for c in &row.by_disposition {
                let _ = write!(line, "{:>7}", cell(*c, f));
            }
            let _ = writeln!(out, "{line}");
        }
        let legend: Vec<String> = f
            .dispositions
            .iter()
            .enumerate()
            .map(|(i, (n, _))| format!("[{}] {}", i + 1, printable(n)))
            .collect();
        let _ = writeln!(out, "{}", wrap(&legend.join("  "), 80, "  "));
        if b.capped {
            out.push_str("  (more distinct values than kept: the rest are under (other))\n");
        }
    }
    out
}

/// Words wrapped at `width`, each line after the first indented.
fn wrap(text: &str, width: usize, indent: &str) -> String {
    let mut out = String::new();
    let mut line = String::from(indent);
    for word in text.split(' ') {
        if line.chars().count() + word.chars().count() + 1 > width && line.trim() != "" {
            out.push_str(line.trim_end());
            out.push('\n');
            line = String::from(indent);
        }
        if !line.trim().is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    out.push_str(line.trim_end());
    out
}

/// Text from the input for Markdown.
fn md(text: &str) -> String {
    crate::markdown::escape(&printable(text))
}

/// The summary as GitHub-flavoured Markdown.
pub fn markdown(f: &Figures) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# {}\n\n*{NOTICE}*\n", title(f));
    if let Some(note) = suppression_note(f) {
        let _ = writeln!(out, "{}\n", md(&note));
    }
    out.push_str("| | |\n|---|---|\n");
    for r in &f.rulesets {
        let _ = writeln!(
            out,
            "| Ruleset | {} {} (`{}`), {} records |",
            md(&r.name),
            md(&r.version),
            md(&r.digest).replace('`', ""),
            cell(r.records, f)
        );
    }
    if let Some(p) = period(f) {
        let _ = writeln!(out, "| Period | {} |", md(&p));
    }
    let _ = writeln!(out, "| Records | {} |", md(&records_line(f)));
    if f.rejected + f.upstream > 0 {
        let _ = writeln!(
            out,
            "| Rejected | {} lines ({} here, {} rejected by eval) |",
            number(f.rejected + f.upstream),
            number(f.rejected),
            number(f.upstream)
        );
    }
    if f.mixed {
        out.push_str("\n**Warning:** the records come from more than one ruleset.\n");
    }
    if !f.errors.is_empty() {
        out.push_str("\nFirst rejected lines:\n\n");
        for e in &f.errors {
            let _ = writeln!(out, "- line {}: {}", e.line, md(&e.message));
        }
    }
    out.push_str("\n## Dispositions\n\n| Disposition | Records | Share |\n|---|--:|--:|\n");
    for (name, c) in &f.dispositions {
        let _ = writeln!(
            out,
            "| {} | {} | {} |",
            md(name),
            md(&cell(*c, f)),
            share(*c, f.records).unwrap_or_default()
        );
    }
    if !f.scopes.is_empty() {
        out.push_str("\n## Scope\n\n| Scope | Records | Share |\n|---|--:|--:|\n");
        for (name, c) in &f.scopes {
            let _ = writeln!(
                out,
                "| {} | {} | {} |",
                md(name),
                md(&cell(*c, f)),
                share(*c, f.records).unwrap_or_default()
            );
        }
    }
    out.push_str("\n## Flags, most often raised first\n\n| Flag | Raised | Mitigated | Unmitigated | Unknown |\n|---|--:|--:|--:|--:|\n");
    for flag in &f.flags {
        let title = flag
            .title
            .as_deref()
            .map(|t| format!(" {}", md(t)))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "| **{}**{title} | {} | {} | {} | {} |",
            md(&flag.id),
            md(&cell(flag.raised, f)),
            md(&cell(flag.mitigated, f)),
            md(&cell(flag.not_mitigated, f)),
            md(&cell(flag.unknown, f))
        );
    }
    if !f.missing.is_empty() {
        let _ = writeln!(
            out,
            "\n## Most often missing facts\n\n{} of {}.\n\n| Fact | Times listed |\n|---|--:|",
            f.missing.len(),
            number(f.missing_distinct as u64)
        );
        for (path, c) in &f.missing {
            let _ = writeln!(out, "| {} | {} |", md(path), md(&cell(*c, f)));
        }
    }
    for b in &f.breakdowns {
        let _ = write!(
            out,
            "\n## {}\n\n| Value | Records |",
            md(&breakdown_title(b))
        );
        for (name, _) in &f.dispositions {
            let _ = write!(out, " {} |", md(name));
        }
        out.push_str("\n|---|--:|");
        out.push_str(&"--:|".repeat(f.dispositions.len()));
        out.push('\n');
        for row in &b.rows {
            let _ = write!(out, "| {} | {} |", md(&row.value), md(&cell(row.count, f)));
            for c in &row.by_disposition {
                let _ = write!(out, " {} |", md(&cell(*c, f)));
            }
            out.push('\n');
        }
        if b.capped {
            out.push_str("\nMore distinct values than kept: the rest are under (other).\n");
        }
    }
    out
}

/// A cell as JSON: the count, or `null` when suppressed.
fn jcell(c: Cell) -> Value {
    c.shown().map_or(Value::Null, Value::from)
}

/// The summary as one JSON object (keys listed in README.md).
pub fn json(f: &Figures) -> String {
    let period = match &f.period {
        Some(Period::Text(t)) => json!({"text": t}),
        Some(Period::Range(a, b)) => json!({"from": a, "to": b}),
        None => Value::Null,
    };
    let mut value = json!({
        "summary": if f.public.is_some() { "public" } else { "full" },
        "notice": NOTICE,
        "min_group": f.public,
        "period": period,
        "rulesets": f.rulesets.iter().map(|r| json!({
            "name": r.name, "version": r.version, "digest": r.digest, "records": jcell(r.records),
        })).collect::<Vec<_>>(),
        "rulesets_mixed": f.mixed,
        "rulesets_capped": f.rulesets_capped,
        "records": jcell(f.records),
        "rejected": f.rejected + f.upstream,
        "dispositions": f.dispositions.iter().map(|(n, c)| json!({"name": n, "records": jcell(*c)})).collect::<Vec<_>>(),
        "scopes": f.scopes.iter().map(|(n, c)| json!({"name": n, "records": jcell(*c)})).collect::<Vec<_>>(),
        "flags": f.flags.iter().map(|r| json!({
            "id": r.id, "title": r.title, "raised": jcell(r.raised), "mitigated": jcell(r.mitigated),
            "unmitigated": jcell(r.not_mitigated), "unknown": jcell(r.unknown),
        })).collect::<Vec<_>>(),
        "flags_capped": f.flags_capped,
        "missing_facts": f.missing.iter().map(|(p, c)| json!({"path": p, "count": jcell(*c)})).collect::<Vec<_>>(),
        "missing_facts_distinct": f.missing_distinct,
        "missing_facts_capped": f.missing_capped,
        "breakdowns": f.breakdowns.iter().map(|b| json!({
            "by": b.path,
            "month": b.month,
            "capped": b.capped,
            "rows": b.rows.iter().map(|r| json!({
                "value": r.value,
                "records": jcell(r.count),
                "dispositions": r.by_disposition.iter().map(|c| jcell(*c)).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    });
    if let (None, Some(map)) = (f.public, value.as_object_mut()) {
        {
            map.insert("lines".into(), json!(f.lines));
            map.insert("decision_records".into(), json!(f.decisions));
            map.insert("full_reports".into(), json!(f.reports));
            map.insert("rejected_here".into(), json!(f.rejected));
            map.insert("rejected_upstream".into(), json!(f.upstream));
            map.insert(
                "first_rejections".into(),
                f.errors
                    .iter()
                    .map(|e| json!({"line": e.line, "message": e.message}))
                    .collect(),
            );
        }
    }
    visible(&serde_json::to_string_pretty(&value).unwrap_or_default()) + "\n"
}

/// JSON text with every hidden character (control, direction-changing,
/// zero-width; they can only be inside strings, where serde has escaped the
/// line breaks) written as a `\u` escape: the same values, safe to print.
fn visible(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        if c != '\n' && dd_rules::is_hidden(c) {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                let _ = write!(out, "\\u{unit:04x}");
            }
        } else {
            out.push(c);
        }
    }
    out
}
