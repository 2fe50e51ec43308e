//! The fast reader against serde's: on every line it reads, it must give
//! what `input::parse` gives; on the lines `eval` writes, it must read them.

use super::{Decision, special};
use crate::summary::input::{Parsed, parse};

/// Lines like those `eval --format decision` writes, and some it does not.
const LINES: &[&str] = &[
    r#"{"transaction":"B-0","ruleset":{"name":"us-state-2020","version":"1.0.0","digest":"sha256:b05b"},"scope":"in","disposition":"escalate","raised":["S1.named_capability","S1.bulk_scale"],"mitigated":[],"unknown":["S4.listed_party"],"missing_facts":["parties[3].listed"]}"#,
    r#"{"transaction":"B-1","ruleset":{"name":"r","version":"1","digest":"d"},"scope":"unknown","disposition":"proceed","raised":[],"mitigated":["a"],"unknown":[],"missing_facts":[],"facts":{"end_user.kind":"police","product.capabilities":["drone","x"],"n":-12.5e+3,"b":true,"o":{"a":[1,{"b":null}]},"z":null},"at":"2026-03-01T10:00:00Z"}"#,
    " \t{ \"ruleset\" : { \"digest\" : \"d\" , \"name\" : \"n\" , \"version\" : \"v\" , \"x\" : [ ] } , \"raised\" : [ \"a\" , \"é\" ] , \"disposition\" : \"e\" , \"extra\" : 0 } \r",
    r#"{"ruleset":{"name":"n","version":"v","digest":"d"},"disposition":"e","raised":["a\"b"]}"#,
    r#"{"ruleset":{"name":"n","version":"v","digest":"d"},"disposition":"e","raised":[],"at":null}"#,
    r#"{"ruleset":{"name":"n","version":"v","digest":"d"},"disposition":"e","raised":[],"raised":[]}"#,
    r#"{"ruleset":{"name":"n","version":"v","digest":"d"},"disposition":"e","flags":[]}"#,
    r#"{"line":3,"error":{"message":"bad"}}"#,
    r#"{"ruleset":{"name":"n","version":"v"},"disposition":"e","raised":[]}"#,
    r#"{"ruleset":{"name":"n","version":"v","digest":"d"},"disposition":"e","raised":[],"t":01}"#,
    r#"[{"name":"n","version":"v","digest":"d"},"in","e"]"#,
];

/// What the fast reader read agrees with serde; `true` when it read it.
fn agrees(line: &str) -> bool {
    let mut fast = Decision::default();
    if !fast.read(line) {
        return false;
    }
    let Ok(Parsed::Record(record)) = parse(line) else {
        panic!("the fast reader read a line serde refuses: {line}");
    };
    let slow = Decision::from_record(&record).expect("a decision record");
    assert_eq!(fast, slow, "{line}");
    true
}

#[test]
fn the_lines_eval_writes_are_read_fast() {
    let read: Vec<bool> = LINES.iter().map(|l| agrees(l)).collect();
    assert_eq!(
        read,
        [
            true, true, true, false, false, false, false, false, false, false, false
        ]
    );
}

/// A small generator of pseudo-random numbers (xorshift), so that the
/// test is the same on every run.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

#[test]
fn every_mutated_line_read_fast_is_read_the_same_by_serde() {
    let alphabet = b"\"\\{}[],: \t\r0123456789-+.eEtrufalsn\x01x\xc3";
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    let mut fast = 0;
    for base in LINES {
        for _ in 0..4000 {
            let mut bytes = base.as_bytes().to_vec();
            for _ in 0..=rng.below(3) {
                let at = rng.below(bytes.len() + 1);
                let b = alphabet[rng.below(alphabet.len())];
                match rng.below(4) {
                    0 if at < bytes.len() => {
                        bytes.remove(at);
                    }
                    1 if at < bytes.len() => bytes[at] = b,
                    2 => {
                        let end = (at + rng.below(20)).min(bytes.len());
                        let span = bytes[at..end].to_vec();
                        bytes.splice(at..at, span);
                    }
                    _ => bytes.insert(at, b),
                }
            }
            if let Ok(line) = std::str::from_utf8(&bytes) {
                fast += usize::from(agrees(line));
            }
        }
    }
    // Enough of the mutants are still records for the test to mean something.
    assert!(fast > 2000, "{fast}");
}

#[test]
fn the_word_test_finds_the_first_byte_that_ends_a_plain_string() {
    let ends = |b: u8| b == b'"' || b == b'\\' || b < 0x20;
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for _ in 0..200_000 {
        // Bytes around the ones that matter: controls, `"`, `\\`, letters,
        // and the bytes of UTF-8 sequences.
        let word: [u8; 8] = std::array::from_fn(|_| {
            let pick = [0, 0x1f, 0x20, b'"', b'\\', b'a', 0x7f, 0x80, 0xc3, 0xff];
            match rng.below(3) {
                0 => rng.below(256) as u8,
                _ => pick[rng.below(pick.len())],
            }
        });
        let first = word.iter().position(|&b| ends(b));
        let stop = special(u64::from_le_bytes(word));
        let found = (stop != 0).then(|| (stop.trailing_zeros() / 8) as usize);
        assert_eq!(found, first, "{word:?}");
    }
}
