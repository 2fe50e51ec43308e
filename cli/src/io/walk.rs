//! The files named on the command line, and those found in directories.
//!
//! A walk never follows a symbolic link to a directory (so `a -> .` cannot
//! make it loop) and never descends into a directory it has seen (a bind
//! mount cannot either); it skips, with a warning, a FIFO, device or socket
//! whose name matches, without opening it. Each real file (device and inode)
//! is given once, however many names lead to it. A symbolic link to a
//! regular file is read like the file.

use std::collections::HashSet;
use std::fs::{FileType, Metadata};
use std::path::{Path, PathBuf};

use super::read::{ReadError, kind};
use super::{err, shown};

/// What identifies a file whatever the name it is reached by.
#[cfg(unix)]
type FileId = (u64, u64);
#[cfg(not(unix))]
type FileId = PathBuf;

#[cfg(unix)]
fn file_id(_path: &Path, meta: &Metadata) -> Option<FileId> {
    use std::os::unix::fs::MetadataExt;
    Some((meta.dev(), meta.ino()))
}

#[cfg(not(unix))]
fn file_id(path: &Path, _meta: &Metadata) -> Option<FileId> {
    path.canonicalize().ok()
}

/// Expands the paths of one command, remembering the files and directories
/// already given so that none is given twice.
pub struct Walker {
    suffix: &'static str,
    seen: HashSet<FileId>,
}

impl Walker {
    /// A walker for files whose names end in `suffix`.
    pub fn new(suffix: &'static str) -> Walker {
        Walker {
            suffix,
            seen: HashSet::new(),
        }
    }

    /// The files `path` names: itself when it is not a directory (a missing
    /// path, a FIFO or a device too, so that reading it says why not), or
    /// the files below it whose names end in the suffix, in sorted order.
    pub fn expand(&mut self, path: &Path) -> Vec<Result<PathBuf, ReadError>> {
        let mut out = Vec::new();
        match std::fs::metadata(path) {
            Ok(meta) if meta.is_dir() => self.walk(path, &meta, &mut out),
            Ok(meta) if meta.is_file() => self.add(path, &meta, &mut out),
            _ => out.push(Ok(path.to_path_buf())),
        }
        out
    }

    /// Adds a regular file unless it was given before.
    fn add(&mut self, path: &Path, meta: &Metadata, out: &mut Vec<Result<PathBuf, ReadError>>) {
        if file_id(path, meta).is_none_or(|id| self.seen.insert(id)) {
            out.push(Ok(path.to_path_buf()));
        }
    }

    fn matches(&self, path: &Path) -> bool {
        path.file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.ends_with(self.suffix))
    }

    /// Depth first, each directory's entries in sorted order, without
    /// recursion: a stack of the entries still to visit, the next on top.
    fn walk(&mut self, dir: &Path, meta: &Metadata, out: &mut Vec<Result<PathBuf, ReadError>>) {
        if file_id(dir, meta).is_some_and(|id| !self.seen.insert(id)) {
            return;
        }
        let mut stack: Vec<(PathBuf, FileType)> = Vec::new();
        self.list(dir, &mut stack, out);
        while let Some((path, file_type)) = stack.pop() {
            if file_type.is_dir() {
                match std::fs::symlink_metadata(&path) {
                    Ok(meta) if file_id(&path, &meta).is_none_or(|id| self.seen.insert(id)) => {
                        self.list(&path, &mut stack, out);
                    }
                    Ok(_) => {}
                    Err(e) => out.push(Err(ReadError::at(
                        &path,
                        format!("cannot search `{}`: {e}", shown(&path)),
                    ))),
                }
            } else if file_type.is_symlink() {
                match std::fs::metadata(&path) {
                    Ok(meta) if meta.is_dir() => err(&format!(
                        "warning: `{}` is a symbolic link to a directory; not searched (name it to search it)\n",
                        shown(&path)
                    )),
                    Ok(meta) if meta.is_file() && self.matches(&path) => {
                        self.add(&path, &meta, out);
                    }
                    Ok(meta) if self.matches(&path) => skip(&path, &meta),
                    // A broken link: reading it says so.
                    Err(_) if self.matches(&path) => out.push(Ok(path)),
                    _ => {}
                }
            } else if self.matches(&path) {
                match std::fs::symlink_metadata(&path) {
                    Ok(meta) if meta.is_file() => self.add(&path, &meta, out),
                    Ok(meta) => skip(&path, &meta),
                    Err(_) => out.push(Ok(path)),
                }
            }
        }
    }

    /// Pushes the entries of `dir` onto the stack, the first in sorted
    /// order on top.
    fn list(
        &self,
        dir: &Path,
        stack: &mut Vec<(PathBuf, FileType)>,
        out: &mut Vec<Result<PathBuf, ReadError>>,
    ) {
        let entries = match std::fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(e) => {
                out.push(Err(ReadError::at(
                    dir,
                    format!("cannot search `{}`: {e}", shown(dir)),
                )));
                return;
            }
        };
        let mut entries: Vec<(PathBuf, FileType)> = entries
            .filter_map(|e| e.ok())
            .filter_map(|e| Some((e.path(), e.file_type().ok()?)))
            .collect();
        entries.sort_by(|a, b| b.0.cmp(&a.0));
        stack.extend(entries);
    }
}

/// Says that a file found in a walk is not read, and why.
fn skip(path: &Path, meta: &Metadata) {
    err(&format!(
        "warning: `{}` is {}; skipped\n",
        shown(path),
        kind(meta)
    ));
}
