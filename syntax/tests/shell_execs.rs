//! `shell_execs` against BitBake's ShellParser on the snippets in
//! tests/data/shell: expected.json holds, for each file, the sorted commands
//! ShellParser finds in it or `{"error": true}` where it refuses the text
//! (made by scripts/shell-execs-reference.py with the reference library).

use std::collections::BTreeSet;
use std::path::Path;

use rbake_syntax::shell::shell_execs;

#[test]
fn snippets_match_bitbake() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/shell");
    let expected = std::fs::read_to_string(dir.join("expected.json")).expect("expected.json");
    let expected: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(&expected).expect("expected.json is a JSON object");

    let mut snippets: Vec<String> = std::fs::read_dir(&dir)
        .expect("tests/data/shell")
        .map(|entry| entry.expect("directory entry").file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".sh"))
        .collect();
    snippets.sort();
    let listed: BTreeSet<&String> = expected.keys().collect();
    assert_eq!(listed, snippets.iter().collect(), "expected.json lists exactly the .sh files");

    let mut failures = Vec::new();
    for name in &snippets {
        let text = std::fs::read_to_string(dir.join(name)).expect("snippet");
        let actual = shell_execs(&text);
        let ok = match &expected[name] {
            serde_json::Value::Array(names) => {
                let names: BTreeSet<String> =
                    names.iter().map(|name| name.as_str().expect("a name").to_string()).collect();
                actual.as_ref().is_ok_and(|actual| *actual == names)
            }
            _ => actual.is_err(),
        };
        if !ok {
            failures.push(format!("{name}: expected {}, got {actual:?}", expected[name]));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} snippets differ:\n{}",
        failures.len(),
        snippets.len(),
        failures.join("\n")
    );
}
