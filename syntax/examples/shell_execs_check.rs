//! Compares `shell_execs` with BitBake's ShellParser on recorded bodies.
//!
//! Reads the JSON lines written by `scripts/shell-execs-oe-core.py`, each
//! `{"body": TEXT, "execs": [NAMES] or null}` where null means BitBake refused
//! the body, runs `rbake_syntax::shell::shell_execs` on every body and prints
//! how many agree, then the first 20 differences with what each side has that
//! the other lacks. Exits with 1 if any body differs.
//!
//! Usage: cargo run -p rbake-syntax --example shell_execs_check -- FILE.jsonl

use std::collections::BTreeSet;
use std::process::ExitCode;

use rbake_syntax::shell::shell_execs;

/// How many differences are shown in full.
const SHOWN: usize = 20;

fn main() -> ExitCode {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: shell_execs_check FILE.jsonl");
        return ExitCode::from(2);
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(error) => {
            eprintln!("{path}: {error}");
            return ExitCode::from(2);
        }
    };
    let mut equal = 0;
    let mut differences = Vec::new();
    for (number, line) in text.lines().enumerate().filter(|(_, line)| !line.trim().is_empty()) {
        let record: serde_json::Value = match serde_json::from_str(line) {
            Ok(record) => record,
            Err(error) => {
                eprintln!("{path}:{}: {error}", number + 1);
                return ExitCode::from(2);
            }
        };
        let body = record["body"].as_str().unwrap_or_default();
        let expected: Option<BTreeSet<String>> = record["execs"].as_array().map(|names| {
            names.iter().filter_map(|name| name.as_str().map(str::to_string)).collect()
        });
        let actual = shell_execs(body);
        let same = match (&expected, &actual) {
            (Some(expected), Ok(actual)) => expected == actual,
            (None, Err(_)) => true,
            _ => false,
        };
        if same {
            equal += 1;
        } else {
            differences.push((number + 1, body.to_string(), expected, actual));
        }
    }
    let total = equal + differences.len();
    println!("{equal} equal, {} different, of {total} bodies", differences.len());
    for (line, body, expected, actual) in differences.iter().take(SHOWN) {
        println!("--- {path}:{line}");
        match (expected, actual) {
            (Some(expected), Ok(actual)) => {
                println!("  only BitBake: {:?}", expected.difference(actual).collect::<Vec<_>>());
                println!("  only rbake:   {:?}", actual.difference(expected).collect::<Vec<_>>());
            }
            (Some(_), Err(error)) => println!("  BitBake parses it, rbake fails: {error}"),
            (None, Ok(actual)) => println!("  BitBake fails, rbake finds {actual:?}"),
            (None, Err(_)) => {}
        }
        let excerpt: String = body.chars().take(400).collect();
        println!("  body: {excerpt:?}");
    }
    if differences.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
