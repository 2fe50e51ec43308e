//! The tokens of JSON as the fast path reads them: whitespace, punctuation,
//! literals, keys, strings and numbers, each exactly as serde_json reads it
//! or not at all.

use std::borrow::Cow;

use super::{Scan, Text};

impl<'t> Scan<'t, '_> {
    /// The byte at the position, if any.
    #[inline(always)]
    pub(super) fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    /// The byte at the position, read.
    #[inline(always)]
    pub(super) fn next(&mut self) -> Option<u8> {
        let byte = self.peek()?;
        self.pos += 1;
        Some(byte)
    }

    /// Whether the byte at the position is `byte`, read if so.
    #[inline(always)]
    pub(super) fn eat(&mut self, byte: u8) -> bool {
        let found = self.peek() == Some(byte);
        self.pos += usize::from(found);
        found
    }

    /// Reads `byte`, which must be at the position.
    #[inline(always)]
    pub(super) fn expect(&mut self, byte: u8) -> Option<()> {
        self.eat(byte).then_some(())
    }

    /// Skips JSON's whitespace: space, tab, line feed, carriage return.
    #[inline(always)]
    pub(super) fn ws(&mut self) {
        while let Some(b' ' | b'\n' | b'\t' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    /// Reads `word` (`true`, `false`, `null`), which must be at the position.
    #[inline(always)]
    pub(super) fn literal(&mut self, word: &[u8]) -> Option<()> {
        let end = self.pos.checked_add(word.len())?;
        same(self.bytes.get(self.pos..end)?, word).then(|| self.pos = end)
    }

    /// A key: a string with no escape (the serde loader reads the others).
    #[inline]
    pub(super) fn key(&mut self) -> Option<&'t str> {
        self.expect(b'"')?;
        let start = self.pos;
        let end = start + self.plain_run();
        self.expect(b'"')?;
        self.text.get(start..end)
    }

    /// Whether the text at the position is `key` (a key's text, quotes
    /// included, whose name has no quote, backslash or control character),
    /// read if so.
    #[inline(always)]
    pub(super) fn at_key(&mut self, key: &[u8]) -> bool {
        let end = self.pos + key.len();
        let found = self
            .bytes
            .get(self.pos..end)
            .is_some_and(|at| same(at, key));
        if found {
            self.pos = end;
        }
        found
    }

    /// A string: borrowed when it holds no escape, decoded otherwise.
    pub(super) fn string(&mut self) -> Option<Text<'t>> {
        self.expect(b'"')?;
        let start = self.pos;
        let end = start + self.plain_run();
        if self.eat(b'"') {
            return self.text.get(start..end).map(Cow::Borrowed);
        }
        let mut out = String::from(self.text.get(start..end)?);
        loop {
            match self.next()? {
                b'"' => return Some(Cow::Owned(out)),
                b'\\' => out.push(self.escape()?),
                _ => return None,
            }
            let from = self.pos;
            let to = from + self.plain_run();
            out.push_str(self.text.get(from..to)?);
        }
    }

    /// How many bytes from the position on are plain string content (no
    /// quote, backslash or control character); the position moves past
    /// them.
    #[inline(always)]
    fn plain_run(&mut self) -> usize {
        let start = self.pos;
        // Eight bytes at a time: the lowest byte that is a quote, a
        // backslash or a control character ends the run.
        while let Some(word) = self
            .bytes
            .get(self.pos..self.pos + 8)
            .and_then(|w| <[u8; 8]>::try_from(w).ok())
        {
            let found = special(u64::from_le_bytes(word));
            if found != 0 {
                self.pos += (found.trailing_zeros() / 8) as usize;
                return self.pos - start;
            }
            self.pos += 8;
        }
        while let Some(byte) = self.peek() {
            if byte < 0x20 || byte == b'"' || byte == b'\\' {
                break;
            }
            self.pos += 1;
        }
        self.pos - start
    }

    /// The character an escape stands for, its `\` read: one of JSON's, a
    /// `\u` escape of a UTF-16 surrogate only as a leading and trailing pair.
    fn escape(&mut self) -> Option<char> {
        Some(match self.next()? {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let unit = self.hex4()?;
                match unit {
                    0xD800..=0xDBFF => {
                        self.expect(b'\\')?;
                        self.expect(b'u')?;
                        let low = self.hex4()?;
                        if !(0xDC00..=0xDFFF).contains(&low) {
                            return None;
                        }
                        char::from_u32(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))?
                    }
                    0xDC00..=0xDFFF => return None,
                    _ => char::from_u32(unit)?,
                }
            }
            _ => return None,
        })
    }

    /// Four hexadecimal digits, either case.
    fn hex4(&mut self) -> Option<u32> {
        let mut unit = 0;
        for _ in 0..4 {
            unit = unit * 16 + char::from(self.next()?).to_digit(16)?;
        }
        Some(unit)
    }

    /// A number, as JSON's grammar has it: an optional minus, an integer
    /// part without leading zeros, an optional fraction and exponent, each
    /// with at least one digit. Its text.
    pub(super) fn number(&mut self) -> Option<&'t str> {
        let start = self.pos;
        self.eat(b'-');
        match self.next()? {
            b'0' => {}
            b'1'..=b'9' => self.digits(),
            _ => return None,
        }
        if self.eat(b'.') {
            self.digits1()?;
        }
        if self.eat(b'e') || self.eat(b'E') {
            if !self.eat(b'+') {
                self.eat(b'-');
            }
            self.digits1()?;
        }
        self.text.get(start..self.pos)
    }

    /// Skips digits.
    fn digits(&mut self) {
        while let Some(b'0'..=b'9') = self.peek() {
            self.pos += 1;
        }
    }

    /// Skips digits, at least one.
    fn digits1(&mut self) -> Option<()> {
        let start = self.pos;
        self.digits();
        (self.pos > start).then_some(())
    }
}

/// The bytes of `word` (little-endian) that are below 0x20, a quote (0x22)
/// or a backslash (0x5C), as their high bits, exact up to the lowest one.
/// The classic tests for a zero byte: `below(x, n)` sets the high bit of
/// each byte below `n` (bytes from 0x80 on are content, and their own high
/// bit is masked out), and a byte equal to `c` is a zero byte of `x ^ c`. A
/// borrow may mark a byte above one found, never one below it, so the
/// lowest mark is the first such byte.
#[inline(always)]
fn special(word: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let below = |x: u64, n: u64| x.wrapping_sub(ONES * n) & !x & HIGH;
    let control = below(word, 0x20);
    let quote = below(word ^ (ONES * 0x22), 1);
    let backslash = below(word ^ (ONES * 0x5C), 1);
    control | quote | backslash
}

/// Whether `a` and `b`, of the same length, hold the same bytes: a few word
/// comparisons, no call (keys are short).
#[inline(always)]
pub(super) fn same(a: &[u8], b: &[u8]) -> bool {
    let n = b.len();
    if a.len() != n {
        return false;
    }
    if n >= 8 {
        let mut i = 0;
        while i + 8 < n {
            if word(a, i) != word(b, i) {
                return false;
            }
            i += 8;
        }
        word(a, n - 8) == word(b, n - 8)
    } else if n >= 4 {
        half(a, 0) == half(b, 0) && half(a, n - 4) == half(b, n - 4)
    } else {
        a == b
    }
}

/// The eight bytes of `s` from `i` on, as a word (zero if there are fewer).
#[inline(always)]
fn word(s: &[u8], i: usize) -> u64 {
    s.get(i..i + 8)
        .and_then(|w| <[u8; 8]>::try_from(w).ok())
        .map_or(0, u64::from_le_bytes)
}

/// The four bytes of `s` from `i` on, as a word (zero if there are fewer).
#[inline(always)]
fn half(s: &[u8], i: usize) -> u32 {
    s.get(i..i + 4)
        .and_then(|w| <[u8; 4]>::try_from(w).ok())
        .map_or(0, u32::from_le_bytes)
}
