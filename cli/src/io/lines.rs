//! The lines of an NDJSON stream, none held past a limit.
//!
//! A line is read into memory only up to the limit (the facts size limit for
//! `eval`); the rest of a longer line is read and dropped a block at a time
//! up to the next line break, so that a line of any length, even one that
//! never ends, costs constant memory.

use std::io::{BufRead, Read};

/// The block in which the rest of a line too long to keep is skipped.
const SKIP_BLOCK: u64 = 64 * 1024;

/// One line of a stream.
pub enum Line {
    /// Its bytes, without the line break.
    Text(Vec<u8>),
    /// It was longer than the limit: how many bytes it had (without the line
    /// break). They were skipped, not kept.
    TooLong(u64),
}

/// The lines of a stream, each held whole only up to `limit` bytes.
pub struct Lines<R> {
    reader: R,
    limit: usize,
}

impl<R: BufRead> Lines<R> {
    /// Lines of `reader`; those longer than `limit` bytes are not kept.
    pub fn new(reader: R, limit: usize) -> Lines<R> {
        Lines { reader, limit }
    }

    /// The next line, or `None` at the end of the stream.
    pub fn next_line(&mut self) -> std::io::Result<Option<Line>> {
        let bound = u64::try_from(self.limit)
            .unwrap_or(u64::MAX)
            .saturating_add(1);
        let mut text = Vec::new();
        // One byte past the limit at most.
        let n = read_line(&mut self.reader, bound, &mut text)?;
        if n == 0 {
            return Ok(None);
        }
        if text.last() == Some(&b'\n') {
            text.pop();
            return Ok(Some(Line::Text(tight(text))));
        }
        if text.len() <= self.limit {
            // The last line, without a line break.
            return Ok(Some(Line::Text(tight(text))));
        }
        let mut length = u64::try_from(text.len()).unwrap_or(u64::MAX);
        drop(text);
        let mut block = Vec::new();
        loop {
            block.clear();
            let n = (&mut self.reader)
                .take(SKIP_BLOCK)
                .read_until(b'\n', &mut block)?;
            if n == 0 {
                break;
            }
            if block.last() == Some(&b'\n') {
                length = length.saturating_add(n as u64 - 1);
                break;
            }
            length = length.saturating_add(n as u64);
        }
        Ok(Some(Line::TooLong(length)))
    }
}

/// Reads up to and including the next line break into `out`, but no more
/// than `bound` bytes, as `read_until(b'\n')` on `reader.take(bound)` does:
/// how many bytes it read (0 at the end of the stream). The line break is
/// searched for with `memchr`'s vectorised search, a block of the reader's
/// buffer at a time.
fn read_line<R: BufRead>(reader: &mut R, bound: u64, out: &mut Vec<u8>) -> std::io::Result<usize> {
    let mut read = 0usize;
    let mut left = bound;
    while left > 0 {
        let available = match reader.fill_buf() {
            Ok(available) => available,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        let window = &available[..available
            .len()
            .min(usize::try_from(left).unwrap_or(usize::MAX))];
        let (used, done) = match memchr::memchr(b'\n', window) {
            Some(at) => (at + 1, true),
            None => (window.len(), window.is_empty()),
        };
        out.extend_from_slice(&window[..used]);
        reader.consume(used);
        read += used;
        left -= used as u64;
        if done {
            break;
        }
    }
    Ok(read)
}

/// A line's buffer without the spare room its growth left (up to as much
/// again as the line, for a line read over many blocks), so that what a
/// chunk of lines holds is what its lines are.
fn tight(mut text: Vec<u8>) -> Vec<u8> {
    if text.capacity() - text.len() > SKIP_BLOCK as usize {
        text.shrink_to_fit();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(input: &[u8], limit: usize) -> Vec<Result<String, u64>> {
        let mut lines = Lines::new(input, limit);
        let mut out = Vec::new();
        while let Some(line) = lines.next_line().unwrap() {
            out.push(match line {
                Line::Text(t) => Ok(String::from_utf8(t).unwrap()),
                Line::TooLong(n) => Err(n),
            });
        }
        out
    }

    #[test]
    fn lines_up_to_the_limit_are_kept_longer_ones_are_measured() {
        assert_eq!(
            lines(b"abc\n\nabcd\nabcdefgh\nab", 4),
            [
                Ok("abc".into()),
                Ok(String::new()),
                Ok("abcd".into()),
                Err(8),
                Ok("ab".into())
            ]
        );
        assert_eq!(lines(b"abcde", 4), [Err(5)]);
        assert_eq!(lines(b"", 4), []);
    }

    #[test]
    fn a_line_kept_holds_little_more_than_its_bytes() {
        let mut input = vec![b'x'; 5 * SKIP_BLOCK as usize + 1];
        input.push(b'\n');
        let mut lines = Lines::new(std::io::BufReader::new(&input[..]), input.len());
        let Some(Line::Text(text)) = lines.next_line().unwrap() else {
            panic!("a line");
        };
        assert_eq!(text.len(), input.len() - 1);
        assert!(text.capacity() - text.len() <= SKIP_BLOCK as usize);
    }

    #[test]
    fn read_line_reads_what_read_until_on_take_reads() {
        let inputs: [&[u8]; 7] = [
            b"",
            b"\n",
            b"abc",
            b"abc\n",
            b"abc\ndef\n\n",
            b"a\nbb\nccc\ndddd",
            b"\n\nxyz\n\n",
        ];
        for input in inputs {
            // Buffers smaller than a line, so that a line spans blocks.
            for capacity in [1, 2, 3, 64] {
                for bound in [0, 1, 2, 3, 4, 5, 100] {
                    let mut ours = std::io::BufReader::with_capacity(capacity, input);
                    let mut std = std::io::BufReader::with_capacity(capacity, input);
                    loop {
                        let (mut a, mut b) = (Vec::new(), Vec::new());
                        let n = read_line(&mut ours, bound, &mut a).unwrap();
                        let m = (&mut std).take(bound).read_until(b'\n', &mut b).unwrap();
                        assert_eq!((n, &a), (m, &b), "{input:?} {capacity} {bound}");
                        if n == 0 {
                            break;
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn a_long_line_is_skipped_a_block_at_a_time() {
        let mut input = vec![b'x'; 3 * SKIP_BLOCK as usize + 5];
        input.extend_from_slice(b"\nok\n");
        let n = 3 * SKIP_BLOCK + 5;
        assert_eq!(lines(&input, 10), [Err(n), Ok("ok".into())]);
    }
}
