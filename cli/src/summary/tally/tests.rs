//! Counting the input in pieces and merging them in order gives the tally
//! of one pass over it: the same caps on the same keys, the same first
//! rejected lines and their numbers, whatever the pieces.

use super::*;
use crate::summary::by::By;
use crate::summary::count::count_lines;

/// A generator of pseudo-random numbers (xorshift): the same every run.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }

    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[self.below(from.len())]
    }

    fn ids(&mut self, from: &[&str]) -> String {
        let ids: Vec<String> = (0..self.below(4))
            .map(|_| format!("\"{}\"", self.pick(from)))
            .collect();
        ids.join(",")
    }

    /// One line: a decision record (read fast or, with an escape, by
    /// serde), a full report, an error record of eval, or a rejected line.
    fn line(&mut self) -> Vec<u8> {
        let flags = ["F1", "F2", "F3", "F4", "F5", "F6", "F7", "F\\u0038"];
        let dispositions = ["a", "b", "c", "d", "e", "f\\u0067"];
        let values = [
            "\"v1\"",
            "\"v2\"",
            "[\"v1\",\"v3\"]",
            "[]",
            "null",
            "7",
            "\"v\\u0034\"",
        ];
        let ruleset = format!(
            r#"{{"name":"{}","version":"1","digest":"d"}}"#,
            self.pick(&["r1", "r2", "r3"])
        );
        let disposition = self.pick(&dispositions);
        let at = format!("2026-0{}-1{}", 1 + self.below(9), self.below(10));
        let text = match self.below(12) {
            0 => r#"{"line":4,"error":{"message":"bad facts"}}"#.to_string(),
            1 => "not json".to_string(),
            2 => "  ".to_string(),
            3 => return b"\xff{}".to_vec(),
            4 => format!(
                r#"{{"ruleset":{ruleset},"scope":{{"status":"in","evidence":[{{"fact":"k","value":{}}}]}},"disposition":"{disposition}","flags":[{{"id":"{}","status":"raised","mitigated":true}},{{"id":"{}","status":"unknown"}}],"missing_facts":[{}]}}"#,
                self.pick(&values),
                self.pick(&flags),
                self.pick(&flags),
                self.ids(&["m1", "m2"]),
            ),
            _ => format!(
                r#"{{"transaction":"T","ruleset":{ruleset},"scope":"{}","disposition":"{disposition}","raised":[{}],"mitigated":[{}],"unknown":[{}],"missing_facts":[{}],"facts":{{"k":{}}},"at":"{at}"}}"#,
                self.pick(&["in", "out", "unknown"]),
                self.ids(&flags),
                self.ids(&flags),
                self.ids(&flags),
                self.ids(&["m1", "m2", "m3", "m4", "m5", "m6"]),
                self.pick(&values),
            ),
        };
        text.into_bytes()
    }
}

/// A tally with small caps, so that the input goes past them.
fn tally() -> Tally {
    let by = |path: &str, month: bool| By {
        path: path.to_string(),
        month,
        allowed: None,
        rows: Counter::new(3),
    };
    Tally::with_caps(vec![by("k", false), by("at", true)], 5, 2)
}

/// Everything a tally holds, in words.
fn dump(t: &Tally) -> String {
    let mut out = format!(
        "lines {} blank {} decisions {} reports {} rejected {} upstream {} at {:?}..{:?}\n",
        t.lines, t.blank, t.decisions, t.reports, t.rejected, t.upstream, t.first_at, t.last_at
    );
    for e in &t.errors {
        out += &format!("error {}: {}\n", e.line, e.message);
    }
    out += &format!("dispositions {:?}\n", t.dispositions);
    for (name, c) in [
        ("scopes", &t.scopes),
        ("missing", &t.missing),
        ("rulesets", &t.rulesets),
    ] {
        out += &format!("{name} {:?} {}\n", c.rows(), c.capped());
    }
    for (id, f) in t.flags.rows() {
        out += &format!("flag {id} {} {} {}\n", f.raised, f.mitigated, f.unknown);
    }
    for b in &t.by {
        for (value, row) in b.rows.rows() {
            let mut cells = row.by_disposition.clone();
            while cells.last() == Some(&0) {
                cells.pop();
            }
            out += &format!("by {} {value} {} {cells:?}\n", b.path, row.count);
        }
    }
    out
}

fn lines(rng: &mut Rng, n: usize) -> Vec<Vec<u8>> {
    (0..n).map(|_| rng.line()).collect()
}

fn counted(tally: &Tally, lines: &[Vec<u8>]) -> Tally {
    let mut piece = tally.piece();
    count_lines(&mut piece, &lines.join(&b'\n'), 0);
    assert!(!piece.overflowed());
    piece.uncap();
    piece
}

#[test]
fn pieces_merged_in_order_give_the_tally_of_one_pass() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for _ in 0..300 {
        let n = 1 + rng.below(60);
        let input = lines(&mut rng, n);
        let mut whole = tally();
        count_lines(&mut whole, &input.join(&b'\n'), 0);
        assert!(whole.errors.len() <= MAX_ERRORS);

        let (i, j) = (rng.below(input.len() + 1), rng.below(input.len() + 1));
        let (i, j) = (i.min(j), i.max(j));
        let mut merged = tally();
        let parts = [&input[..i], &input[i..j], &input[j..]];
        // As `count` does: a block's pieces merged with each other first
        // (in either grouping, as rayon's reduction may), then into the
        // whole, each numbered after the lines before it.
        let [a, b, c] = parts.map(|p| counted(&merged, p));
        let block = if rng.below(2) == 0 {
            let mut ab = a;
            let base = ab.lines;
            ab.merge(b, base);
            let base = ab.lines;
            ab.merge(c, base);
            ab
        } else {
            let mut bc = b;
            let base = bc.lines;
            bc.merge(c, base);
            let mut abc = a;
            let base = abc.lines;
            abc.merge(bc, base);
            abc
        };
        merged.merge(block, 0);
        assert_eq!(dump(&merged), dump(&whole));
    }
}

#[test]
fn the_caps_are_reached_in_the_test() {
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    let input = lines(&mut rng, 200);
    let mut whole = tally();
    count_lines(&mut whole, &input.join(&b'\n'), 0);
    assert!(whole.flags.capped() && whole.missing.capped() && whole.rulesets.capped());
    assert!(whole.dispositions.iter().any(|(n, _)| n == OTHER));
    assert!(whole.by.iter().all(|b| b.rows.capped()));
    assert!(whole.reports > 0 && whole.decisions > 0 && whole.upstream > 0);
    assert_eq!(whole.errors.len(), MAX_ERRORS);
}

/// `count` over `input`, as `dd-rules summary` reads a file.
fn by_count(input: &[u8]) -> Tally {
    let mut t = tally();
    crate::summary::count::count(&mut t, input, std::path::Path::new("input"))
        .ok()
        .expect("no read fails");
    t
}

#[test]
fn the_input_counted_on_the_pool_gives_the_tally_of_one_pass() {
    let mut rng = Rng(0x1234_5678_9abc_def1);
    let input = lines(&mut rng, 3000).join(&b'\n');
    let mut whole = tally();
    count_lines(&mut whole, &input, 0);
    assert_eq!(dump(&by_count(&input)), dump(&whole));
}

#[test]
fn a_piece_past_its_cap_is_counted_again_into_the_total() {
    let mut rng = Rng(0x0fed_cba9_8765_4321);
    let ids: Vec<String> = (0..PIECE_KEYS + 10).map(|i| format!("\"X{i}\"")).collect();
    let wide = format!(
        r#"{{"ruleset":{{"name":"r1","version":"1","digest":"d"}},"disposition":"a","raised":[{}]}}"#,
        ids.join(",")
    );
    let mut input = lines(&mut rng, 100);
    input.push(wide.into_bytes());
    input.extend(lines(&mut rng, 100));
    let input = input.join(&b'\n');
    let mut piece = tally().piece();
    count_lines(&mut piece, &input, 0);
    assert!(piece.overflowed());
    let mut whole = tally();
    count_lines(&mut whole, &input, 0);
    assert_eq!(dump(&by_count(&input)), dump(&whole));
}
