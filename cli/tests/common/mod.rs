//! The one set of helpers of the CLI tests: running the real binary from the
//! workspace root (so that relative paths such as
//! `rulesets/us-state-2020.rules` work as they do for a user), with a memory
//! limit and a time limit that only a hang or a runaway allocation can reach;
//! what a run printed and how it ended; temporary directories (each test its
//! own, removed when the test ends, so tests run in parallel); what may be
//! printed to a terminal; and the rulesets and assertions several test files
//! share (`fixtures.rs`).
//!
//! Exit codes, as the CLI documents them: 0 ok, 1 errors or rejected input,
//! 2 usage error.

#![allow(dead_code)]

mod fixtures;

// Not every test file uses the fixtures.
#[allow(unused_imports)]
pub use fixtures::*;

use std::ffi::OsStr;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

/// The binary under test: the one cargo built for these tests.
pub const BIN: &str = env!("CARGO_BIN_EXE_dd-rules");

/// The virtual memory a run may use, in KiB (`ulimit -v`): about 2 GB.
pub const MEMORY_KIB: u64 = 2_000_000;

/// The seconds after which `timeout` stops a run: only a hang gets there.
/// The longest run (2 GB of NDJSON through a debug build) takes a few
/// seconds on an idle machine and was seen past 10 s on a loaded one, so
/// the margin is wide: a hang is caught all the same.
pub const TIMEOUT_SECONDS: u64 = 60;

/// The exit code `timeout` gives when it had to stop the program.
pub const TIMED_OUT: i32 = 124;

/// The workspace root (the parent of the CLI crate).
pub fn workspace() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    root.canonicalize().unwrap_or(root)
}

/// What one run of the binary did.
#[derive(Debug)]
pub struct Run {
    /// The exit code; `None` when a signal killed it.
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    /// The raw stdout, for byte-for-byte comparisons.
    pub stdout_bytes: Vec<u8>,
}

impl Run {
    /// Asserts the exit code, and that the binary neither panicked, nor
    /// crashed, nor was stopped for running too long.
    #[track_caller]
    pub fn code(&self, code: i32) -> &Run {
        self.no_panic();
        assert_eq!(
            self.code,
            Some(code),
            "expected exit code {code}\n--- stdout:\n{}\n--- stderr:\n{}",
            cut(&self.stdout),
            cut(&self.stderr)
        );
        self
    }

    /// Asserts that there is no panic message, that the process exited
    /// normally (a stack overflow or abort has no exit code) and that it was
    /// not stopped for running too long.
    #[track_caller]
    pub fn no_panic(&self) -> &Run {
        assert!(
            !self.stderr.contains("panicked"),
            "the binary panicked:\n{}",
            cut(&self.stderr)
        );
        assert!(
            self.code.is_some(),
            "the binary was killed by a signal (stack overflow or abort?)\n--- stderr:\n{}",
            cut(&self.stderr)
        );
        assert_ne!(
            self.code,
            Some(101),
            "exit code 101 is a Rust panic\n--- stderr:\n{}",
            cut(&self.stderr)
        );
        assert_ne!(
            self.code,
            Some(TIMED_OUT),
            "the binary hung:\n{}",
            cut(&self.stderr)
        );
        self
    }

    #[track_caller]
    pub fn stdout_empty(&self) -> &Run {
        assert!(
            self.stdout.is_empty(),
            "expected nothing on stdout, found:\n{}",
            cut(&self.stdout)
        );
        self
    }

    #[track_caller]
    pub fn stderr_not_empty(&self) -> &Run {
        assert!(
            !self.stderr.trim().is_empty(),
            "expected a message on stderr, found nothing (stdout:\n{})",
            cut(&self.stdout)
        );
        self
    }

    /// Stdout parsed as JSON.
    #[track_caller]
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON: {e}\n--- stdout:\n{}\n--- stderr:\n{}",
                cut(&self.stdout),
                cut(&self.stderr)
            )
        })
    }

    #[track_caller]
    pub fn stderr_has(&self, needle: &str) -> &Run {
        assert!(
            self.stderr.contains(needle),
            "stderr does not contain {needle:?}:\n{}",
            cut(&self.stderr)
        );
        self
    }

    #[track_caller]
    pub fn stdout_has(&self, needle: &str) -> &Run {
        assert!(
            self.stdout.contains(needle),
            "stdout does not contain {needle:?}:\n{}",
            cut(&self.stdout)
        );
        self
    }

    /// Asserts that neither stream contains `needle`.
    #[track_caller]
    pub fn nowhere(&self, needle: &str) -> &Run {
        assert!(
            !self.stdout.contains(needle) && !self.stderr.contains(needle),
            "{needle:?} was printed:\n--- stdout:\n{}\n--- stderr:\n{}",
            cut(&self.stdout),
            cut(&self.stderr)
        );
        self
    }

    /// Asserts that what was printed is safe on a terminal: no control
    /// character but the line break, no direction-changing or zero-width
    /// character.
    #[track_caller]
    pub fn printable(&self) -> &Run {
        for (name, text) in [("stdout", &self.stdout), ("stderr", &self.stderr)] {
            if let Some(c) = text.chars().find(|&c| c != '\n' && dd_rules::is_hidden(c)) {
                panic!("{name} holds U+{:04X} as it is:\n{text}", u32::from(c));
            }
        }
        self
    }
}

impl Run {
    /// What a finished process printed and how it ended.
    pub fn of(out: Output) -> Run {
        Run {
            code: out.status.code(),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            stdout_bytes: out.stdout,
        }
    }
}

/// At most the first 4,000 characters of a text, for failure messages.
fn cut(text: &str) -> &str {
    match text.char_indices().nth(4_000) {
        Some((i, _)) => &text[..i],
        None => text,
    }
}

/// The command that runs `dd-rules` with `args` from the workspace root,
/// under the memory limit and the time limit.
pub fn bounded<I, S>(args: I) -> Command
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let mut command = Command::new("sh");
    command
        .arg("-c")
        .arg(format!(
            "ulimit -v {MEMORY_KIB} && exec timeout {TIMEOUT_SECONDS} \"$0\" \"$@\""
        ))
        .arg(BIN)
        .args(args)
        .current_dir(workspace())
        .env_remove("RUST_BACKTRACE")
        .env("NO_COLOR", "1");
    command
}

/// Runs `command` with nothing on stdin.
pub fn run(mut command: Command) -> Run {
    let out = command
        .stdin(Stdio::null())
        .output()
        .expect("the dd-rules binary runs");
    Run::of(out)
}

/// Runs `dd-rules` with `args`, bounded, with nothing on stdin.
pub fn dd<I, S>(args: I) -> Run
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    run(bounded(args))
}

/// Runs `dd-rules` with `args`, bounded, with `stdin` as its input (nothing
/// when `None`).
pub fn dd_with_stdin<I, S>(args: I, stdin: Option<&str>) -> Run
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let Some(text) = stdin else {
        return dd(args);
    };
    let text = text.as_bytes().to_vec();
    run_fed(bounded(args), move |input| {
        // A binary that stops reading early is the test's business.
        let _ = input.write_all(&text);
    })
}

/// Runs `command` with stdin fed by `feed` on a thread of its own, which
/// should stop when a write fails (the binary exited or closed its input).
pub fn run_fed(mut command: Command, feed: impl FnOnce(&mut dyn Write) + Send + 'static) -> Run {
    let mut child: Child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the dd-rules binary runs");
    let mut stdin = child.stdin.take().expect("a piped stdin");
    let writer = std::thread::spawn(move || feed(&mut stdin));
    let out = child.wait_with_output().expect("the binary finishes");
    writer.join().expect("the writer thread ends");
    Run::of(out)
}

/// Runs `dd-rules` with a stdout whose reader has gone away, like
/// `dd-rules … | head -c0`.
///
/// The read end is closed right after the spawn; callers make the binary do
/// some work first (checking the bundled ruleset a few times takes a while in
/// a debug build) so that it writes after the close.
pub fn dd_with_closed_stdout(args: &[String]) -> Run {
    let mut child = bounded(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the dd-rules binary runs");
    drop(child.stdout.take());
    Run::of(child.wait_with_output().expect("the binary finishes"))
}

/// The exit code of a run whose stdout was closed: 0, as ripgrep's.
pub const CLOSED: i32 = 0;

/// Writes `block` again and again, up to `total` bytes or until a write
/// fails.
pub fn repeat(out: &mut dyn Write, block: &[u8], total: u64) {
    let mut written = 0u64;
    while written < total {
        if out.write_all(block).is_err() {
            return;
        }
        written += block.len() as u64;
    }
}

/// A directory of its own for one test, removed when dropped.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(test: &str) -> TempDir {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!(
            "dd-rules-cli-hostile-{}-{test}-{n}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create the test's temporary directory");
        TempDir(dir)
    }

    /// Writes `contents` to `name` (creating directories) and returns its path.
    pub fn write(&self, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.0.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create a directory");
        }
        std::fs::write(&path, contents).expect("write a test file");
        path
    }

    pub fn path(&self) -> &Path {
        &self.0
    }

    pub fn join(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A path as an argument.
pub fn arg(path: &Path) -> String {
    path.display().to_string()
}
