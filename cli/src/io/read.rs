//! One input read whole, never past its size limit.
//!
//! Every read stops one byte past the limit of what is read (`Read::take`),
//! so that a 3 GB file, an endless pipe or `/dev/zero` costs at most the
//! limit in memory before it is refused. A file that `check`, `fmt` or
//! `test` reads must be a regular file: its kind is looked at before it is
//! opened, since opening a FIFO for reading blocks until a writer comes.

use std::fs::{File, Metadata};
use std::io::Read;
use std::path::{Path, PathBuf};

use super::shown;

/// What an input is: its size limit and how messages name it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Input {
    /// A ruleset source: [`dd_rules::MAX_SOURCE_BYTES`] (4 MiB).
    Rules,
    /// A facts document: [`dd_rules::MAX_FACTS_BYTES`] (16 MiB).
    Facts,
    /// A `*.tests.json` file: [`MAX_TEST_FILE_BYTES`] (64 MiB).
    Tests,
}

/// The largest test file read, in bytes (64 MiB): room for a few facts
/// documents at their own limit written inline, or thousands of cases.
pub const MAX_TEST_FILE_BYTES: usize = 64 * 1024 * 1024;

impl Input {
    /// The most bytes read of such an input.
    pub fn limit(self) -> usize {
        match self {
            Input::Rules => dd_rules::MAX_SOURCE_BYTES,
            Input::Facts => dd_rules::MAX_FACTS_BYTES,
            Input::Tests => MAX_TEST_FILE_BYTES,
        }
    }

    fn noun(self) -> &'static str {
        match self {
            Input::Rules => "a ruleset",
            Input::Facts => "a facts document",
            Input::Tests => "a test file",
        }
    }
}

/// Why an input could not be read.
#[derive(Debug)]
pub struct ReadError {
    /// The file or directory concerned; `None` for the standard input.
    pub path: Option<PathBuf>,
    /// What went wrong, naming it, without the `error: ` prefix.
    pub message: String,
}

impl ReadError {
    /// An error about `path`.
    pub fn at(path: &Path, message: String) -> ReadError {
        ReadError {
            path: Some(path.to_path_buf()),
            message,
        }
    }
}

/// Reads a regular file (or the one a symbolic link points to) whole, as
/// UTF-8; refuses a FIFO, a device, a socket or a directory without
/// opening it. For the files of `check`, `fmt` and `test`.
pub fn read_file(path: &Path, input: Input) -> Result<String, ReadError> {
    let cannot =
        |e: std::io::Error| ReadError::at(path, format!("cannot read `{}`: {e}", shown(path)));
    let meta = std::fs::metadata(path).map_err(cannot)?;
    if !meta.is_file() {
        return Err(not_regular(path, &meta));
    }
    let file = File::open(path).map_err(cannot)?;
    // It may have been replaced between the two looks.
    let meta = file.metadata().map_err(cannot)?;
    if !meta.is_file() {
        return Err(not_regular(path, &meta));
    }
    read_all(file, meta.len(), Some(path), input)
}

/// Reads an input named for `eval`, `schema` or `explain` whole, as UTF-8:
/// a regular file, or a pipe or device (`<(…)`, `/dev/stdin`), never past
/// its size limit.
pub fn read_input(path: &Path, input: Input) -> Result<String, ReadError> {
    let (file, len) = open_stream(path)?;
    read_all(file, len.unwrap_or(0), Some(path), input)
}

/// Reads the standard input whole, as UTF-8, never past the size limit.
pub fn read_stdin(input: Input) -> Result<String, ReadError> {
    read_all(std::io::stdin().lock(), 0, None, input)
}

/// Opens an input to read as a stream (NDJSON), with its length when it is
/// a regular file; refuses a directory.
pub fn open_stream(path: &Path) -> Result<(File, Option<u64>), ReadError> {
    let cannot =
        |e: std::io::Error| ReadError::at(path, format!("cannot read `{}`: {e}", shown(path)));
    let file = File::open(path).map_err(cannot)?;
    let meta = file.metadata().map_err(cannot)?;
    if meta.is_dir() {
        return Err(not_regular(path, &meta));
    }
    Ok((file, meta.is_file().then_some(meta.len())))
}

/// Reads at most one byte past the limit: more is refused.
fn read_all(
    reader: impl Read,
    len: u64,
    path: Option<&Path>,
    input: Input,
) -> Result<String, ReadError> {
    let what = match path {
        Some(path) => format!("`{}`", shown(path)),
        None => "the standard input".to_string(),
    };
    let error = |message: String| ReadError {
        path: path.map(Path::to_path_buf),
        message,
    };
    let limit = input.limit();
    let bound = u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1);
    let hint = usize::try_from(len.min(bound)).unwrap_or(0);
    let mut bytes = Vec::with_capacity(hint);
    reader
        .take(bound)
        .read_to_end(&mut bytes)
        .map_err(|e| error(format!("cannot read {what}: {e}")))?;
    if bytes.len() > limit {
        return Err(error(format!(
            "{what} is more than {limit} bytes long, the limit for {}",
            input.noun()
        )));
    }
    String::from_utf8(bytes).map_err(|e| {
        error(format!(
            "{what} is not valid UTF-8 (first bad byte at offset {})",
            e.utf8_error().valid_up_to()
        ))
    })
}

/// The refusal of a file that is not a regular file, naming what it is.
pub(super) fn not_regular(path: &Path, meta: &Metadata) -> ReadError {
    ReadError::at(
        path,
        format!("cannot read `{}`: it is {}", shown(path), kind(meta)),
    )
}

/// What a file that is not a regular file is, in words.
pub(super) fn kind(meta: &Metadata) -> &'static str {
    let file_type = meta.file_type();
    if file_type.is_dir() {
        return "a directory, not a regular file";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return "a FIFO, not a regular file";
        }
        if file_type.is_char_device() {
            return "a character device, not a regular file";
        }
        if file_type.is_block_device() {
            return "a block device, not a regular file";
        }
        if file_type.is_socket() {
            return "a socket, not a regular file";
        }
    }
    "not a regular file"
}
