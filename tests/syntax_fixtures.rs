//! The data-driven syntax corpus: every file under `tests/data/syntax/` is
//! parsed, checked to round-trip losslessly, and snapshotted (its tree and
//! its diagnostics) under `snapshots/syntax/`.
//!
//! - `ok/` holds files BitBake accepts: they must parse with no diagnostic.
//! - `warn/` holds files BitBake accepts with a warning: no error, at least
//!   one warning.
//! - `err/` holds files BitBake refuses: at least one error.
//!
//! A fixture whose first line starts with `# FIXME` records a known
//! disagreement between the parser and BitBake: it sits in the directory of
//! BitBake's verdict, its snapshot records today's answer, and the harness
//! does not hold it to its directory's promise (nor to diagnostics on
//! character boundaries). It must still round-trip and not panic.
//!
//! The file's extension picks the reader, as `FileKind::from_path` does.
//! Cases too big to commit (megabyte lines, deep nesting) are generated in
//! `generated_err_cases` and `generated_ok_cases` and checked without a
//! snapshot.

use std::fmt::Write as _;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use rbake_syntax::{FileKind, LineIndex, Parse, Severity};

/// What a directory of fixtures promises about its files.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Expect {
    /// No diagnostic at all.
    Clean,
    /// Warnings, but no error.
    Warnings,
    /// At least one error.
    Errors,
}

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/syntax")
}

/// The fixture files of one directory, sorted by name.
fn fixtures(dir: &str) -> Vec<PathBuf> {
    let dir = corpus_dir().join(dir);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", dir.display()))
        .map(|entry| entry.expect("a readable directory entry").path())
        .filter(|path| path.is_file())
        .collect();
    files.sort();
    files
}

/// Escapes control characters, so that a diagnostic quoting a line with a
/// NUL or a carriage return stays on one readable line.
fn escape_controls(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    for c in message.chars() {
        if c.is_control() {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        } else {
            out.push(c);
        }
    }
    out
}

/// The diagnostics as `line:col: severity: message`, 1-based.
fn render_diagnostics(text: &str, parse: &Parse) -> String {
    let index = LineIndex::new(text);
    let mut out = String::new();
    for error in parse.errors() {
        let at = index.line_col(text, error.range.start());
        let _ = writeln!(
            out,
            "{}:{}: {}: {}",
            at.line + 1,
            at.col + 1,
            error.severity,
            escape_controls(&error.message)
        );
    }
    out
}

/// The snapshot text: the tree, then the diagnostics.
fn render(text: &str, parse: &Parse) -> String {
    let mut out = parse.debug_tree();
    out.push_str("---- diagnostics ----\n");
    let diagnostics = render_diagnostics(text, parse);
    if diagnostics.is_empty() {
        out.push_str("(none)\n");
    } else {
        out.push_str(&diagnostics);
    }
    out
}

/// Checks that hold for every parse: the tree reproduces the text and every
/// diagnostic lies within it (on character boundaries, if `boundaries`).
fn check_invariants(
    bytes: &[u8],
    text: &str,
    parse: &Parse,
    boundaries: bool,
) -> Result<(), String> {
    let expected_text = String::from_utf8_lossy(bytes);
    if text != expected_text {
        return Err("parse_bytes returned text that is not the lossy decoding of the input".into());
    }
    let tree_text = parse.syntax_node().text().to_string();
    if tree_text != text {
        return Err(format!(
            "the tree is not lossless:\n  input: {text:?}\n  tree:  {tree_text:?}"
        ));
    }
    let len = text.len();
    for error in parse.errors() {
        let (start, end) = (usize::from(error.range.start()), usize::from(error.range.end()));
        if start > end || end > len {
            return Err(format!("diagnostic {:?} lies outside the text (length {len})", error));
        }
        if boundaries && (!text.is_char_boundary(start) || !text.is_char_boundary(end)) {
            return Err(format!("diagnostic {error:?} does not lie on character boundaries"));
        }
    }
    Ok(())
}

fn check_expectation(
    expect: Expect,
    parse: &Parse,
    rendered_diagnostics: &str,
) -> Result<(), String> {
    let errors = parse.errors().iter().filter(|error| error.severity == Severity::Error).count();
    let warnings = parse.errors().len() - errors;
    let ok = match expect {
        Expect::Clean => parse.errors().is_empty(),
        Expect::Warnings => errors == 0 && warnings > 0,
        Expect::Errors => errors > 0,
    };
    if ok {
        Ok(())
    } else {
        Err(format!(
            "expected {expect:?}, got {errors} error(s) and {warnings} warning(s):\n{rendered_diagnostics}"
        ))
    }
}

/// Parses, checks and snapshots one fixture.
fn run_fixture(dir: &str, path: &Path, expect: Expect) -> Result<(), String> {
    let bytes = std::fs::read(path).map_err(|error| format!("cannot read: {error}"))?;
    let kind = FileKind::from_path(path);
    let (text, parse) = panic::catch_unwind(|| rbake_syntax::parse_bytes(&bytes, kind))
        .map_err(|_| "the parser panicked".to_string())?;
    let known_issue = bytes.starts_with(b"# FIXME");
    check_invariants(&bytes, &text, &parse, !known_issue)?;
    if !known_issue {
        check_expectation(expect, &parse, &render_diagnostics(&text, &parse))?;
    }

    let file_name =
        path.file_name().and_then(|name| name.to_str()).ok_or("the fixture name is not UTF-8")?;
    let rendered = render(&text, &parse);
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../snapshots/syntax");
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings.set_input_file(path);
    settings.set_description(format!("{kind:?}: tests/data/syntax/{dir}/{file_name}"));
    let snapshot_name = format!("{dir}__{file_name}");
    panic::catch_unwind(AssertUnwindSafe(|| {
        settings.bind(|| insta::assert_snapshot!(snapshot_name, rendered));
    }))
    .map_err(|_| "the snapshot does not match (see the diff above)".to_string())
}

/// Runs every fixture of `dir`, and reports all failures at once.
fn run_directory(dir: &str, expect: Expect, at_least: usize) {
    let files = fixtures(dir);
    assert!(
        files.len() >= at_least,
        "tests/data/syntax/{dir} should hold at least {at_least} fixtures, it holds {}",
        files.len()
    );
    let mut failures = Vec::new();
    for path in &files {
        if let Err(message) = run_fixture(dir, path, expect) {
            failures.push(format!("{}: {message}", path.display()));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} fixtures in tests/data/syntax/{dir} failed:\n{}",
        failures.len(),
        files.len(),
        failures.join("\n")
    );
}

#[test]
fn ok_fixtures() {
    run_directory("ok", Expect::Clean, 40);
}

#[test]
fn warn_fixtures() {
    run_directory("warn", Expect::Warnings, 1);
}

#[test]
fn err_fixtures() {
    run_directory("err", Expect::Errors, 55);
}

/// Every snapshot belongs to a fixture, so that a renamed or deleted fixture
/// does not leave its old snapshot behind.
#[test]
fn no_orphan_snapshots() {
    let snapshots = Path::new(env!("CARGO_MANIFEST_DIR")).join("snapshots/syntax");
    let Ok(entries) = std::fs::read_dir(&snapshots) else {
        return;
    };
    let mut orphans = Vec::new();
    for entry in entries {
        let name = entry.expect("a readable directory entry").file_name();
        let name = name.to_string_lossy();
        let Some(stem) = name.strip_suffix(".snap") else {
            continue;
        };
        let fixture = stem.split_once("__").map(|(dir, file)| corpus_dir().join(dir).join(file));
        if !fixture.is_some_and(|path| path.is_file()) {
            orphans.push(name.into_owned());
        }
    }
    orphans.sort();
    assert!(
        orphans.is_empty(),
        "snapshots without a fixture in tests/data/syntax (delete them): {orphans:?}"
    );
}

/// Inputs too large to commit. Each must give an error, round-trip, and not
/// panic; their trees are too big to snapshot.
#[test]
fn generated_err_cases() {
    const MB: usize = 1 << 20;
    let cases: Vec<(&str, FileKind, String)> = vec![
        (
            "a 1 MB line with no closing quote",
            FileKind::Recipe,
            format!("A = \"{}\n", "x".repeat(MB)),
        ),
        ("a 1 MB line of words", FileKind::Conf, "word ".repeat(MB / 5) + "\n"),
        (
            "10,000 nested ${ on a line of their own",
            FileKind::Recipe,
            format!("{}A{}\n", "${".repeat(10_000), "}".repeat(10_000)),
        ),
        (
            "10,000 unclosed ${ in a value with no closing quote",
            FileKind::Recipe,
            format!("A = \"{}\n", "${".repeat(10_000)),
        ),
        ("many ${@ without a closing brace", FileKind::Recipe, "${@".repeat(100_000) + "\n"),
        (
            "many ${@ without a closing brace, in a .conf file",
            FileKind::Conf,
            format!("A = \"{}\n", "${@".repeat(100_000)),
        ),
        ("a line of 1 MB of {", FileKind::Recipe, "{".repeat(MB) + "\n"),
        ("a 1 MB function header", FileKind::Recipe, format!("do_{} () {{\n", "x{".repeat(MB / 2))),
        (
            "10,000 lines continued with a backslash, left open at the end",
            FileKind::Recipe,
            "A = \"x \\\n".repeat(10_000),
        ),
        ("10,000 unclosed function headers", FileKind::Recipe, "do_x () {\n".repeat(10_000)),
    ];
    check_generated(&cases, Expect::Errors);
}

/// Large inputs that BitBake accepts: still no diagnostic, and no panic.
#[test]
fn generated_ok_cases() {
    const MB: usize = 1 << 20;
    let cases: Vec<(&str, FileKind, String)> = vec![
        ("a 1 MB value", FileKind::Recipe, format!("A = \"{}\"\n", "x".repeat(MB))),
        (
            "10,000 nested ${ inside a value (literal text for BitBake)",
            FileKind::Recipe,
            format!("A = \"{}B{}\"\n", "${".repeat(10_000), "}".repeat(10_000)),
        ),
        (
            "many ${@ without a closing brace, inside a value",
            FileKind::Conf,
            format!("A = \"{}\"\n", "${@".repeat(100_000)),
        ),
        (
            "many ${@ whose only closing braces close references",
            FileKind::Conf,
            format!("A = \"{}\"\n", "${@${B}".repeat(100_000)),
        ),
        ("1 MB of { inside a value", FileKind::Recipe, format!("A = \"{}\"\n", "{".repeat(MB))),
        (
            "a value continued over 10,000 lines",
            FileKind::Recipe,
            format!("A = \"{}x\"\n", "x \\\n".repeat(10_000)),
        ),
        (
            "a function with 10,000 body lines",
            FileKind::Recipe,
            format!("do_x () {{\n{}}}\n", "    echo ${A} ${@d.getVar('B')}\n".repeat(10_000)),
        ),
    ];
    check_generated(&cases, Expect::Clean);
}

/// An expression that holds the next `${@`, 50,000 deep: the lexer does not
/// recurse into inline Python, so the depth costs no stack.
#[test]
fn deeply_nested_inline_python() {
    // `${@{x}${@{x}...`: every expression runs to the end of the value and
    // holds the next. 10,000 levels overflow a 2 MiB stack in a debug build.
    let text = format!("A = \"{}\"\n", "${@{x}".repeat(50_000));
    let parse = rbake_syntax::parse(&text, FileKind::Recipe);
    check_invariants(text.as_bytes(), &text, &parse, true).unwrap();
}

/// Parses each generated case without panicking and checks the tree and
/// the diagnostics, collecting every failure.
fn check_generated(cases: &[(&str, FileKind, String)], expect: Expect) {
    let mut failures = Vec::new();
    for (name, kind, text) in cases {
        let Ok(parse) = panic::catch_unwind(|| rbake_syntax::parse(text, *kind)) else {
            failures.push(format!("{name}: the parser panicked"));
            continue;
        };
        if let Err(message) = check_invariants(text.as_bytes(), text, &parse, true) {
            failures.push(format!("{name}: {message}"));
        }
        match expect {
            Expect::Errors if !parse.has_errors() => {
                failures.push(format!("{name}: expected an error diagnostic, got none"));
            }
            Expect::Clean if !parse.errors().is_empty() => failures.push(format!(
                "{name}: expected no diagnostic, got {:?}",
                parse.errors().iter().take(3).collect::<Vec<_>>()
            )),
            _ => {}
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
