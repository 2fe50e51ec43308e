//! Builds the C programs in `tests/c/` (and `examples/c/`) with the system C
//! compiler against the static library and the committed header, and runs
//! them.
//!
//! With `DD_CAPI_VALGRIND=1` each program runs under
//! `valgrind --leak-check=full --error-exitcode=1` (with the suppressions in
//! `valgrind.supp`), and any error or leak, definite or possible, fails the
//! test; `.ci/run` does this on a release build, with the `test-hooks`
//! feature. `CC` names another C compiler.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The static library cargo built for this test run.
///
/// Cargo builds the library before the integration tests that depend on it
/// and puts it in `<target>/<profile>/`, two levels above this test's own
/// binary in `<target>/<profile>/deps/`: that also holds with
/// `CARGO_TARGET_DIR`, `--release` and `--target`.
fn static_lib() -> PathBuf {
    let exe = std::env::current_exe().expect("the test binary's path");
    let profile_dir = exe
        .parent()
        .and_then(Path::parent)
        .expect("the test binary lives in <target>/<profile>/deps");
    // The copy in `deps/` is the one built for this very run; cargo copies it
    // one level up too, but only for some commands.
    for candidate in [
        profile_dir.join("deps/libdd_rules_capi.a"),
        profile_dir.join("libdd_rules_capi.a"),
    ] {
        if candidate.is_file() {
            return candidate;
        }
    }
    panic!(
        "no libdd_rules_capi.a in {}; build it with `cargo build -p dd-rules-capi`",
        profile_dir.display()
    );
}

/// Compiles one C source into an executable in cargo's scratch directory.
fn compile(source: &Path, name: &str) -> PathBuf {
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".into());
    let output = Command::new(&cc)
        .args(["-std=c11", "-D_POSIX_C_SOURCE=200809L", "-g", "-O1"])
        .args(["-Wall", "-Wextra", "-Werror", "-pedantic"])
        .arg("-I")
        .arg(root().join("capi/include"))
        .arg(source)
        .arg(static_lib())
        .args(["-lpthread", "-ldl", "-lm", "-o"])
        .arg(&out)
        .output()
        .unwrap_or_else(|e| panic!("cannot run the C compiler `{cc}`: {e}"));
    assert!(
        output.status.success(),
        "`{cc}` failed on {}:\n{}",
        source.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    out
}

/// Whether to run under valgrind (`DD_CAPI_VALGRIND=1`).
fn valgrind() -> bool {
    std::env::var("DD_CAPI_VALGRIND").is_ok_and(|v| v == "1")
}

/// Runs a compiled program with arguments, under valgrind when asked, and
/// checks that it succeeds.
fn run(exe: &Path, args: &[&Path]) -> Output {
    let output = run_unchecked(exe, args);
    if valgrind() {
        // Keep valgrind's verdict in the log (`cargo test -- --nocapture`).
        let name = exe.file_name().unwrap_or_default().to_string_lossy();
        for line in String::from_utf8_lossy(&output.stderr).lines() {
            if line.contains("ERROR SUMMARY") || line.contains(" lost: ") {
                println!("{name}: {line}");
            }
        }
    }
    assert!(
        output.status.success(),
        "{} failed ({}):\nstdout:\n{}\nstderr:\n{}",
        exe.display(),
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr),
    );
    output
}

/// Runs a compiled program with arguments, under valgrind when asked.
fn run_unchecked(exe: &Path, args: &[&Path]) -> Output {
    let mut command = if valgrind() {
        let mut c = Command::new("valgrind");
        c.args([
            "--leak-check=full",
            "--error-exitcode=1",
            "--errors-for-leak-kinds=definite,possible",
            "--show-leak-kinds=definite,possible",
            "--num-callers=40",
        ])
        .arg(format!(
            "--suppressions={}",
            root().join("capi/tests/valgrind.supp").display()
        ))
        .arg(exe);
        c
    } else {
        Command::new(exe)
    };
    // A panic caught at the boundary prints its message; a backtrace would
    // only slow valgrind down.
    command
        .args(args)
        .env("RUST_BACKTRACE", "0")
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", exe.display()))
}

/// Compiles and runs one test program of `tests/c/`, with the repository
/// root as its argument, and checks its closing line.
fn c_test(name: &str) {
    let exe = compile(&root().join(format!("capi/tests/c/{name}.c")), name);
    let output = run(&exe, &[&root()]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    print!("{stdout}");
    assert!(
        stdout.contains(&format!("{name}: ")) && stdout.contains(" passed, 0 failed"),
        "{name} printed no passing summary:\n{stdout}"
    );
}

#[test]
fn api() {
    c_test("test_api");
}

#[test]
fn errors() {
    c_test("test_errors");
}

/// Lengths are checked against the limits before a byte is read.
#[test]
fn lengths() {
    c_test("test_lengths");
}

/// Each class of input that used to take the host down (see the program's
/// comment) gives a result or a clear status.
#[test]
fn resources() {
    c_test("test_resources");
}

/// The same program, and the length checks, under a 2 GB address-space
/// limit and a 10 s timeout: none of these inputs may crash, hang or need
/// more memory. Run natively (never under valgrind, whose own memory the
/// limit would cut), and only against a release build of the library, the
/// one the timeout is meant for: `.ci/run` runs this file in release. (A
/// debug build takes most of the 10 s on this machine.)
#[test]
fn resources_under_a_memory_limit_and_a_timeout() {
    if cfg!(debug_assertions) {
        return;
    }
    for name in ["test_resources", "test_lengths"] {
        // Its own executable: `resources` may be compiling the other.
        let exe = compile(
            &root().join(format!("capi/tests/c/{name}.c")),
            &format!("{name}-bounded"),
        );
        let script = format!(
            "ulimit -v 2000000 && exec timeout 10 '{}' '{}'",
            exe.display(),
            root().display()
        );
        let output = Command::new("sh")
            .args(["-c", &script])
            .output()
            .unwrap_or_else(|e| panic!("cannot run sh: {e}"));
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success() && stdout.contains(" passed, 0 failed"),
            "{name} under the limits: {} \nstdout:\n{stdout}\nstderr:\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

#[test]
fn threads() {
    c_test("test_threads");
}

/// The error objects of the `_e` calls: the same as the last error, and
/// independent of the thread: one made on a thread is read and freed on
/// another while the first keeps failing.
#[test]
fn error_objects() {
    c_test("test_error_objects");
}

/// `dd_test_panic` exists only with the `test-hooks` feature, which
/// `.ci/run` turns on for the valgrind run.
#[cfg(feature = "test-hooks")]
#[test]
fn panic() {
    c_test("test_panic");
}

/// A program that leaks a report and a ruleset runs fine, but fails under
/// valgrind: the leak check is not blind.
#[test]
fn leaks_are_seen() {
    let exe = compile(&root().join("capi/tests/c/leak_canary.c"), "leak_canary");
    let output = run_unchecked(&exe, &[&root()]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    if valgrind() {
        assert!(
            !output.status.success(),
            "valgrind missed a leak:\n{stderr}"
        );
        assert!(stderr.contains("definitely lost in"), "{stderr}");
    } else {
        assert!(output.status.success(), "{stderr}");
    }
}

/// The report the C ABI gives is byte for byte the report of the Rust API,
/// for every example transaction.
#[test]
fn reports_match_the_rust_api() {
    let exe = compile(&root().join("capi/tests/c/eval_file.c"), "eval_file");
    let rules = dd_rules::RuleSet::bundled().expect("the bundled ruleset compiles");
    let mut seen = 0;
    let mut paths: Vec<PathBuf> = std::fs::read_dir(root().join("examples/transactions"))
        .expect("examples/transactions")
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    paths.sort();
    for path in &paths {
        let json = std::fs::read_to_string(path).expect("an example transaction");
        // The C ABI's report is advised: it carries the questionnaire and
        // the remediation plan.
        let mut report = rules.evaluate_json(&json).expect("the example evaluates");
        rules.advise(&mut report).expect("the example is advised");
        assert!(report.questionnaire().is_some());
        let expected = report.to_json();
        let output = run(&exe, &[path]);
        let got = String::from_utf8_lossy(&output.stdout);
        let got = got.trim_end();
        if got != expected {
            let at = got
                .bytes()
                .zip(expected.bytes())
                .position(|(a, b)| a != b)
                .unwrap_or(got.len().min(expected.len()));
            let context = |s: &str| {
                s.get(at.saturating_sub(80)..(at + 80).min(s.len()))
                    .unwrap_or("")
                    .to_owned()
            };
            panic!(
                "C and Rust disagree on {} at byte {at}:\n   C: …{}…\nRust: …{}…",
                path.display(),
                context(got),
                context(&expected)
            );
        }
        seen += 1;
    }
    assert!(seen >= 3, "too few example transactions: {seen}");
}

/// The example in `examples/c/` builds with its documented command line and
/// runs.
#[test]
fn example_builds_and_runs() {
    let exe = compile(&root().join("examples/c/evaluate.c"), "evaluate");
    let facts = root().join("examples/transactions/partial-facts.json");
    let output = run(&exe, &[&facts]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("disposition: gather_facts"), "{stdout}");
}

/// The header stands alone and compiles as C99 and as C++.
#[test]
fn header_compiles_alone() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let c = dir.join("header_only.c");
    std::fs::write(
        &c,
        "#include \"dd_rules.h\"\nint main(void) { return dd_version() == 0; }\n",
    )
    .expect("write a C file");
    let cpp = dir.join("header_only.cpp");
    std::fs::write(
        &cpp,
        "#include \"dd_rules.h\"\nint main() { return dd_version() == nullptr; }\n",
    )
    .expect("write a C++ file");
    for (compiler, std, file) in [("cc", "-std=c99", &c), ("c++", "-std=c++11", &cpp)] {
        let output = Command::new(compiler)
            .args([
                std,
                "-Wall",
                "-Wextra",
                "-Werror",
                "-pedantic",
                "-fsyntax-only",
                "-I",
            ])
            .arg(root().join("capi/include"))
            .arg(file)
            .output()
            .unwrap_or_else(|e| panic!("cannot run `{compiler}`: {e}"));
        assert!(
            output.status.success(),
            "the header does not compile with `{compiler} {std}`:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

/// Every call that returns a `dd_status` has an `_e` twin that takes the
/// same arguments and then `dd_error **error`, so that a caller that moves
/// between OS threads never needs the thread's last error (ARCHITECTURE.md).
#[test]
fn every_fallible_call_has_an_error_object_twin() {
    let header = std::fs::read_to_string(root().join("capi/include/dd_rules.h"))
        .expect("the committed header");
    // Each declaration `enum dd_status NAME(PARAMS);`, its whitespace made single.
    let mut calls = std::collections::BTreeMap::new();
    for piece in header.split("enum dd_status ").skip(1) {
        let Some((name, rest)) = piece.split_once('(') else {
            continue;
        };
        let Some((params, _)) = rest.split_once(");") else {
            continue;
        };
        // `enum dd_status {` is the type itself; `dd_error_status` reads an
        // error object and cannot fail.
        if name.contains(char::is_whitespace) || name == "dd_error_status" {
            continue;
        }
        let params = params.split_whitespace().collect::<Vec<_>>().join(" ");
        calls.insert(name.to_owned(), params);
    }
    let plain: Vec<_> = calls.keys().filter(|n| !n.ends_with("_e")).collect();
    assert!(plain.len() >= 7, "too few fallible calls found: {plain:?}");
    for name in plain {
        let twin = format!("{name}_e");
        let expected = format!("{}, struct dd_error **error", calls[name]);
        assert_eq!(
            calls.get(&twin),
            Some(&expected),
            "`{name}` has no `{twin}` with its arguments and then `dd_error **error`"
        );
    }
    // And no `_e` call without its plain twin.
    for name in calls.keys().filter(|n| n.ends_with("_e")) {
        assert!(
            calls.contains_key(&name[..name.len() - 2]),
            "`{name}` has no plain twin"
        );
    }
}

/// `dd_version()` is the library's version: the two crates move together.
#[test]
fn version_is_the_library_version() {
    let manifest = std::fs::read_to_string(root().join("Cargo.toml")).expect("the root manifest");
    // The lines of a `[name]` section, up to the next section.
    let section = |name: &str| -> Vec<&str> {
        let header = format!("[{name}]");
        manifest
            .lines()
            .skip_while(|l| l.trim() != header)
            .skip(1)
            .take_while(|l| !l.starts_with('['))
            .collect()
    };
    let version_in = |name: &str| {
        section(name)
            .iter()
            .find_map(|l| l.trim().strip_prefix("version = "))
            .map(|v| v.trim_matches('"').to_owned())
    };
    // The library's own `version`, or the workspace's when it inherits it.
    let version = version_in("package").unwrap_or_else(|| {
        assert!(
            section("package").contains(&"version.workspace = true"),
            "the library's [package] has a version of its own or inherits the workspace's"
        );
        version_in("workspace.package").expect("a version in [workspace.package]")
    });
    assert_eq!(version, env!("CARGO_PKG_VERSION"));
}
