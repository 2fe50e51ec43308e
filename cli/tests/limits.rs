//! Memory bounds of the command line (SECURITY.md, "The command line"):
//! every input read whole stops at its size limit, and an NDJSON stream
//! holds a bounded number of bytes whatever its lines.
//!
//! Each run is under `ulimit -v` (about 2 GB) and `timeout`: a run that
//! read its input whole, or held a stream's lines, dies of the memory limit
//! instead of passing. No test measures time.

mod common;

use common::{TempDir, arg, bounded, dd, repeat, run_fed};

const FACTS_LIMIT: usize = 16 * 1024 * 1024;
const RULES_LIMIT: usize = 4 * 1024 * 1024;

#[test]
fn the_limits_are_the_librarys() {
    assert_eq!(dd_rules::MAX_FACTS_BYTES, FACTS_LIMIT);
    assert_eq!(dd_rules::MAX_SOURCE_BYTES, RULES_LIMIT);
}

#[test]
fn three_gb_on_stdin_are_refused_at_the_facts_limit() {
    let run = run_fed(bounded(["eval", "-"]), |stdin| {
        repeat(stdin, &[b' '; 1 << 20], 3_000_000_000);
    });
    run.code(1).stderr_has(&format!(
        "error: the standard input is more than {FACTS_LIMIT} bytes long, the limit for a facts document"
    ));
}

#[test]
fn dev_zero_as_facts_or_rules_is_refused_at_the_limit() {
    dd(["eval", "/dev/zero"]).code(1).stderr_has(&format!(
        "error: `/dev/zero` is more than {FACTS_LIMIT} bytes long, the limit for a facts document"
    ));
    let rules_limit = format!(
        "error: `/dev/zero` is more than {RULES_LIMIT} bytes long, the limit for a ruleset"
    );
    for args in [
        vec![
            "eval",
            "--rules",
            "/dev/zero",
            "examples/transactions/partial-facts.json",
        ],
        vec!["schema", "--rules", "/dev/zero"],
        vec!["explain", "--rules", "/dev/zero", "S2.sanctioned"],
    ] {
        dd(&args).code(1).stderr_has(&rules_limit);
    }
}

#[test]
fn files_over_their_limit_are_refused_naming_file_and_limit() {
    let dir = TempDir::new("over-limit");
    let facts = dir.write("big.json", vec![b' '; FACTS_LIMIT + 1]);
    let rules = dir.write("big.rules", vec![b' '; RULES_LIMIT + 1]);
    dd(["eval", &arg(&facts)]).code(1).stderr_has(&format!(
        "`{}` is more than {FACTS_LIMIT} bytes long, the limit for a facts document",
        arg(&facts)
    ));
    for args in [
        vec!["check".to_string(), arg(&rules)],
        vec!["fmt".into(), "--check".into(), arg(&rules)],
        vec!["eval".into(), "--rules".into(), arg(&rules), arg(&facts)],
    ] {
        dd(&args).code(1).stderr_has(&format!(
            "`{}` is more than {RULES_LIMIT} bytes long, the limit for a ruleset",
            arg(&rules)
        ));
    }
    // A file exactly at the limit is read, and handed to the library.
    let at_limit = dir.write("at-limit.json", vec![b' '; FACTS_LIMIT]);
    dd(["eval", &arg(&at_limit)])
        .code(1)
        .stderr_has("is rejected");
}

#[test]
fn a_test_file_over_its_limit_is_refused() {
    let dir = TempDir::new("big-test-file");
    let file = dir.write("big.tests.json", vec![b' '; 64 * 1024 * 1024 + 1]);
    dd(["test", &arg(&file)]).code(1).stderr_has(&format!(
        "`{}` is more than 67108864 bytes long, the limit for a test file",
        arg(&file)
    ));
}

/// A line of `len` bytes that the facts loader refuses at once: nested
/// more than 64 deep on its first bytes, then spaces.
fn too_deep_line(len: usize) -> Vec<u8> {
    let mut line = vec![b'['; 65];
    line.resize(len - 1, b' ');
    line.push(b'\n');
    line
}

#[test]
fn ndjson_lines_over_the_facts_limit_are_error_records_never_held() {
    // 130 lines of 17 MB: held whole, as a 1,024-line chunk would, they take
    // over 2 GB; skipped, constant memory.
    const LONG: usize = 17_000_000;
    let run = run_fed(bounded(["eval", "--ndjson", "-"]), |stdin| {
        let mut long = vec![b'x'; LONG];
        long.push(b'\n');
        if stdin.write_all(b"{\"id\": \"first\"}\n").is_err() {
            return;
        }
        repeat(stdin, &long, 130 * (LONG as u64 + 1));
        let _ = stdin.write_all(b"{\"id\": \"last\"}\n");
    });
    run.code(1)
        .stderr_has("132 line(s): 2 report(s), 130 rejected");
    let lines: Vec<serde_json::Value> = run
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("each output line is JSON"))
        .collect();
    assert_eq!(lines.len(), 132);
    assert_eq!(lines[0]["transaction"], "first");
    for (i, record) in lines[1..131].iter().enumerate() {
        assert_eq!(record["line"], i + 2);
        assert_eq!(
            record["error"]["message"],
            format!(
                "the line is {LONG} bytes long, more than the limit of {FACTS_LIMIT} bytes for a facts document"
            )
        );
    }
    assert_eq!(lines[131]["transaction"], "last");
}

#[test]
fn ndjson_chunks_end_at_their_byte_budget_not_only_their_line_count() {
    // 180 lines of 12 MB, each under the facts limit: a chunk of up to
    // 1,024 such lines would hold them all (over 2 GB); a chunk of 16 MiB
    // holds two.
    const LEN: usize = 12_000_000;
    let run = run_fed(bounded(["eval", "--ndjson", "-"]), |stdin| {
        let line = too_deep_line(LEN);
        repeat(stdin, &line, 180 * LEN as u64);
    });
    run.code(1)
        .stderr_has("180 line(s): 0 report(s), 180 rejected");
    assert_eq!(run.stdout.lines().count(), 180);
    assert!(
        run.stdout
            .lines()
            .all(|l| l.contains("arrays and objects are nested more than 64 deep")),
        "{}",
        &run.stdout[..run.stdout.len().min(2000)]
    );
}

#[test]
fn an_ndjson_file_of_long_lines_streams_too() {
    // The same bound when the stream is a file, with its line count.
    let dir = TempDir::new("long-lines-file");
    let mut text = too_deep_line(FACTS_LIMIT + 2);
    text.extend_from_slice(b"{\"id\": \"ok\"}\n");
    text.extend(too_deep_line(1000));
    let file = dir.write("long.ndjson", &text);
    let run = dd(["eval", &arg(&file)]);
    run.code(1).stderr_has("3 line(s): 1 report(s), 2 rejected");
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 3);
    assert!(lines[0].contains(&format!(
        "the line is {} bytes long, more than the limit of {FACTS_LIMIT}",
        FACTS_LIMIT + 1
    )));
    assert!(lines[1].contains("\"transaction\":\"ok\""));
    assert!(lines[2].contains("nested more than 64 deep"));
}

#[test]
fn ndjson_reports_past_the_output_budget_are_written_in_order() {
    // 90 lines of 10 kB, each quoted once, by a ruleset of 100 flags whose
    // titles and citations are 4,000 bytes: each report is about 800 kB,
    // 72 MB for the chunk, over its 64 MiB of output. The reports past it
    // are dropped with their facts and evaluated again when their turn
    // comes: what is printed is the same, in the same order.
    let dir = TempDir::new("output-budget");
    let flags: String = (0..100)
        .map(|i| {
            format!(
                "flag S4.f{i} {{ step: 4 severity: high title: \"F{i} {long}\" citation: \"{long}\" when: count(p in parties) > 0 evidence: parties }}\n",
                long = "x".repeat(4000)
            )
        })
        .collect();
    let rules = dir.write(
        "wide.rules",
        format!(
            "ruleset \"wide\" {{ version: \"1\" title: \"Wide\" source: \"Test\" }}\n\
             record Party {{ name: string }}\nfacts {{ parties: list<Party> }}\n{flags}\
             outcomes {{ proceed, escalate }}\n\
             disposition {{ when any flags(raised) => escalate otherwise => proceed }}\n"
        ),
    );
    let party = format!("{{\"name\": \"{}\"}}", "x".repeat(100));
    let doc = |i: usize| {
        format!(
            "{{\"id\": \"t{i}\", \"parties\": [{}]}}",
            vec![party.as_str(); 100].join(",")
        )
    };
    let stream: String = (0..90).map(|i| doc(i) + "\n").collect();
    let stream = dir.write("wide.ndjson", stream);
    let run = dd(["eval", "--rules", &arg(&rules), &arg(&stream)]);
    run.code(0)
        .stderr_has("90 line(s): 90 report(s), 0 rejected");
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 90);
    let total: usize = lines.iter().map(|l| l.len()).sum();
    assert!(total > 64 * 1024 * 1024, "{total} bytes: none deferred");
    for (i, line) in lines.iter().enumerate() {
        let head = &line[..line.len().min(300)];
        assert!(
            head.contains(&format!("\"transaction\":\"t{i}\"")),
            "{head}"
        );
    }
    // The last, deferred, is what the document gives alone (without the
    // advice, which a stream never gives).
    let last = dir.write("last.json", doc(89));
    let alone = dd([
        "eval",
        "--no-advice",
        "--format",
        "ndjson",
        "--rules",
        &arg(&rules),
        &arg(&last),
    ]);
    assert_eq!(alone.code(0).stdout.trim_end(), lines[89]);
}
