//! The charts of the HTML summary, drawn as inline SVG: horizontal bars,
//! a row per label, each bar made of coloured segments. Labels come from
//! the input: the caller passes them printable, and they are escaped here.

use std::fmt::Write as _;

use crate::html::escape;

/// The width of a chart, in pixels.
const WIDTH: u32 = 860;
/// The width of the label column.
const LABEL: u32 = 300;
/// The room for the value after the longest bar.
const VALUE: u32 = 210;
/// The height of a row.
const ROW: u32 = 26;

/// A piece of a bar.
pub struct Segment {
    pub value: u64,
    /// The CSS class that colours it (`fill` is set in the page's CSS).
    pub class: &'static str,
    /// Its colour when no class applies (disposition colours).
    pub fill: Option<&'static str>,
}

/// One row of a chart.
pub struct Bar {
    /// Printable, not escaped.
    pub label: String,
    /// Printable, not escaped: shown after the bar (e.g. `1,234`).
    pub value_text: String,
    pub segments: Vec<Segment>,
    /// A second, thinner bar under the first (e.g. unknown).
    pub under: Option<Segment>,
}

/// The colours of dispositions, least strict first.
pub const DISPOSITION_FILLS: [&str; 6] = [
    "#8c959f", "#1a7f37", "#3b6ea8", "#9a6700", "#c2410c", "#a40e26",
];

/// The colour of the `i`-th disposition of the `n` the ruleset has, least
/// strict first; grey for one it does not have.
pub fn disposition_fill(i: usize, n: usize) -> &'static str {
    let palette = &DISPOSITION_FILLS;
    if i >= n {
        return "#57606a";
    }
    // Fewer dispositions than colours: spread them over the palette,
    // keeping the least and most strict at the ends.
    let at = if n <= 1 {
        0
    } else if n <= palette.len() {
        i * (palette.len() - 1) / (n - 1)
    } else {
        i.min(palette.len() - 1)
    };
    palette.get(at).copied().unwrap_or("#8c959f")
}

/// A horizontal bar chart; `max` is the value of a full-width bar.
pub fn bars(title: &str, rows: &[Bar], max: u64) -> String {
    let span = WIDTH - LABEL - VALUE;
    let scale = |v: u64| -> f64 {
        if max == 0 {
            0.0
        } else {
            v as f64 * f64::from(span) / max as f64
        }
    };
    let height = ROW * u32::try_from(rows.len()).unwrap_or(u32::MAX / ROW).max(1) + 6;
    let mut out = String::new();
    let _ = write!(
        out,
        r#"<svg class="chart" role="img" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}"><title>{}</title>"#,
        escape(title)
    );
    for (i, row) in rows.iter().enumerate() {
        let y = ROW * u32::try_from(i).unwrap_or(0) + 3;
        let label: String = if row.label.chars().count() > 40 {
            row.label.chars().take(39).chain(['…']).collect()
        } else {
            row.label.clone()
        };
        let _ = write!(
            out,
            r#"<text class="label" x="{}" y="{}" text-anchor="end">{}</text>"#,
            LABEL - 8,
            y + 15,
            escape(&label)
        );
        let bar_height = if row.under.is_some() { 13 } else { 18 };
        let mut x = f64::from(LABEL);
        for s in &row.segments {
            let w = scale(s.value);
            if w <= 0.0 {
                continue;
            }
            let w = w.max(1.0);
            let fill = s
                .fill
                .map(|f| format!(r#" fill="{f}""#))
                .unwrap_or_default();
            let _ = write!(
                out,
                r#"<rect class="{}"{fill} x="{x:.1}" y="{}" width="{w:.1}" height="{bar_height}"/>"#,
                s.class,
                y + 2
            );
            x += w;
        }
        if let Some(u) = &row.under {
            let w = scale(u.value);
            if w > 0.0 {
                let _ = write!(
                    out,
                    r#"<rect class="{}" x="{LABEL}" y="{}" width="{:.1}" height="6"/>"#,
                    u.class,
                    y + 2 + bar_height + 1,
                    w.max(1.0)
                );
                x = x.max(f64::from(LABEL) + w);
            }
        }
        let _ = write!(
            out,
            r#"<text class="value" x="{:.1}" y="{}">{}</text>"#,
            x + 6.0,
            y + 15,
            escape(&row.value_text)
        );
    }
    out.push_str("</svg>");
    out
}

/// A small stacked bar for a table cell: `segments` out of `max`, `rest`
/// (suppressed parts) in grey hatching.
pub fn inline(segments: &[Segment], rest: u64, max: u64) -> String {
    const W: f64 = 120.0;
    let mut out = format!(
        r#"<svg class="inline" viewBox="0 0 {W} 12" width="{W}" height="12" aria-hidden="true">"#
    );
    let mut x = 0.0;
    let scale = |v: u64| {
        if max == 0 {
            0.0
        } else {
            v as f64 * W / max as f64
        }
    };
    let rest = Segment {
        value: rest,
        class: "suppressed",
        fill: None,
    };
    for s in segments.iter().chain([&rest]) {
        let w = scale(s.value);
        if w <= 0.0 {
            continue;
        }
        let fill = s
            .fill
            .map(|f| format!(r#" fill="{f}""#))
            .unwrap_or_default();
        let _ = write!(
            out,
            r#"<rect class="{}"{fill} x="{x:.1}" y="1" width="{:.1}" height="10"/>"#,
            s.class,
            w.max(1.0)
        );
        x += w;
    }
    out.push_str("</svg>");
    out
}
