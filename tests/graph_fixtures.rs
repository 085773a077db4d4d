//! `rbake graph` and `rbake show-versions` against the outputs of the real
//! BitBake (`bitbake -g`, `bitbake -s`) checked in under
//! `tests/data/graph/` (see its README): the normalised graph, the sorted
//! messages and the exit status of every case must be the same.

mod common;

use std::path::Path;
use std::process::Command;

use common::{root, FIXED_PATH};

/// Runs one case; returns what differs, if anything.
fn check_case(case: &Path) -> Option<String> {
    let command = std::fs::read_to_string(case.join("command")).expect("the case's command");
    let args: Vec<&str> = command.split_whitespace().collect();
    let layer = std::path::absolute(case.join("layer")).expect("an absolute layer path");
    let topdir = tempfile_dir(case);
    let mut rbake = Command::new(env!("CARGO_BIN_EXE_rbake"));
    rbake.env_clear().env("PATH", FIXED_PATH).env("BBPATH", &layer).current_dir(&topdir);
    match args.split_first() {
        Some((&"-g", rest)) => rbake.arg("graph").args(rest),
        Some((&"-s", [])) => rbake.arg("show-versions"),
        _ => panic!("{}: unknown command {command:?}", case.display()),
    };
    let output = rbake.output().expect("cannot run rbake");
    let stderr = String::from_utf8_lossy(&output.stderr);
    let mut problems = Vec::new();

    let (expected_messages, expected_exit) = expected_messages(case);
    let layer_text = layer.to_string_lossy().into_owned();
    let topdir_text = topdir.to_string_lossy().into_owned();
    let messages = messages(&stderr, &layer_text, &topdir_text);
    if messages != expected_messages {
        problems.push(format!(
            "messages differ:\n--- BitBake\n{}\n--- rbake\n{}",
            expected_messages.join("\n"),
            messages.join("\n")
        ));
    }
    let exit = output.status.code().unwrap_or(-1);
    if (exit == 0) != (expected_exit == 0) {
        problems.push(format!("exit status {exit}, BitBake's {expected_exit}"));
    }

    let expected = case.join("expected.txt");
    if args[0] == "-s" {
        let expected = std::fs::read_to_string(&expected).expect("expected.txt");
        let actual = String::from_utf8_lossy(&output.stdout);
        if actual.trim_end() != expected.trim_end() {
            problems.push(format!("table differs:\n--- BitBake\n{expected}--- rbake\n{actual}"));
        }
    } else if expected.exists() {
        let normalized = Command::new("python3")
            .arg(root().join("scripts/normalize-graph.py"))
            .arg(&topdir)
            .arg("--strip-prefix")
            .arg(&layer)
            .output()
            .expect("cannot run scripts/normalize-graph.py");
        let actual = String::from_utf8_lossy(&normalized.stdout);
        let expected = std::fs::read_to_string(&expected).expect("expected.txt");
        if !normalized.status.success() || actual != expected {
            problems.push(format!(
                "graph differs:\n{}",
                line_diff(&expected, &actual, &String::from_utf8_lossy(&normalized.stderr))
            ));
        }
    }
    let _ = std::fs::remove_dir_all(&topdir);
    (!problems.is_empty()).then(|| format!("{}:\n{}", case.display(), problems.join("\n")))
}

/// A fresh scratch directory for a case, used as TOPDIR.
fn tempfile_dir(case: &Path) -> std::path::PathBuf {
    let name = case.file_name().unwrap_or_default().to_string_lossy();
    let dir = std::env::temp_dir().join(format!("rbake-graph-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a scratch directory");
    dir
}

/// The expected messages, sorted, and BitBake's exit status.
fn expected_messages(case: &Path) -> (Vec<String>, i32) {
    let text =
        std::fs::read_to_string(case.join("expected-messages.txt")).expect("expected-messages.txt");
    let mut exit = 0;
    let mut body = String::new();
    for line in text.lines() {
        match line.strip_prefix("exit: ") {
            Some(status) => exit = status.trim().parse().expect("an exit status"),
            None => {
                body.push_str(line);
                body.push('\n');
            }
        }
    }
    let mut messages = group(&body);
    messages.sort();
    (messages, exit)
}

/// rbake's messages, with paths written as the fixtures write them, and
/// the lines the fixtures leave out dropped; sorted.
fn messages(stderr: &str, layer: &str, topdir: &str) -> Vec<String> {
    let text = stderr.replace(layer, "<root>").replace(topdir, "<topdir>");
    let mut messages: Vec<String> = group(&text)
        .into_iter()
        .filter(|message| {
            !message.starts_with("NOTE: PN build list saved")
                && !message.starts_with("NOTE: Task dependencies saved")
        })
        .collect();
    messages.sort();
    messages
}

/// Splits console output into messages: each starts with a level, and
/// takes the lines that follow until the next; trailing blank lines go.
fn group(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for line in text.lines() {
        let starts = ["NOTE: ", "WARNING: ", "ERROR: "].iter().any(|level| line.starts_with(level));
        match out.last_mut() {
            Some(last) if !starts => {
                last.push('\n');
                last.push_str(line);
            }
            _ => out.push(line.to_owned()),
        }
    }
    out.iter().map(|message| message.trim_end_matches('\n').to_owned()).collect()
}

/// The lines only one side has.
fn line_diff(expected: &str, actual: &str, stderr: &str) -> String {
    let missing: Vec<&str> =
        expected.lines().filter(|line| !actual.lines().any(|l| l == *line)).collect();
    let extra: Vec<&str> =
        actual.lines().filter(|line| !expected.lines().any(|l| l == *line)).collect();
    format!(
        "only BitBake's ({}):\n{}\nonly rbake's ({}):\n{}\n{stderr}",
        missing.len(),
        missing.iter().take(30).copied().collect::<Vec<_>>().join("\n"),
        extra.len(),
        extra.iter().take(30).copied().collect::<Vec<_>>().join("\n")
    )
}

#[test]
fn graphs_and_versions_match_bitbake() {
    let dir = root().join("tests/data/graph");
    let mut cases: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/data/graph")
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.join("command").exists())
        .collect();
    cases.sort();
    assert!(cases.len() >= 20, "expected the graph fixtures, found {}", cases.len());
    let failures: Vec<String> = cases.iter().filter_map(|case| check_case(case)).collect();
    assert!(
        failures.is_empty(),
        "{} of {} cases differ:\n\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
}
