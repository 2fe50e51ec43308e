//! The block reader gives the lines `io::Lines` gives, whatever the sizes
//! of reads, blocks and lines; a failed read is placed at its line.

use std::io::Read;

use super::{Block, Blocks, PIECE_BYTES, count_block, pieces};
use crate::io::{Line, Lines};
use crate::summary::by::By;
use crate::summary::counter::Counter;
use crate::summary::tally::{MAX_KEYS, PIECE_KEYS, Tally};

/// A reader of `data` that gives at most `step` bytes a read, and fails
/// once at byte `fail`, if any.
struct Trickle<'a> {
    data: &'a [u8],
    pos: usize,
    step: usize,
    fail: Option<usize>,
}

impl Read for Trickle<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.fail == Some(self.pos) {
            self.fail = None;
            return Err(std::io::Error::other("the disk is on fire"));
        }
        let end = self.data.len().min(self.pos + self.step);
        let end = self.fail.map_or(end, |f| end.min(f));
        let n = (end - self.pos).min(buf.len());
        buf[..n].copy_from_slice(&self.data[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

/// A line as the summary sees it: its text, or the length of one too long.
type Seen = Result<Vec<u8>, u64>;

fn by_blocks(data: &[u8], step: usize, block: usize, limit: usize) -> Vec<Seen> {
    let reader = Trickle {
        data,
        pos: 0,
        step,
        fail: None,
    };
    let mut blocks = Blocks::new(reader, block, limit);
    let mut out = Vec::new();
    while let Some(b) = blocks.next().ok().expect("no read fails") {
        match &b {
            Block::Lines(bytes) => {
                assert!(!bytes.is_empty());
                let body = bytes.strip_suffix(b"\n").unwrap_or(bytes);
                out.extend(body.split(|&c| c == b'\n').map(|l| Ok(l.to_vec())));
            }
            Block::TooLong(n) => out.push(Err(*n)),
        }
        blocks.recycle(b);
    }
    out
}

fn by_lines(data: &[u8], limit: usize) -> Vec<Seen> {
    let mut lines = Lines::new(std::io::BufReader::with_capacity(3, data), limit);
    let mut out = Vec::new();
    while let Some(line) = lines.next_line().expect("no read fails") {
        out.push(match line {
            Line::Text(t) => Ok(t),
            Line::TooLong(n) => Err(n),
        });
    }
    out
}

/// A generator of pseudo-random numbers (xorshift): the same every run.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }

    /// Lines of random lengths (some empty, some long), with or without a
    /// last line break.
    fn input(&mut self) -> Vec<u8> {
        let mut data = Vec::new();
        for _ in 0..self.below(12) {
            let len = [0, 1, 3, 7, 12, 30][self.below(6)] + self.below(3);
            data.extend((0..len).map(|i| b'a' + (i % 26) as u8));
            data.push(b'\n');
        }
        if self.below(2) == 0 {
            data.pop();
        }
        data
    }
}

#[test]
fn blocks_give_the_lines_lines_gives() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for _ in 0..3000 {
        let data = rng.input();
        let (step, block, limit) = (1 + rng.below(9), 1 + rng.below(10), rng.below(14));
        assert_eq!(
            by_blocks(&data, step, block, limit),
            by_lines(&data, limit),
            "{:?} step {step} block {block} limit {limit}",
            String::from_utf8_lossy(&data)
        );
    }
    assert_eq!(by_blocks(b"", 4, 4, 4), []);
    assert_eq!(by_blocks(b"\n", 4, 4, 4), [Ok(vec![])]);
}

#[test]
fn a_failed_read_is_placed_at_the_line_it_was_reading() {
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    for _ in 0..2000 {
        let data = rng.input();
        let fail = rng.below(data.len() + 1);
        let (step, block, limit) = (1 + rng.below(9), 1 + rng.below(10), rng.below(14));
        let reader = Trickle {
            data: &data,
            pos: 0,
            step,
            fail: Some(fail),
        };
        let mut blocks = Blocks::new(reader, block, limit);
        let mut lines = 0u64;
        let error = loop {
            match blocks.next() {
                Ok(Some(Block::Lines(bytes))) => {
                    lines += memchr::memchr_iter(b'\n', &bytes).count() as u64;
                }
                Ok(Some(Block::TooLong(_))) => lines += 1,
                Ok(None) => break None,
                Err(e) => break Some(e),
            }
        };
        // A read at the very end may not be tried: the input had ended.
        if let Some(e) = error {
            let before = memchr::memchr_iter(b'\n', &data[..fail]).count() as u64;
            assert_eq!(lines + e.lines, before, "{data:?} fail at {fail}");
        }
    }
}

#[test]
fn pieces_end_at_line_breaks_past_the_piece_size() {
    let line = [b"x".repeat(1000), b"\n".to_vec()].concat();
    let bytes = line.repeat(700);
    let cut = pieces(&bytes);
    assert_eq!(cut.concat(), bytes);
    assert!(cut.len() > 2);
    for (i, p) in cut.iter().enumerate() {
        assert!(p.ends_with(b"\n"));
        if i + 1 < cut.len() {
            assert!(p.len() > PIECE_BYTES && p.len() <= PIECE_BYTES + line.len());
        }
    }
    assert_eq!(pieces(b"ab"), [b"ab"]);
    assert!(pieces(b"").is_empty());
}

#[test]
fn a_block_of_more_values_than_a_piece_holds_is_counted_on_the_pool() {
    let by = By {
        path: "name".into(),
        month: false,
        allowed: None,
        rows: Counter::new(MAX_KEYS),
    };
    let template = Tally::new(vec![by]);
    // A new name on every line: fewer than a piece holds in each piece,
    // more than that in the block.
    let n = PIECE_KEYS * 3;
    let block: Vec<u8> = (0..n)
        .flat_map(|i| {
            format!(
                r#"{{"ruleset":{{"name":"r","version":"1","digest":"d"}},"disposition":"a","raised":[],"facts":{{"name":"N{i}"}},"padding":"{}"}}"#,
                "x".repeat(200)
            )
            .into_bytes()
            .into_iter()
            .chain([b'\n'])
        })
        .collect();
    assert!(pieces(&block).len() > 3);
    let counted = count_block(&template, &Block::Lines(block)).expect("no piece past its cap");
    assert_eq!(counted.by[0].rows.rows().len(), n);
    assert_eq!(counted.lines, n as u64);
}
