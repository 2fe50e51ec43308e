//! The lines of one input counted on rayon's pool, in constant memory.
//!
//! The input is read in blocks of whole lines ([`BLOCK_BYTES`] and the end
//! of the line they cut); each block is split at line breaks into pieces
//! of about [`PIECE_BYTES`], each piece counted into a tally of its own,
//! and the pieces' tallies are merged in input order, which gives exactly
//! the tally of one pass over the lines (see `tally`). The next block is
//! read while the last is counted, so at most two blocks (and a spare) are
//! held, whatever the input's length; a line longer than `MAX_LINE_BYTES`
//! is never held whole, only measured a block at a time.

use std::io::Read;
use std::path::Path;

use rayon::prelude::*;

use super::MAX_LINE_BYTES;
use super::decision::Decision;
use super::tally::Tally;
use crate::io::{self, Failure};

/// The input read at a time (and held twice: one block read while the
/// last is counted), in bytes.
pub const BLOCK_BYTES: usize = 4 * 1024 * 1024;

/// The input one task counts, in bytes: a block holds enough pieces to
/// keep every core busy, and a piece enough lines that merging is cheap.
pub const PIECE_BYTES: usize = 256 * 1024;

/// What a read of the input gives.
enum Block {
    /// Whole lines, the last without its line break at the end of the input.
    Lines(Vec<u8>),
    /// One line longer than the limit, skipped: its length.
    TooLong(u64),
}

/// A read that failed, and how many lines of the input were complete in
/// what had been read since the last block.
struct ReadError {
    error: std::io::Error,
    lines: u64,
}

/// An input read a block at a time, each ending at a line break.
struct Blocks<R> {
    reader: R,
    /// The bytes read at a time ([`BLOCK_BYTES`]).
    block: usize,
    /// The longest line held (`MAX_LINE_BYTES`).
    limit: usize,
    /// The start of a line the last block cut off: the next one's start.
    carry: Vec<u8>,
    /// The buffer of a block counted, to read into again.
    spare: Vec<u8>,
    end: bool,
}

impl<R: Read> Blocks<R> {
    fn new(reader: R, block: usize, limit: usize) -> Blocks<R> {
        Blocks {
            reader,
            block,
            limit,
            carry: Vec::new(),
            spare: Vec::new(),
            end: false,
        }
    }

    /// Reads into `buf` until it holds `upto` bytes or the input ends.
    fn fill(&mut self, buf: &mut Vec<u8>, upto: usize) -> Result<(), ReadError> {
        let want = upto.saturating_sub(buf.len());
        buf.reserve(want);
        // `read_to_end` reads into the spare capacity without clearing it,
        // retries when interrupted, and keeps what it read before an error.
        match (&mut self.reader).take(want as u64).read_to_end(buf) {
            Ok(n) => {
                self.end |= n < want;
                Ok(())
            }
            Err(error) => Err(ReadError {
                error,
                lines: memchr::memchr_iter(b'\n', buf).count() as u64,
            }),
        }
    }

    /// The next block; `None` at the end of the input.
    fn next(&mut self) -> Result<Option<Block>, ReadError> {
        let mut buf = std::mem::take(&mut self.spare);
        buf.clear();
        buf.append(&mut self.carry);
        // The bytes searched for a line break so far. (A carry after a line
        // too long may hold several lines.)
        let mut searched = 0;
        loop {
            if !self.end {
                // A line that a block does not end is read on, up to one
                // byte past the longest line held.
                let upto = (buf.len() + self.block).min(self.limit + 1);
                self.fill(&mut buf, upto)?;
            }
            let found = buf
                .get(searched..)
                .and_then(|new| memchr::memrchr(b'\n', new))
                .map(|i| searched + i);
            if let Some(i) = found {
                self.carry
                    .extend_from_slice(buf.get(i + 1..).unwrap_or_default());
                buf.truncate(i + 1);
                return Ok(Some(Block::Lines(buf)));
            }
            searched = buf.len();
            if buf.len() > self.limit {
                let length = buf.len() as u64;
                return self.skip(buf, length).map(Some);
            }
            if self.end {
                return Ok((!buf.is_empty()).then_some(Block::Lines(buf)));
            }
        }
    }

    /// Reads past the rest of a line too long to hold, `length` bytes so
    /// far, a block at a time.
    fn skip(&mut self, mut buf: Vec<u8>, mut length: u64) -> Result<Block, ReadError> {
        loop {
            buf.clear();
            if self.end {
                break;
            }
            // What follows the line is carried into the next block, which
            // must not start with a line too long to see: at most a limit.
            let block = self.block.min(self.limit + 1);
            self.fill(&mut buf, block)?;
            if let Some(i) = memchr::memchr(b'\n', &buf) {
                length += i as u64;
                self.carry
                    .extend_from_slice(buf.get(i + 1..).unwrap_or_default());
                break;
            }
            length += buf.len() as u64;
        }
        self.spare = buf;
        Ok(Block::TooLong(length))
    }

    /// Takes back the buffer of a block counted.
    fn recycle(&mut self, block: Block) {
        if let Block::Lines(buf) = block {
            self.spare = buf;
        }
    }
}

/// Counts the lines of one input into `tally` (line numbers from 1).
pub fn count<R: Read + Send>(tally: &mut Tally, reader: R, path: &Path) -> Result<(), Failure> {
    let mut blocks = Blocks::new(reader, BLOCK_BYTES, MAX_LINE_BYTES);
    // The lines of this input counted so far.
    let mut base = 0u64;
    let mut next = blocks.next();
    loop {
        let block = match next {
            Ok(Some(block)) => block,
            Ok(None) => return Ok(()),
            Err(e) => {
                return Err(Failure::Error(format!(
                    "error: cannot read line {} of `{}`: {}",
                    base + e.lines + 1,
                    io::shown(path),
                    e.error
                )));
            }
        };
        let template = &*tally;
        let (counted, read) = rayon::join(|| count_block(template, &block), || blocks.next());
        match (counted, &block) {
            (Some(counted), _) => {
                let lines = counted.lines;
                tally.merge(counted, base);
                base += lines;
            }
            // A piece went past its cap: the block again, into the total.
            (None, Block::Lines(bytes)) => {
                let before = tally.lines;
                count_lines(tally, bytes, base);
                base += tally.lines - before;
            }
            // INVARIANT: one line too long always fits in a piece.
            (None, Block::TooLong(_)) => {}
        }
        blocks.recycle(block);
        next = read;
    }
}

/// Counts one block into a [`Tally::piece`] of `template`, its pieces on
/// all cores, merged in order; `None` when a piece went past its cap.
fn count_block(template: &Tally, block: &Block) -> Option<Tally> {
    let mut tally = template.piece();
    match block {
        Block::TooLong(length) => {
            tally.lines = 1;
            tally.reject(
                1,
                format!(
                    "the line is {length} bytes long, more than the limit of {MAX_LINE_BYTES} bytes"
                ),
            );
        }
        Block::Lines(bytes) => {
            let counted = pieces(bytes)
                .par_iter()
                .map(|piece| {
                    let mut tally = template.piece();
                    count_lines(&mut tally, piece, 0);
                    if tally.overflowed() {
                        return None;
                    }
                    // A block's pieces together may hold more keys than
                    // one may (a `--by` of a value new on every line).
                    tally.uncap();
                    Some(tally)
                })
                .reduce_with(|left, right| {
                    let (mut left, right) = (left?, right?);
                    let base = left.lines;
                    left.merge(right, base);
                    Some(left)
                });
            if let Some(counted) = counted {
                tally = counted?;
            }
        }
    }
    Some(tally)
}

/// `bytes` cut after the first line break past every [`PIECE_BYTES`].
fn pieces(bytes: &[u8]) -> Vec<&[u8]> {
    let mut out = Vec::new();
    let mut rest = bytes;
    while !rest.is_empty() {
        let end = rest
            .get(PIECE_BYTES..)
            .and_then(|after| memchr::memchr(b'\n', after))
            .map_or(rest.len(), |i| PIECE_BYTES + i + 1);
        let (piece, after) = rest.split_at(end.min(rest.len()));
        out.push(piece);
        rest = after;
    }
    out
}

/// Counts the lines of `bytes` (whole lines) into `tally`, numbered from
/// `base + 1`.
pub fn count_lines(tally: &mut Tally, bytes: &[u8], base: u64) {
    let mut scratch = Decision::default();
    let mut number = base;
    let mut rest = bytes;
    while !rest.is_empty() {
        let (line, after) = match memchr::memchr(b'\n', rest) {
            Some(i) => (rest.get(..i), rest.get(i + 1..)),
            None => (Some(rest), None),
        };
        let line = line.unwrap_or_default();
        rest = after.unwrap_or_default();
        number += 1;
        tally.lines += 1;
        match std::str::from_utf8(line) {
            Ok(text) if text.trim().is_empty() => tally.blank += 1,
            Ok(text) => tally.add_line(number, text, &mut scratch),
            Err(e) => tally.reject(
                number,
                format!(
                    "the line is not valid UTF-8 (first bad byte at offset {})",
                    e.valid_up_to()
                ),
            ),
        }
    }
}

#[cfg(test)]
mod tests;
