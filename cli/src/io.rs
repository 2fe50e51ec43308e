//! Files, streams and terminal decisions: the only place the CLI touches them.
//!
//! - here: writing to stdout and stderr, the failure that ends a command,
//!   colour, and how a path is shown;
//! - `read`: one input read whole, never past its size limit;
//! - `lines`: the lines of an NDJSON stream, none held past the facts limit;
//! - `walk`: the files named on the command line or found in directories,
//!   each real file once, no symbolic link to a directory followed;
//! - `confine`: the files a test file names, kept inside the tree given;
//! - `replace`: a file replaced atomically, keeping its permissions (`fmt`),
//!   or written new (`doc -o`).

use std::borrow::Cow;
use std::io::{ErrorKind, IsTerminal, Write};
use std::path::Path;

mod confine;
mod lines;
mod read;
mod replace;
mod walk;

pub use confine::{Tree, tree_of};
pub use lines::{Line, Lines};
pub use read::{Input, ReadError, open_stream, read_file, read_input, read_stdin};
pub use replace::{is_read_only, replace, write_file};
pub use walk::Walker;

/// Why a command ends early.
pub enum Failure {
    /// An error: the message goes to stderr and the exit code is 1.
    Error(String),
    /// A usage error clap cannot see (options that do not go together
    /// with the input): the message goes to stderr and the exit code is 2.
    Usage(String),
    /// The reader of the standard output went away (`| head`): the command
    /// ends at once and quietly, with [`CLOSED_EXIT_CODE`].
    Closed,
}

/// The exit code of a run that stopped because stdout was closed: 0, as
/// ripgrep and most Rust command-line tools end on a broken pipe. The reader
/// chose to stop reading, which is not a failure of this run; a shell with
/// `pipefail` does not fail the pipeline for it, as it would for 141 (what a
/// program killed by SIGPIPE shows).
pub const CLOSED_EXIT_CODE: u8 = 0;

impl From<ReadError> for Failure {
    fn from(e: ReadError) -> Failure {
        Failure::Error(format!("error: {}", e.message))
    }
}

/// Writes to stdout. The first write that fails ends the command: a closed
/// pipe quietly ([`Failure::Closed`]), any other error (a full disk) with a
/// message. Never a panic.
pub fn out(text: &str) -> Result<(), Failure> {
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
        .map_err(|e| match e.kind() {
            ErrorKind::BrokenPipe => Failure::Closed,
            _ => Failure::Error(format!("error: cannot write to the standard output: {e}")),
        })
}

/// Writes to stderr. A failure to write there cannot be reported anywhere,
/// so it is ignored (never a panic); the exit code still says what happened.
pub fn err(text: &str) {
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
}

/// A path as messages show it: control, direction-changing and zero-width
/// characters in a file name are escaped like text from facts.
pub fn shown(path: &Path) -> Cow<'_, str> {
    match path.to_string_lossy() {
        Cow::Borrowed(text) => dd_rules::printable(text),
        Cow::Owned(text) => Cow::Owned(dd_rules::printable(&text).into_owned()),
    }
}

/// When to use colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    /// On a terminal, unless `NO_COLOR` is set.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

impl ColorChoice {
    /// Whether to colour what goes to stderr.
    pub fn stderr(self) -> bool {
        self.on(std::io::stderr().is_terminal())
    }

    /// Whether to colour what goes to stdout.
    pub fn stdout(self) -> bool {
        self.on(std::io::stdout().is_terminal())
    }

    fn on(self, terminal: bool) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && terminal
            }
        }
    }
}

/// Whether a person watches stderr (for a progress bar).
pub fn stderr_is_terminal() -> bool {
    std::io::stderr().is_terminal()
}
