//! The summary as one self-contained HTML page: inline CSS, charts as
//! inline SVG, no script, nothing fetched; printable. Every text from the
//! input is made printable (`dd_rules::printable`) and escaped.

use std::fmt::Write as _;

use dd_rules::printable;

use super::figures::{Figures, NOTICE};
use super::render::{breakdown_title, cell, number, period, share, suppression_note, title};
use super::svg::{self, Bar, Segment, disposition_fill};
use crate::html::escape;

const STYLE: &str = "\
:root { --ink: #1b1f24; --muted: #59636e; --rule: #d0d7de; --paper: #fff; }
* { box-sizing: border-box; }
html { background: #f6f8fa; }
body { margin: 0; color: var(--ink); font: 15px/1.45 system-ui, -apple-system, \"Segoe UI\", Roboto, \"Helvetica Neue\", Arial, sans-serif; }
main { max-width: 62rem; margin: 1.5rem auto; padding: 1.5rem 2rem; background: var(--paper); border: 1px solid var(--rule); }
h1 { font-size: 1.5rem; margin: 0.2rem 0 0.4rem; }
h2 { font-size: 1.2rem; margin: 1.8rem 0 0.6rem; padding-bottom: 0.2rem; border-bottom: 2px solid var(--rule); break-after: avoid; }
p { margin: 0.3rem 0; }
code { font: 0.85em/1.3 ui-monospace, \"SFMono-Regular\", Menlo, Consolas, \"Liberation Mono\", monospace; overflow-wrap: anywhere; }
.notice { font-style: italic; color: var(--muted); }
.note { color: var(--muted); font-size: 0.9rem; }
.warning { color: #a40e26; font-weight: 600; }
.meta { display: grid; grid-template-columns: max-content 1fr; gap: 0.2rem 1rem; margin: 0.8rem 0; }
.meta dt { color: var(--muted); }
.meta dd { margin: 0; overflow-wrap: anywhere; }
.digest { font-size: 0.75em; }
svg.chart { display: block; max-width: 100%; height: auto; margin: 0.4rem 0; }
svg text { font: 13px system-ui, -apple-system, \"Segoe UI\", Roboto, Arial, sans-serif; fill: var(--ink); }
svg text.value { fill: var(--muted); }
rect.mitigated { fill: #6cb37f; }
rect.unmitigated { fill: #a40e26; }
rect.raised { fill: #b35c6a; }
rect.unknown { fill: #d4a72c; }
rect.suppressed { fill: #d0d7de; }
.legend { display: flex; flex-wrap: wrap; gap: 0.3rem 1.2rem; font-size: 0.85rem; color: var(--muted); margin: 0.2rem 0 0.6rem; }
.legend span::before { content: \"\"; display: inline-block; width: 0.8em; height: 0.8em; margin-right: 0.35em; vertical-align: -0.05em; background: var(--swatch); }
table { border-collapse: collapse; width: 100%; margin: 0.4rem 0; font-size: 0.9rem; }
th, td { text-align: left; vertical-align: middle; padding: 0.2rem 0.5rem; border-bottom: 1px solid var(--rule); overflow-wrap: anywhere; }
th { color: var(--muted); font-weight: 600; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
svg.inline { display: block; }
table.breakdown th { font-size: 0.8rem; vertical-align: bottom; white-space: normal; overflow-wrap: normal; }
table.breakdown td.value { min-width: 11rem; }
table.breakdown td.chart { width: 130px; }
tr { break-inside: avoid; }
footer { margin-top: 2rem; color: var(--muted); font-size: 0.85rem; }
@media print { html { background: #fff; } main { border: 0; margin: 0; max-width: none; padding: 0; } }
";

/// Text from the input, printable and escaped.
fn t(s: &str) -> String {
    escape(&printable(s))
}

/// The legend of the dispositions' colours.
fn legend(f: &Figures) -> String {
    let n = f.ruleset_dispositions;
    let mut out = String::from("<p class=\"legend\">");
    for (i, (name, _)) in f.dispositions.iter().enumerate() {
        let _ = write!(
            out,
            "<span style=\"--swatch: {}\">{}</span>",
            disposition_fill(i, n),
            t(name)
        );
    }
    out.push_str("</p>\n");
    out
}

/// Renders the page.
pub fn html(f: &Figures) -> String {
    let mut out = String::with_capacity(32 * 1024);
    let heading = title(f);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{heading}</title>\n<style>\n{STYLE}</style>\n</head>\n<body>\n<main>\n\
         <h1>{heading}</h1>\n<p class=\"notice\">{NOTICE}</p>\n"
    );
    if let Some(note) = suppression_note(f) {
        let _ = writeln!(out, "<p class=\"note\">{}</p>", escape(&note));
    }
    out.push_str("<dl class=\"meta\">\n");
    for r in &f.rulesets {
        let _ = writeln!(
            out,
            "<dt>Ruleset</dt><dd>{} {} ({} records)<br><code class=\"digest\">{}</code></dd>",
            t(&r.name),
            t(&r.version),
            escape(&cell(r.records, f)),
            t(&r.digest)
        );
    }
    if let Some(p) = period(f) {
        let _ = writeln!(out, "<dt>Period</dt><dd>{}</dd>", escape(&p));
    }
    let _ = write!(out, "<dt>Records</dt><dd>{}", escape(&cell(f.records, f)));
    if f.public.is_none() {
        let _ = write!(
            out,
            " ({} decision records, {} full reports) from {} lines",
            number(f.decisions),
            number(f.reports),
            number(f.lines)
        );
    }
    out.push_str("</dd>\n");
    if f.rejected + f.upstream > 0 {
        let _ = writeln!(
            out,
            "<dt>Rejected</dt><dd>{} lines ({} here, {} rejected by eval)</dd>",
            number(f.rejected + f.upstream),
            number(f.rejected),
            number(f.upstream)
        );
    }
    out.push_str("</dl>\n");
    if f.mixed {
        out.push_str("<p class=\"warning\">The records come from more than one ruleset; their counts are added together.</p>\n");
    }
    if !f.errors.is_empty() {
        out.push_str("<p>First rejected lines:</p>\n<ul>\n");
        for e in &f.errors {
            let _ = writeln!(out, "<li>line {}: {}</li>", e.line, t(&e.message));
        }
        out.push_str("</ul>\n");
    }
    dispositions(&mut out, f);
    flags(&mut out, f);
    missing(&mut out, f);
    breakdowns(&mut out, f);
    let _ = write!(
        out,
        "<footer>\n<p>Produced by <code>dd-rules summary</code>. {NOTICE}</p>\n</footer>\n</main>\n</body>\n</html>\n"
    );
    out
}

fn dispositions(out: &mut String, f: &Figures) {
    out.push_str("<h2>Dispositions</h2>\n");
    let n = f.ruleset_dispositions;
    let rows: Vec<Bar> = f
        .dispositions
        .iter()
        .enumerate()
        .map(|(i, (name, c))| Bar {
            label: printable(name).into_owned(),
            value_text: match share(*c, f.records) {
                Some(s) => format!("{} ({s})", cell(*c, f)),
                None => cell(*c, f),
            },
            segments: c
                .shown()
                .map(|v| Segment {
                    value: v,
                    class: "disposition",
                    fill: Some(disposition_fill(i, n)),
                })
                .into_iter()
                .collect(),
            under: None,
        })
        .collect();
    let max = f
        .dispositions
        .iter()
        .filter_map(|d| d.1.shown())
        .max()
        .unwrap_or(0);
    out.push_str(&svg::bars("Records by disposition", &rows, max));
    out.push('\n');
    if !f.scopes.is_empty() {
        out.push_str("<table>\n<tr><th>Scope</th><th class=\"n\">Records</th><th class=\"n\">Share</th></tr>\n");
        for (name, c) in &f.scopes {
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
                t(name),
                escape(&cell(*c, f)),
                share(*c, f.records).unwrap_or_default()
            );
        }
        out.push_str("</table>\n");
    }
}

fn flags(out: &mut String, f: &Figures) {
    out.push_str("<h2>Red flags, most often raised first</h2>\n");
    if f.flags.is_empty() {
        out.push_str("<p>No flag was raised or unknown.</p>\n");
        return;
    }
    out.push_str(
        "<p class=\"legend\"><span style=\"--swatch: #a40e26\">raised, not mitigated</span>\
         <span style=\"--swatch: #6cb37f\">raised and mitigated</span>\
         <span style=\"--swatch: #b35c6a\">raised (split suppressed)</span>\
         <span style=\"--swatch: #d4a72c\">unknown (thin bar)</span></p>\n",
    );
    let rows: Vec<Bar> = f
        .flags
        .iter()
        .map(|r| {
            let segments = match (
                r.raised.shown(),
                r.mitigated.shown(),
                r.not_mitigated.shown(),
            ) {
                (Some(_), Some(m), Some(n)) => vec![
                    Segment {
                        value: n,
                        class: "unmitigated",
                        fill: None,
                    },
                    Segment {
                        value: m,
                        class: "mitigated",
                        fill: None,
                    },
                ],
                (Some(v), _, _) => vec![Segment {
                    value: v,
                    class: "raised",
                    fill: None,
                }],
                _ => Vec::new(),
            };
            Bar {
                label: printable(&r.id).into_owned(),
                value_text: format!(
                    "{} raised, {} unknown",
                    cell(r.raised, f),
                    cell(r.unknown, f)
                ),
                segments,
                under: r.unknown.shown().map(|v| Segment {
                    value: v,
                    class: "unknown",
                    fill: None,
                }),
            }
        })
        .collect();
    let max = f
        .flags
        .iter()
        .flat_map(|r| [r.raised.shown(), r.unknown.shown()])
        .flatten()
        .max()
        .unwrap_or(0);
    out.push_str(&svg::bars(
        "Red flags: raised (mitigated part distinct) and unknown",
        &rows,
        max,
    ));
    out.push_str("\n<table>\n<tr><th>Flag</th><th class=\"n\">Raised</th><th class=\"n\">Mitigated</th><th class=\"n\">Unmitigated</th><th class=\"n\">Unknown</th></tr>\n");
    for r in &f.flags {
        let title = r
            .title
            .as_deref()
            .map(|x| format!("<br>{}", t(x)))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "<tr><td><code>{}</code>{title}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            t(&r.id),
            escape(&cell(r.raised, f)),
            escape(&cell(r.mitigated, f)),
            escape(&cell(r.not_mitigated, f)),
            escape(&cell(r.unknown, f))
        );
    }
    out.push_str("</table>\n");
}

fn missing(out: &mut String, f: &Figures) {
    if f.missing.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "<h2>Most often missing facts</h2>\n<p class=\"note\">{} of {} facts that the reports list as missing (answering them would decide unknown flags).</p>\n<table>\n<tr><th>Fact</th><th class=\"n\">Times listed</th></tr>",
        f.missing.len(),
        number(f.missing_distinct as u64)
    );
    for (path, c) in &f.missing {
        let _ = writeln!(
            out,
            "<tr><td><code>{}</code></td><td class=\"n\">{}</td></tr>",
            t(path),
            escape(&cell(*c, f))
        );
    }
    out.push_str("</table>\n");
}

fn breakdowns(out: &mut String, f: &Figures) {
    let n = f.ruleset_dispositions;
    for b in &f.breakdowns {
        let _ = writeln!(out, "<h2>{}</h2>", escape(&breakdown_title(b)));
        out.push_str(&legend(f));
        out.push_str(
            "<table class=\"breakdown\">\n<tr><th>Value</th><th class=\"n\">Records</th><th></th>",
        );
        for (name, _) in &f.dispositions {
            // A line may break after each underscore of a long name.
            let _ = write!(
                out,
                "<th class=\"n\">{}</th>",
                t(name).replace('_', "_<wbr>")
            );
        }
        out.push_str("</tr>\n");
        let max = b
            .rows
            .iter()
            .filter_map(|r| r.count.shown())
            .max()
            .unwrap_or(0);
        for row in &b.rows {
            let chart = match row.count.shown() {
                Some(total) => {
                    let segments: Vec<Segment> = row
                        .by_disposition
                        .iter()
                        .enumerate()
                        .filter_map(|(i, c)| {
                            c.shown().map(|v| Segment {
                                value: v,
                                class: "disposition",
                                fill: Some(disposition_fill(i, n)),
                            })
                        })
                        .collect();
                    let shown: u64 = segments.iter().map(|s| s.value).sum();
                    svg::inline(&segments, total.saturating_sub(shown), max)
                }
                None => String::new(),
            };
            let _ = write!(
                out,
                "<tr><td class=\"value\">{}</td><td class=\"n\">{}</td><td class=\"chart\">{chart}</td>",
                t(&row.value),
                escape(&cell(row.count, f))
            );
            for c in &row.by_disposition {
                let _ = write!(out, "<td class=\"n\">{}</td>", escape(&cell(*c, f)));
            }
            out.push_str("</tr>\n");
        }
        out.push_str("</table>\n");
        if b.capped {
            out.push_str("<p class=\"note\">More distinct values than kept: the rest are under (other).</p>\n");
        }
    }
}
