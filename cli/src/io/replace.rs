//! A file's contents replaced atomically, for `fmt`.
//!
//! The new text goes to a new file beside the old one (created afresh, so a
//! link planted at its name is never followed), which gets the old file's
//! permission bits, and its owner and group where the process may set them,
//! and is then renamed over it: a reader sees the old text or the new, never
//! half of one, and a crash leaves the old file as it was. A symbolic link
//! stays a link: the file it points to is the one replaced.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Whether a file may not be written: no write permission bit is set, or
/// this process is refused when it opens the file for writing (which
/// changes nothing). `fmt` leaves such a file alone rather than replace it
/// through its directory.
pub fn is_read_only(path: &Path) -> std::io::Result<bool> {
    if std::fs::metadata(path)?.permissions().readonly() {
        return Ok(true);
    }
    match OpenOptions::new().write(true).open(path) {
        Ok(_) => Ok(false),
        Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => Ok(true),
        Err(e) => Err(e),
    }
}

/// Writes `text` to `path`: a new file, or the contents of an existing one
/// replaced atomically ([`replace`]). A new file is created afresh, so that a
/// link planted at its name between the look and the write is not followed.
pub fn write_file(path: &Path, text: &str) -> std::io::Result<()> {
    if std::fs::symlink_metadata(path).is_ok() {
        return replace(path, text);
    }
    let mut file = OpenOptions::new().write(true).create_new(true).open(path)?;
    file.write_all(text.as_bytes())?;
    file.sync_all()
}

/// Replaces the contents of `path` with `text`, atomically.
pub fn replace(path: &Path, text: &str) -> std::io::Result<()> {
    let real = std::fs::canonicalize(path)?;
    let meta = std::fs::metadata(&real)?;
    let (temp, mut file) = create_beside(&real)?;
    let result = file
        .write_all(text.as_bytes())
        .and_then(|()| keep_owner(&file, &meta))
        .and_then(|()| file.set_permissions(meta.permissions()))
        .and_then(|()| file.sync_all())
        .and_then(|()| std::fs::rename(&temp, &real));
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result
}

/// A new file in the directory of `path`, readable and writable by its
/// owner alone until it gets the old file's permissions.
fn create_beside(path: &Path) -> std::io::Result<(PathBuf, File)> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut attempt = 0u32;
    loop {
        let temp = path.with_file_name(format!(
            ".{name}.{}.{attempt}.dd-rules-fmt.tmp",
            std::process::id()
        ));
        let mut options = OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        match options.open(&temp) {
            Ok(file) => return Ok((temp, file)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && attempt < 100 => {
                attempt += 1;
            }
            Err(e) => return Err(e),
        }
    }
}

/// Gives the new file the old one's owner and group, or at least its group,
/// where the process may; where it may not, the new file keeps the
/// process's own (the permission bits are kept whatever happens).
#[cfg(unix)]
fn keep_owner(file: &File, old: &std::fs::Metadata) -> std::io::Result<()> {
    use std::os::unix::fs::{MetadataExt, fchown};
    if fchown(file, Some(old.uid()), Some(old.gid())).is_err() {
        let _ = fchown(file, None, Some(old.gid()));
    }
    Ok(())
}

#[cfg(not(unix))]
fn keep_owner(_file: &File, _old: &std::fs::Metadata) -> std::io::Result<()> {
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn a_link_planted_at_the_temporary_name_is_not_followed() {
        let dir = std::env::temp_dir().join(format!("dd-rules-replace-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("a.rules");
        let victim = dir.join("victim");
        std::fs::write(&file, "old").unwrap();
        std::fs::write(&victim, "untouched").unwrap();
        // The name the first attempt takes: this process's own.
        let planted = dir.join(format!(
            ".a.rules.{}.0.dd-rules-fmt.tmp",
            std::process::id()
        ));
        std::os::unix::fs::symlink(&victim, &planted).unwrap();
        replace(&file, "new").unwrap();
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "new");
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "untouched");
        assert!(std::fs::symlink_metadata(&planted).unwrap().is_symlink());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
