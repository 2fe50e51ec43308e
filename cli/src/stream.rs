//! `dd-rules eval` on NDJSON: one transaction per line, evaluated a chunk of
//! lines at a time on all cores, a report or an error record printed for
//! each line in input order. The next chunk is read while the last one is
//! evaluated and written (see [`run`]).
//!
//! Memory is bounded whatever the stream holds, however long its lines:
//!
//! - **Input.** A chunk ends at [`CHUNK_LINES`] (1,024) lines or once its
//!   lines hold [`CHUNK_BYTES`] (16 MiB), whichever comes first. A line
//!   longer than the facts size limit (16 MiB) is never held: it is read
//!   and dropped 64 KiB at a time up to its line break, and becomes an
//!   error record. A line kept holds at most 64 KiB more than its bytes
//!   (`io::lines`). So a chunk holds at most 32 MiB and 64 KiB (just under
//!   its budget, and one line at the limit), and two chunks are held at
//!   once (the one evaluated and the one read): 64 MiB and 128 KiB.
//! - **Output.** The reports of a chunk are rendered in parallel and held
//!   until their turn to be written, up to [`OUTPUT_BYTES`] (64 MiB) for the
//!   chunk. A report rendered past that budget is dropped, with its facts,
//!   and its line is evaluated again when its turn comes, alone. One report
//!   is at most the library's quote budget (1 MiB and twice its document)
//!   plus what the ruleset says of its flags, and its explanations at most
//!   [`EXPLANATION_BYTES`](crate::eval::EXPLANATION_BYTES) (4 MiB). Lines
//!   are written [`WRITE_BYTES`] (256 KiB) at a time, a system call per
//!   block rather than per line. Only the chunk being evaluated has
//!   output; nothing of it is held once it is written.
//! - **Work in flight.** Each worker thread holds one document's facts and
//!   report while it renders them (the library bounds facts by the
//!   document's size and its limits on list fields).
//!
//! The first write that fails ends the run (see `io::out`).

use std::io::BufRead;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use dd_rules::{DecisionOptions, Facts, Report, RuleSet};

use crate::eval::{Format, render};
use crate::io::{self, Failure, Line, Lines};

/// The lines a chunk holds at most: enough to keep every core busy with one
/// batch call, few enough that memory stays flat.
pub const CHUNK_LINES: usize = 1024;

/// The input a chunk holds at most (allocated bytes of its lines), beyond
/// its last line.
pub const CHUNK_BYTES: usize = 16 * 1024 * 1024;

/// The rendered output a chunk holds at most before it is written.
pub const OUTPUT_BYTES: usize = 64 * 1024 * 1024;

/// The output gathered before one write to the standard output: one write
/// a line would cost a system call per transaction.
pub const WRITE_BYTES: usize = 256 * 1024;

/// The record printed in place of a report for a line that is rejected.
#[derive(serde::Serialize)]
struct ErrorRecord {
    /// The 1-based line of the input.
    line: usize,
    error: LineError,
}

/// Why a line is rejected: where in the line's JSON, and what.
#[derive(serde::Serialize, Default)]
struct LineError {
    #[serde(skip_serializing_if = "Option::is_none")]
    path: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    column: Option<usize>,
    message: String,
}

impl LineError {
    fn new(message: String) -> LineError {
        LineError {
            message,
            ..LineError::default()
        }
    }
}

impl std::fmt::Display for LineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let Some(path) = self.path.as_deref().filter(|p| !p.is_empty()) {
            write!(f, "at `{path}`: ")?;
        }
        write!(f, "{}", self.message)?;
        if let (Some(l), Some(c)) = (self.line, self.column) {
            write!(
                f,
                " (column {c}{})",
                if l > 1 {
                    format!(", line {l} of the record")
                } else {
                    String::new()
                }
            )?;
        }
        Ok(())
    }
}

impl From<dd_rules::Error> for LineError {
    fn from(e: dd_rules::Error) -> LineError {
        match e {
            dd_rules::Error::Facts(f) => LineError {
                path: Some(f.path),
                line: Some(f.line),
                column: Some(f.column),
                message: f.message,
            },
            other => LineError::new(other.to_string()),
        }
    }
}

/// What a stream run saw.
#[derive(Default)]
pub struct Stats {
    pub lines: usize,
    pub reports: usize,
    pub rejected: usize,
    pub reached: usize,
}

/// What became of one line.
enum LineResult {
    /// A report (or an error record), rendered; whether the report reached
    /// `--fail-on` (`None` for an error record).
    Rendered { text: String, reached: Option<bool> },
    /// A report rendered past the chunk's output budget: dropped, with its
    /// facts, and evaluated again from its line when its turn comes, so that
    /// what is held for a chunk is its lines and at most
    /// [`OUTPUT_BYTES`] of output, never its reports or facts.
    Deferred,
}

/// How the lines of a stream are printed.
#[derive(Clone, Copy)]
pub struct Printing<'a> {
    pub format: Format,
    /// How the text form is printed.
    pub text: crate::text::TextOptions,
    /// With explanations (`--explain`).
    pub explain: bool,
    /// Whether a report reaches `--fail-on`.
    pub reached: &'a (dyn Fn(&Report) -> bool + Sync),
    /// What decision records carry (`--record-fact`, `--at`).
    pub decision: &'a DecisionOptions,
}

/// What is printed for one line: its report, or its error record if the
/// evaluation failed; with whether the report reached `--fail-on` (`None`
/// for an error record).
fn print_line(
    rules: &RuleSet,
    line: usize,
    result: Result<(&Facts, &Report), dd_rules::Error>,
    how: Printing<'_>,
) -> (String, Option<bool>) {
    print_line_into(rules, line, result, how, None)
}

/// [`print_line`], a compact report or a decision record written into a
/// buffer from `pool` (those of the chunk written before): a chunk's output
/// is thousands of strings of some kilobytes, and allocating them afresh
/// for each chunk made the allocator return the memory to the system after
/// each chunk and fault it in again, page by page, for the next (half the
/// CPU time of `eval` on a ledger of full reports).
fn print_line_into(
    rules: &RuleSet,
    line: usize,
    result: Result<(&Facts, &Report), dd_rules::Error>,
    how: Printing<'_>,
    pool: Option<&Pool>,
) -> (String, Option<bool>) {
    if let (Some(pool), Ok((_, report)), false) = (pool, &result, how.explain)
        && matches!(how.format, Format::Ndjson | Format::Decision)
    {
        let mut text = pool.take();
        if how.format == Format::Ndjson {
            report.write_json(&mut text);
        } else {
            report.write_decision(&mut text, how.decision);
        }
        text.push('\n');
        return (text, Some((how.reached)(report)));
    }
    let rendered = result.and_then(|(facts, report)| {
        let text = render(
            rules,
            how.explain.then_some(facts),
            report,
            how.format,
            how.text,
            how.decision,
        )?;
        Ok((text, (how.reached)(report)))
    });
    match rendered {
        Ok((text, reached)) => (text, Some(reached)),
        Err(e) => (rejected(line, e.into(), how.format), None),
    }
}

/// The output strings of the chunk last written, cleared, for the next
/// chunk's lines ([`print_line_into`]): strings of at most [`WRITE_BYTES`]
/// each, [`OUTPUT_BYTES`] in all at most, what a chunk holds anyway.
#[derive(Default)]
struct Pool(std::sync::Mutex<(Vec<String>, usize)>);

impl Pool {
    /// A buffer, empty.
    fn take(&self) -> String {
        let Ok(mut pool) = self.0.lock() else {
            return String::new();
        };
        let (strings, bytes) = &mut *pool;
        match strings.pop() {
            Some(text) => {
                *bytes = bytes.saturating_sub(text.capacity());
                text
            }
            None => String::new(),
        }
    }

    /// Keeps `text`, emptied, if there is room.
    fn keep(&self, mut text: String) {
        if text.capacity() > WRITE_BYTES {
            return;
        }
        if let Ok(mut pool) = self.0.lock() {
            let (strings, bytes) = &mut *pool;
            if *bytes + text.capacity() <= OUTPUT_BYTES {
                *bytes += text.capacity();
                text.clear();
                strings.push(text);
            }
        }
    }
}

/// Evaluates one line alone and prints it (a line deferred for the
/// chunk's output budget).
fn evaluate_line(
    rules: &RuleSet,
    line: usize,
    doc: &str,
    how: Printing<'_>,
) -> (String, Option<bool>) {
    let facts = match rules.facts_from_json(doc) {
        Ok(facts) => facts,
        Err(e) => return print_line(rules, line, Err(e.into()), how),
    };
    match rules.evaluate(&facts) {
        Ok(report) => print_line(rules, line, Ok((&facts, &report)), how),
        Err(e) => print_line(rules, line, Err(e.into()), how),
    }
}

/// The error record printed in place of a rejected line's report. The text
/// form escapes what the line's JSON put in the message, as a person reads it.
fn rejected(line: usize, error: LineError, format: Format) -> String {
    let record = ErrorRecord { line, error };
    match format {
        // `eval` refuses a stream for the reports for review; were one to
        // come here, its error records read as the text form's.
        Format::Text | Format::Html | Format::Markdown => format!(
            "line {line}: rejected: {}\n\n",
            dd_rules::printable(&record.error.to_string())
        ),
        Format::Json => serde_json::to_string_pretty(&record).unwrap_or_default() + "\n",
        Format::Ndjson | Format::Decision => {
            serde_json::to_string(&record).unwrap_or_default() + "\n"
        }
    }
}

/// The lines of one chunk: the line number and text of each non-blank
/// line, or why it is rejected.
type Chunk = Vec<(usize, Result<String, LineError>)>;

/// Reads one chunk; `None` at the end of the stream.
/// `stopped` says that the writer stopped at a failure to write: nothing
/// more is read, and the run ends with that failure.
fn read_chunk<R: BufRead>(
    lines: &mut Lines<R>,
    stats: &mut Stats,
    stopped: &AtomicBool,
) -> Result<Option<Chunk>, Failure> {
    let mut chunk = Vec::new();
    let mut held = 0usize;
    while chunk.len() < CHUNK_LINES && held < CHUNK_BYTES {
        if stopped.load(Ordering::Relaxed) {
            return Ok(None);
        }
        let line = lines.next_line().map_err(|e| {
            Failure::Error(format!("error: cannot read line {}: {e}", stats.lines + 1))
        })?;
        let Some(line) = line else {
            return Ok((!chunk.is_empty()).then_some(chunk));
        };
        stats.lines += 1;
        let text = match line {
            Line::Text(bytes) => {
                let size = bytes.capacity();
                let text = String::from_utf8(bytes).map_err(|e| {
                    LineError::new(format!(
                        "the line is not valid UTF-8 (first bad byte at offset {})",
                        e.utf8_error().valid_up_to()
                    ))
                });
                if text.is_ok() {
                    held = held.saturating_add(size);
                }
                text
            }
            Line::TooLong(length) => Err(LineError::new(format!(
                "the line is {length} bytes long, more than the limit of {} bytes for a facts document",
                dd_rules::MAX_FACTS_BYTES
            ))),
        };
        match text {
            // Blank lines separate nothing and are not transactions.
            Ok(text) if text.chars().all(char::is_whitespace) => {}
            other => chunk.push((stats.lines, other)),
        }
    }
    Ok(Some(chunk))
}

/// Evaluates the lines a chunk at a time (on all cores), printing a report
/// or an error record for each non-blank line, in input order.
///
/// Reading and evaluating overlap: this thread reads the next chunk while
/// another evaluates the last one (on the thread pool) and writes its
/// output, so that reading leaves no core idle. The reader hands a chunk
/// over only once the one before is written, so two chunks are held at
/// once, each within its budgets, and a chunk's output is written as soon
/// as it is evaluated, as before.
pub fn run(rules: &RuleSet, reader: Box<dyn BufRead>, how: Printing<'_>) -> Result<Stats, Failure> {
    let mut stats = Stats::default();
    let mut lines = Lines::new(reader, dd_rules::MAX_FACTS_BYTES);
    let (chunks, received) = std::sync::mpsc::sync_channel::<Chunk>(0);
    let stopped = AtomicBool::new(false);
    let (unread, written) = std::thread::scope(|scope| {
        let stopped = &stopped;
        let writer = scope.spawn(move || {
            let mut written = Stats::default();
            let mut pending = String::with_capacity(WRITE_BYTES);
            let pool = Pool::default();
            for chunk in received {
                let results = evaluate_chunk(rules, &chunk, how, &pool);
                let wrote = write_chunk(
                    rules,
                    chunk,
                    results,
                    how,
                    &mut written,
                    &mut pending,
                    &pool,
                );
                if wrote.is_err() {
                    // The first failed write ends the run: the reader stops
                    // at its next line.
                    stopped.store(true, Ordering::Relaxed);
                }
                wrote?;
            }
            Ok::<Stats, Failure>(written)
        });
        let unread = loop {
            match read_chunk(&mut lines, &mut stats, stopped) {
                Ok(Some(chunk)) => {
                    // The writer stopped at a failure to write, which it returns.
                    if chunks.send(chunk).is_err() {
                        break None;
                    }
                }
                Ok(None) => break None,
                // After the output of the lines read before it.
                Err(failure) => break Some(failure),
            }
        };
        drop(chunks);
        let written = writer
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (unread, written)
    });
    let written = written?;
    if let Some(failure) = unread {
        return Err(failure);
    }
    stats.reports = written.reports;
    stats.rejected = written.rejected;
    stats.reached = written.reached;
    Ok(stats)
}

/// Evaluates the lines of a chunk that are documents, on the thread pool:
/// what becomes of each, in order.
fn evaluate_chunk(
    rules: &RuleSet,
    chunk: &Chunk,
    how: Printing<'_>,
    pool: &Pool,
) -> Vec<LineResult> {
    let docs: Vec<&str> = chunk
        .iter()
        .filter_map(|(_, l)| l.as_ref().ok().map(String::as_str))
        .collect();
    let line_of: Vec<usize> = chunk
        .iter()
        .filter(|(_, l)| l.is_ok())
        .map(|(n, _)| *n)
        .collect();
    let held = AtomicUsize::new(0);
    rules.evaluate_batch_fast(&docs, |i, result| {
        let line = line_of.get(i).copied().unwrap_or(0);
        let (text, reached) = match result {
            Ok((facts, outcome)) => match rules.report(facts, outcome) {
                Ok(report) => print_line_into(rules, line, Ok((facts, &report)), how, Some(pool)),
                Err(e) => print_line(rules, line, Err(e.into()), how),
            },
            Err(e) => print_line(rules, line, Err(e), how),
        };
        let before = held.fetch_add(text.len(), Ordering::Relaxed);
        if before.saturating_add(text.len()) <= OUTPUT_BYTES {
            LineResult::Rendered { text, reached }
        } else {
            held.fetch_sub(text.len(), Ordering::Relaxed);
            LineResult::Deferred
        }
    })
}

/// Writes what became of each line of a chunk, in order: its report, its
/// error record, or (deferred for the output budget) its report evaluated
/// now. `pending` gathers the output [`WRITE_BYTES`] at a time.
fn write_chunk(
    rules: &RuleSet,
    chunk: Chunk,
    results: Vec<LineResult>,
    how: Printing<'_>,
    stats: &mut Stats,
    pending: &mut String,
    pool: &Pool,
) -> Result<(), Failure> {
    let mut results = results.into_iter();
    for (line, text) in chunk {
        let (text, reached) = match text {
            Err(error) => (rejected(line, error, how.format), None),
            Ok(doc) => match results.next() {
                Some(LineResult::Rendered { text, reached }) => (text, reached),
                Some(LineResult::Deferred) => evaluate_line(rules, line, &doc, how),
                None => continue,
            },
        };
        match reached {
            Some(reached) => {
                stats.reports += 1;
                stats.reached += usize::from(reached);
            }
            None => stats.rejected += 1,
        }
        if pending.len() + text.len() > WRITE_BYTES && !pending.is_empty() {
            io::out(pending)?;
            pending.clear();
        }
        if text.len() >= WRITE_BYTES {
            io::out(&text)?;
        } else {
            pending.push_str(&text);
        }
        if matches!(how.format, Format::Ndjson | Format::Decision) && !how.explain {
            pool.keep(text);
        }
    }
    // What a chunk printed is out before the next chunk is written.
    if !pending.is_empty() {
        io::out(pending)?;
        pending.clear();
    }
    Ok(())
}
