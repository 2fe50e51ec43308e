//! The files a test file names, kept inside the directory tree given on the
//! command line.
//!
//! A test file comes with the rulesets it tests, often from someone else: a
//! pull request, a shared repository. What it names (`"ruleset"`,
//! `"facts_file"`) is resolved against its own directory and must stay
//! inside the tree: the directory given on the command line, the test
//! file's own directory when a file is given, or `--root`. An absolute path
//! is refused, and so is a path that leaves the tree, written with `..` or
//! through a symbolic link, before anything outside is opened, so that
//! `"ruleset": "/etc/passwd"` cannot show a line of that file in an error.

use std::path::{Component, Path, PathBuf};

use super::read::ReadError;
use super::shown;

/// The tree a test file's references must stay inside.
pub struct Tree {
    /// As given, for messages.
    given: PathBuf,
    /// With every symbolic link resolved.
    real: PathBuf,
}

/// The tree that a path given on the command line sets: a directory is its
/// own tree; a file's is the directory it is in.
pub fn tree_of(argument: &Path) -> PathBuf {
    if argument.is_dir() {
        return argument.to_path_buf();
    }
    match argument.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// `path` with `.` and `dir/..` taken out, on the text alone.
fn plain(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

impl Tree {
    /// The tree below `dir`, which must exist.
    pub fn new(dir: &Path) -> Result<Tree, ReadError> {
        let real = dir
            .canonicalize()
            .map_err(|e| ReadError::at(dir, format!("cannot search `{}`: {e}", shown(dir))))?;
        Ok(Tree {
            given: dir.to_path_buf(),
            real,
        })
    }

    /// The directory as given.
    pub fn given(&self) -> &Path {
        &self.given
    }

    /// Whether the file `path` is inside the tree (symbolic links resolved).
    pub fn contains(&self, path: &Path) -> bool {
        path.canonicalize()
            .is_ok_and(|real| real.starts_with(&self.real))
    }

    /// The file that `reference`, the `field` of the test file `file`,
    /// names: resolved against the test file's directory, with every
    /// symbolic link resolved. Refused when absolute or outside the tree.
    pub fn resolve(
        &self,
        file: &Path,
        field: &str,
        reference: &Path,
    ) -> Result<PathBuf, ReadError> {
        if reference.has_root() || reference.is_absolute() {
            return Err(ReadError::at(
                file,
                format!(
                    "the {field} of `{}`, `{}`, is an absolute path; a test file names its files relative to its own directory",
                    shown(file),
                    shown(reference)
                ),
            ));
        }
        let outside = |how: &str| {
            ReadError::at(
                file,
                format!(
                    "the {field} of `{}`, `{}`, is outside `{}`{how}, the directory tree given on the command line; not read (`--root` sets a wider tree)",
                    shown(file),
                    shown(reference),
                    shown(&self.given)
                ),
            )
        };
        let dir = match file.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent,
            _ => Path::new("."),
        };
        let dir = dir
            .canonicalize()
            .map_err(|e| ReadError::at(dir, format!("cannot search `{}`: {e}", shown(dir))))?;
        // First on the text, so that nothing outside is even looked at: from
        // a directory without symbolic links, `..` goes where it says.
        if !plain(&dir.join(reference)).starts_with(&self.real) {
            return Err(outside(""));
        }
        // Then on the file, for the links inside the reference.
        let joined = dir.join(reference);
        let real = joined.canonicalize().map_err(|e| {
            ReadError::at(
                file,
                format!(
                    "cannot read `{}`, the {field} of `{}`: {e}",
                    shown(reference),
                    shown(file)
                ),
            )
        })?;
        if !real.starts_with(&self.real) {
            return Err(outside(" through a symbolic link"));
        }
        Ok(real)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_paths_lose_dots() {
        assert_eq!(plain(Path::new("/a/./b/../c")), Path::new("/a/c"));
        assert_eq!(plain(Path::new("/x/../../y")), Path::new("/y"));
    }
}
