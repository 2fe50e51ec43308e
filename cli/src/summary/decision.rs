//! A decision record read straight from its bytes: the fast path of
//! `summary`, for the lines `eval --format decision` writes.
//!
//! It reads only what it is sure of, and says "not mine" for anything
//! else (an escape in a string, a `null`, a duplicate field, an error
//! record, a full report, anything that is not JSON), which `input::parse`
//! then reads as before, with serde and its messages. So for every line it
//! reads, it gives exactly what `input::parse` would: the same fields, the
//! same borrowed strings, the same raw text of each fact. A test holds it
//! to that on mutated records.
//!
//! Nothing is allocated per line: the lists go into buffers that the
//! caller keeps and [`Decision::read`] clears.

use super::input::{Form, Record};

/// The deepest nesting of a value that is skipped or quoted (a fact's
/// value, an unknown field's); deeper ones are left to serde, whose own
/// limit is 128.
const MAX_DEPTH: usize = 32;

/// What is counted of a decision record, borrowed from its line (or from
/// a record serde read).
#[derive(Default, Debug, PartialEq, Eq)]
pub struct Decision<'a> {
    /// The ruleset's name, version and digest.
    pub ruleset: [&'a str; 3],
    /// The scope's status, when the record has one.
    pub scope: Option<&'a str>,
    pub disposition: &'a str,
    pub raised: Vec<&'a str>,
    pub mitigated: Vec<&'a str>,
    pub unknown: Vec<&'a str>,
    pub missing: Vec<&'a str>,
    /// Each quoted fact's path and its value's JSON text.
    pub facts: Vec<(&'a str, &'a str)>,
    pub at: Option<&'a str>,
}

impl<'a> Decision<'a> {
    /// Reads `line` into `self` if it is a decision record this reader is
    /// sure of; `false` leaves the line to `input::parse`.
    pub fn read(&mut self, line: &'a str) -> bool {
        self.clear();
        let mut r = Reader { text: line, pos: 0 };
        r.record(self).is_some()
    }

    fn clear(&mut self) {
        self.ruleset = [""; 3];
        self.scope = None;
        self.disposition = "";
        self.raised.clear();
        self.mitigated.clear();
        self.unknown.clear();
        self.missing.clear();
        self.facts.clear();
        self.at = None;
    }

    /// The decision record serde read (`None` for a full report).
    pub fn from_record<'r>(record: &'r Record<'_>) -> Option<Decision<'r>> {
        if record.form != Form::Decision {
            return None;
        }
        let e = &record.entry;
        let list = |l: &'r Option<Vec<super::input::Text<'_>>>| {
            l.iter().flatten().map(|t| &**t).collect::<Vec<&'r str>>()
        };
        let r = &record.ruleset;
        Some(Decision {
            ruleset: [&r.name, &r.version, &r.digest],
            scope: record.scope.as_ref().map(|s| &*s.status),
            disposition: &record.disposition,
            raised: list(&e.raised),
            mitigated: list(&e.mitigated),
            unknown: list(&e.unknown),
            missing: list(&e.missing_facts),
            facts: e
                .facts
                .iter()
                .flat_map(|f| f.0.iter())
                .map(|(p, v)| (&**p, v.get()))
                .collect(),
            at: e.at.as_deref(),
        })
    }

    /// The JSON text of the fact `path`, the first quoted; `None` when
    /// absent or `null` (as `Record::fact`).
    pub fn fact(&self, path: &str) -> Option<&'a str> {
        self.facts
            .iter()
            .find(|(p, _)| *p == path)
            .map(|(_, v)| *v)
            .filter(|v| *v != "null")
    }
}

/// The fields of a record, one bit each, to refuse a duplicate as serde
/// does (by leaving the line to it).
const RULESET: u16 = 1;
const SCOPE: u16 = 1 << 1;
const DISPOSITION: u16 = 1 << 2;
const RAISED: u16 = 1 << 3;
const MITIGATED: u16 = 1 << 4;
const UNKNOWN: u16 = 1 << 5;
const MISSING: u16 = 1 << 6;
const FACTS: u16 = 1 << 7;
const AT: u16 = 1 << 8;

/// Each byte's lane (of eight, little-endian) repeated.
const fn lanes(b: u8) -> u64 {
    0x0101_0101_0101_0101 * b as u64
}

/// The high bit of each lane of `word` that holds `"`, `\\` or a control
/// character (below 0x20) set, and perhaps of lanes above the first such
/// (a borrow carries up), never below it: only the lowest is read.
fn special(word: u64) -> u64 {
    let high = lanes(0x80);
    let below = |w: u64, n: u8| w.wrapping_sub(lanes(n)) & !w & high;
    below(word ^ lanes(b'"'), 1) | below(word ^ lanes(b'\\'), 1) | below(word, 0x20)
}

/// A position in a line. Every method returns `None` for "not sure".
struct Reader<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Reader<'a> {
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    /// Skips JSON whitespace.
    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    /// Takes `b`, after whitespace.
    fn eat(&mut self, b: u8) -> Option<()> {
        self.ws();
        (self.peek() == Some(b)).then(|| self.pos += 1)
    }

    /// After whitespace, `,` (`true`: another member follows) or `close`.
    fn next_or(&mut self, close: u8) -> Option<bool> {
        self.ws();
        let b = self.peek()?;
        self.pos += 1;
        match b {
            b',' => Some(true),
            _ if b == close => Some(false),
            _ => None,
        }
    }

    /// A string without escapes or control characters, after whitespace.
    fn string(&mut self) -> Option<&'a str> {
        self.eat(b'"')?;
        let start = self.pos;
        let bytes = self.text.as_bytes();
        // Eight bytes at a time up to the first that ends the plain string.
        while let Some(word) = bytes.get(self.pos..self.pos + 8) {
            let stop = special(u64::from_le_bytes(word.try_into().ok()?));
            if stop != 0 {
                self.pos += (stop.trailing_zeros() / 8) as usize;
                break;
            }
            self.pos += 8;
        }
        loop {
            match bytes.get(self.pos)? {
                b'"' => break,
                b'\\' | 0..=0x1f => return None,
                _ => self.pos += 1,
            }
        }
        let s = self.text.get(start..self.pos)?;
        self.pos += 1;
        Some(s)
    }

    /// `[` strings `]` into `out`.
    fn strings(&mut self, out: &mut Vec<&'a str>) -> Option<()> {
        self.eat(b'[')?;
        self.ws();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Some(());
        }
        loop {
            out.push(self.string()?);
            if !self.next_or(b']')? {
                return Some(());
            }
        }
    }

    /// An object's members: `member` is given each key, after its `:`.
    fn object(&mut self, mut member: impl FnMut(&mut Self, &'a str) -> Option<()>) -> Option<()> {
        self.eat(b'{')?;
        self.ws();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Some(());
        }
        loop {
            let key = self.string()?;
            self.eat(b':')?;
            member(self, key)?;
            if !self.next_or(b'}')? {
                return Some(());
            }
        }
    }

    /// Any JSON value, checked and skipped; its text.
    fn value(&mut self, depth: usize) -> Option<&'a str> {
        self.ws();
        let start = self.pos;
        match self.peek()? {
            b'"' => {
                self.string()?;
            }
            b'{' if depth < MAX_DEPTH => self.object(|r, _| r.value(depth + 1).map(|_| ()))?,
            b'[' if depth < MAX_DEPTH => {
                self.pos += 1;
                self.ws();
                if self.peek() == Some(b']') {
                    self.pos += 1;
                } else {
                    loop {
                        self.value(depth + 1)?;
                        if !self.next_or(b']')? {
                            break;
                        }
                    }
                }
            }
            b't' => self.word("true")?,
            b'f' => self.word("false")?,
            b'n' => self.word("null")?,
            b'-' | b'0'..=b'9' => self.number()?,
            _ => return None,
        }
        self.text.get(start..self.pos)
    }

    fn word(&mut self, word: &str) -> Option<()> {
        let end = self.pos + word.len();
        (self.text.get(self.pos..end)? == word).then(|| self.pos = end)
    }

    fn digits(&mut self) -> usize {
        let start = self.pos;
        while let Some(b'0'..=b'9') = self.peek() {
            self.pos += 1;
        }
        self.pos - start
    }

    /// A number as JSON writes it: `-`, no leading zero, a fraction and an
    /// exponent each with at least one digit.
    fn number(&mut self) -> Option<()> {
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek()? {
            b'0' => self.pos += 1,
            b'1'..=b'9' => {
                self.digits();
            }
            _ => return None,
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            (self.digits() > 0).then_some(())?;
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            (self.digits() > 0).then_some(())?;
        }
        Some(())
    }

    /// Marks `field` seen; `None` when it was already.
    fn once(seen: &mut u16, field: u16) -> Option<()> {
        (*seen & field == 0).then(|| *seen |= field)
    }

    /// The ruleset object: its three strings, each once.
    fn ruleset(&mut self, out: &mut [&'a str; 3]) -> Option<()> {
        let mut seen = 0u16;
        self.object(|r, key| {
            let slot = match key {
                "name" => 0,
                "version" => 1,
                "digest" => 2,
                _ => return r.value(1).map(|_| ()),
            };
            Self::once(&mut seen, 1 << slot)?;
            *out.get_mut(slot)? = r.string()?;
            Some(())
        })?;
        (seen == 0b111).then_some(())
    }

    /// The whole line as a decision record.
    fn record(&mut self, d: &mut Decision<'a>) -> Option<()> {
        let mut seen = 0u16;
        self.object(|r, key| {
            let field = match key {
                "ruleset" => RULESET,
                "scope" => SCOPE,
                "disposition" => DISPOSITION,
                "raised" => RAISED,
                "mitigated" => MITIGATED,
                "unknown" => UNKNOWN,
                "missing_facts" => MISSING,
                "facts" => FACTS,
                "at" => AT,
                // Those of a full report or an error record.
                "flags" | "line" | "error" => return None,
                _ => return r.value(1).map(|_| ()),
            };
            Self::once(&mut seen, field)?;
            match field {
                RULESET => r.ruleset(&mut d.ruleset)?,
                SCOPE => d.scope = Some(r.string()?),
                DISPOSITION => d.disposition = r.string()?,
                RAISED => r.strings(&mut d.raised)?,
                MITIGATED => r.strings(&mut d.mitigated)?,
                UNKNOWN => r.strings(&mut d.unknown)?,
                MISSING => r.strings(&mut d.missing)?,
                FACTS => r.object(|r, path| {
                    let value = r.value(2)?;
                    d.facts.push((path, value));
                    Some(())
                })?,
                _ => d.at = Some(r.string()?),
            }
            Some(())
        })?;
        self.ws();
        let required = RULESET | DISPOSITION | RAISED;
        (self.pos == self.text.len() && seen & required == required).then_some(())
    }
}

#[cfg(test)]
mod tests;
