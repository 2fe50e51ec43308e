//! Files the command line reads and writes, as an attacker would lay them
//! out: symbolic link loops, links to devices, FIFOs, test files that name
//! files outside their tree, read-only files for `fmt`.
//!
//! Every run is under `timeout`: a walk that loops or a FIFO that blocks
//! ends as a failure (exit 124), not as a hung test.

mod common;

use std::path::Path;

use common::{TempDir, arg, dd};

/// A small valid ruleset, not in canonical form.
const MESSY: &str = r#"ruleset "small" { version: "1" title: "Small" source: "Test" }
enum   Civic { open, closed }
record Country { civic_space: Civic }
facts { country: Country }
flag S3.closed { step: 3 severity: high title: "Closed" when: country.civic_space == closed }
outcomes { proceed, escalate }
disposition { when any flags(raised) => escalate  otherwise => proceed }
"#;

fn messy() -> String {
    MESSY.to_string()
}

/// [`MESSY`] in canonical form.
fn canonical() -> String {
    dd_rules::format_source(MESSY, "small.rules").expect("the ruleset formats")
}

#[cfg(unix)]
fn symlink(target: impl AsRef<Path>, link: impl AsRef<Path>) {
    std::os::unix::fs::symlink(target, link).expect("make a symbolic link");
}

#[cfg(unix)]
fn mkfifo(path: &Path) {
    let status = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo runs");
    assert!(status.success(), "mkfifo {}", path.display());
}

/// A directory with one ruleset reached by many names: a link to the
/// directory itself, a link to the file, a hard link; and a FIFO and a link
/// to `/dev/zero` whose names end in `.rules`.
#[cfg(unix)]
fn tangled(dir: &TempDir, contents: &str) -> std::path::PathBuf {
    let root = dir.join("rules");
    dir.write("rules/a.rules", contents);
    symlink(".", root.join("loop"));
    symlink("a.rules", root.join("self.rules"));
    std::fs::hard_link(root.join("a.rules"), root.join("hard.rules")).expect("hard link");
    mkfifo(&root.join("x.rules"));
    symlink("/dev/zero", root.join("zero.rules"));
    root
}

#[cfg(unix)]
#[test]
fn check_walks_a_symlink_loop_once_and_skips_fifos_and_devices() {
    let dir = TempDir::new("walk-check");
    let root = tangled(&dir, &canonical());
    let run = dd(["check", &arg(&root)]);
    run.code(0)
        .stderr_has(&format!(
            "warning: `{}` is a symbolic link to a directory; not searched",
            arg(&root.join("loop"))
        ))
        .stderr_has(&format!(
            "warning: `{}` is a FIFO, not a regular file; skipped",
            arg(&root.join("x.rules"))
        ))
        .stderr_has(&format!(
            "warning: `{}` is a character device, not a regular file; skipped",
            arg(&root.join("zero.rules"))
        ));
    // One real file, checked once, under its first name in sorted order.
    assert_eq!(run.stderr.matches(": ok: ").count(), 1, "{}", run.stderr);
    run.stderr_has(&format!("{}: ok: ", arg(&root.join("a.rules"))));
}

#[cfg(unix)]
#[test]
fn fmt_and_test_walk_a_symlink_loop_once() {
    let dir = TempDir::new("walk-fmt-test");
    let root = tangled(&dir, &messy());
    let run = dd(["fmt", "--check", &arg(&root)]);
    run.code(1);
    assert_eq!(run.stdout.lines().count(), 1, "{}", run.stdout);
    run.stderr_has("1 of 1 file(s) would be reformatted");

    dir.write(
        "rules/a.tests.json",
        r#"{"ruleset": "a.rules", "cases": [{"name": "empty", "facts": {}, "expect": {}}]}"#,
    );
    symlink("a.tests.json", root.join("b.tests.json"));
    mkfifo(&root.join("f.tests.json"));
    let run = dd(["test", &arg(&root)]);
    run.code(0)
        .stdout_has("1 passed, 0 failed")
        .stderr_has("is a FIFO, not a regular file; skipped");
}

#[cfg(unix)]
#[test]
fn a_fifo_or_device_named_explicitly_is_refused_without_blocking() {
    let dir = TempDir::new("named-fifo");
    let root = tangled(&dir, &canonical());
    let fifo = arg(&root.join("x.rules"));
    let zero = arg(&root.join("zero.rules"));
    for command in ["check", "fmt"] {
        dd([command, fifo.as_str()]).code(1).stderr_has(&format!(
            "error: cannot read `{fifo}`: it is a FIFO, not a regular file"
        ));
        dd([command, zero.as_str()]).code(1).stderr_has(&format!(
            "error: cannot read `{zero}`: it is a character device, not a regular file"
        ));
    }
    let tests = arg(&dir.join("t.tests.json"));
    mkfifo(Path::new(&tests));
    dd(["test", tests.as_str()]).code(1).stderr_has(&format!(
        "error: cannot read `{tests}`: it is a FIFO, not a regular file"
    ));
}

#[test]
fn a_file_named_twice_is_checked_once() {
    let dir = TempDir::new("named-twice");
    let file = dir.write("a.rules", canonical());
    let twice = dir.path().join(".").join("a.rules");
    let run = dd(["check", &arg(&file), &arg(&twice), &arg(dir.path())]);
    run.code(0);
    assert_eq!(run.stderr.matches(": ok: ").count(), 1, "{}", run.stderr);
}

#[test]
fn check_json_reports_an_unreadable_file_in_the_array() {
    let dir = TempDir::new("json-unreadable");
    let missing = dir.join("missing.rules");
    let run = dd(["check", "--format", "json", &arg(&missing)]);
    run.code(1);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("stdout is JSON");
    let items = json.as_array().expect("an array");
    assert_eq!(items.len(), 1, "{json}");
    assert_eq!(items[0]["severity"], "error");
    assert_eq!(items[0]["file"], arg(&missing));
    assert!(items[0]["code"].is_null());
    let message = items[0]["message"].as_str().expect("a message");
    assert!(
        message.starts_with(&format!("cannot read `{}`: ", arg(&missing))),
        "{message}"
    );
    // As in text mode, the error is on stderr too.
    run.stderr_has(&format!("error: cannot read `{}`", arg(&missing)));
}

// ---------------------------------------------------------------- test files

/// What no test file may show: the contents of a file outside its tree.
const SECRET: &str = "top-secret-marker-line";

/// A tree with a test directory and, beside it, a secret the test files
/// try to read.
fn tree_with_secret(name: &str) -> (TempDir, std::path::PathBuf) {
    let dir = TempDir::new(name);
    dir.write("secret/secret.rules", format!("{SECRET}\n"));
    dir.write("secret/secret.json", format!("{{\"{SECRET}\": 1}}\n"));
    dir.write("tree/tests/ok.rules", MESSY);
    let tree = dir.join("tree");
    (dir, tree)
}

fn test_file(ruleset: &str, facts_file: Option<&str>) -> String {
    let facts = match facts_file {
        Some(f) => format!(r#""facts_file": {f:?}"#),
        None => r#""facts": {}"#.to_string(),
    };
    format!(r#"{{"ruleset": {ruleset:?}, "cases": [{{"name": "c", {facts}, "expect": {{}}}}]}}"#)
}

#[test]
fn a_test_file_cannot_name_an_absolute_path() {
    let (dir, tree) = tree_with_secret("absolute");
    let secret = arg(&dir.join("secret/secret.rules"));
    let file = dir.write("tree/tests/abs.tests.json", test_file(&secret, None));
    dd(["test", &arg(&tree)])
        .code(1)
        .stderr_has(&format!(
            "error: the ruleset of `{}`, `{secret}`, is an absolute path; a test file names its files relative to its own directory",
            arg(&file)
        ))
        .nowhere(SECRET);
    let file = dir.write(
        "tree/tests/abs-facts.tests.json",
        test_file("ok.rules", Some("/etc/passwd")),
    );
    dd(["test", &arg(&file)])
        .code(1)
        .stdout_has("the facts file of")
        .stdout_has("`/etc/passwd`, is an absolute path")
        .nowhere("root:");
}

#[test]
fn a_test_file_cannot_leave_the_tree_given() {
    let (dir, tree) = tree_with_secret("dotdot");
    let file = dir.write(
        "tree/tests/up.tests.json",
        test_file("../../secret/secret.rules", None),
    );
    let shown_tree = arg(&tree);
    dd(["test", &shown_tree])
        .code(1)
        .stderr_has(&format!(
            "error: the ruleset of `{}`, `../../secret/secret.rules`, is outside `{shown_tree}`, the directory tree given on the command line; not read (`--root` sets a wider tree)",
            arg(&file)
        ))
        .nowhere(SECRET);
    // Named alone, a test file's tree is its own directory.
    let file = dir.write(
        "tree/tests/sub/up-one.tests.json",
        test_file("../ok.rules", None),
    );
    dd(["test", &arg(&file)])
        .code(1)
        .stderr_has("`../ok.rules`, is outside")
        .stderr_has(&format!("`{}`", arg(&tree.join("tests/sub"))));
    // `--root` widens the tree; the test file must be inside it.
    dd(["test", "--root", &shown_tree, &arg(&file)])
        .code(0)
        .stdout_has("1 passed, 0 failed");
    let outside = dir.write("elsewhere/x.tests.json", test_file("ok.rules", None));
    dd(["test", "--root", &shown_tree, &arg(&outside)])
        .code(1)
        .stderr_has("is outside")
        .stderr_has("the tree given with `--root`");
    // A facts file outside the tree is refused as a failing case.
    dir.write(
        "tree/tests/facts-up.tests.json",
        test_file("ok.rules", Some("../../secret/secret.json")),
    );
    dd(["test", &arg(&tree.join("tests/facts-up.tests.json"))])
        .code(1)
        .stdout_has("FAIL  c")
        .stdout_has("`../../secret/secret.json`, is outside")
        .nowhere(SECRET);
}

#[cfg(unix)]
#[test]
fn a_test_file_cannot_leave_the_tree_through_a_symbolic_link() {
    let (dir, tree) = tree_with_secret("link-out");
    symlink(dir.join("secret"), tree.join("tests/inside"));
    dir.write(
        "tree/tests/link.tests.json",
        test_file("inside/secret.rules", None),
    );
    dir.write(
        "tree/tests/link-facts.tests.json",
        test_file("ok.rules", Some("inside/secret.json")),
    );
    let run = dd(["test", &arg(&tree)]);
    run.code(1)
        .stderr_has("`inside/secret.rules`, is outside")
        .stderr_has("through a symbolic link")
        .stdout_has("`inside/secret.json`, is outside")
        .nowhere(SECRET);
}

// ---------------------------------------------------------------- fmt

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path)
        .expect("metadata")
        .permissions()
        .mode()
        & 0o7777
}

#[cfg(unix)]
fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

#[cfg(unix)]
#[test]
fn fmt_refuses_a_read_only_file_and_leaves_it_as_it_is() {
    let dir = TempDir::new("fmt-read-only");
    let file = dir.write("ro.rules", messy());
    set_mode(&file, 0o444);
    let inode = std::os::unix::fs::MetadataExt::ino(&std::fs::metadata(&file).unwrap());
    dd(["fmt", &arg(&file)]).code(1).stderr_has(&format!(
        "error: `{}` is read-only; not formatted",
        arg(&file)
    ));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), messy());
    assert_eq!(mode(&file), 0o444);
    assert_eq!(
        std::os::unix::fs::MetadataExt::ino(&std::fs::metadata(&file).unwrap()),
        inode,
        "the file was replaced"
    );
    // `--check` reads it and changes nothing, as for any file.
    dd(["fmt", "--check", &arg(&file)]).code(1);
}

#[cfg(unix)]
#[test]
fn fmt_keeps_permissions_and_group_and_leaves_no_temporary_file() {
    use std::os::unix::fs::MetadataExt;
    let dir = TempDir::new("fmt-mode");
    let file = dir.write("m.rules", messy());
    set_mode(&file, 0o640);
    // Another group, where the process may set one (as root, any).
    let group = 4242;
    let regrouped = std::os::unix::fs::chown(&file, None, Some(group)).is_ok();
    let before = std::fs::metadata(&file).unwrap();
    dd(["fmt", &arg(&file)]).code(0);
    let after = std::fs::metadata(&file).unwrap();
    assert_eq!(std::fs::read_to_string(&file).unwrap(), canonical());
    assert_eq!(mode(&file), 0o640);
    assert_eq!(after.uid(), before.uid());
    if regrouped {
        assert_eq!(after.gid(), group);
    }
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["m.rules"]);
}

#[cfg(unix)]
#[test]
fn fmt_does_not_follow_a_link_planted_at_its_temporary_name() {
    // The old temporary name was fixed: a link there made `fmt` write
    // through it. The new one is created afresh, never opened if it exists.
    let dir = TempDir::new("fmt-planted");
    let file = dir.write("p.rules", messy());
    let victim = dir.write("victim.txt", "untouched");
    symlink(&victim, dir.join(".p.rules.dd-rules-fmt.tmp"));
    dd(["fmt", &arg(&file)]).code(0);
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "untouched");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), canonical());
}
