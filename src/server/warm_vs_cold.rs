//! Seeded random edit sequences on a copy of the example layer: after each
//! sequence, the warm workspace (revalidated against the disk, as a server
//! does before every command) must give exactly the answer of a workspace
//! made from scratch: the plan for `world` with every basehash and
//! taskhash, the planner's messages and every recipe that failed to parse.
//!
//! `RBAKE_EDIT_SEED` replays a run; the seed is printed either way.

use std::path::{Path, PathBuf};

use proptest::prelude::Rng as _;
use proptest::test_runner::{RngAlgorithm, TestRng};
use rbake_queries::multiconfig::Multiconfig;
use rbake_queries::plan::cache::provider_index;
use rbake_queries::plan::plan;
use serde_json::json;

use crate::cli::{GlobalArgs, TargetArgs};
use crate::graph_cmd::plan_json;
use crate::workspace::Workspace;

const SEQUENCES: usize = 200;

/// proptest's seeded generator, with the two choices the edits need.
struct Rng(TestRng);

impl Rng {
    fn seeded(seed: u64) -> Rng {
        Rng(seeded_rng(seed))
    }

    fn below(&mut self, n: usize) -> usize {
        (self.0.next_u64() % n as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// A ChaCha generator seeded by `seed`, so that a run can be replayed.
fn seeded_rng(seed: u64) -> TestRng {
    let mut bytes = [0u8; 32];
    bytes[..8].copy_from_slice(&seed.to_le_bytes());
    TestRng::from_seed(RngAlgorithm::ChaCha, &bytes)
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Files an edit may touch, relative to the layer.
const RECIPES: &[&str] = &[
    "recipes-apps/hello/hello_1.0.bb",
    "recipes-apps/wc-lite/wc-lite_0.3.bb",
    "recipes-core/libgreet/libgreet_1.0.bb",
    "recipes-core/base-files/base-files_1.0.bb",
];
const APPENDS: &[&str] =
    &["recipes-apps/hello/hello_%.bbappend", "recipes-core/libgreet/libgreet_1.0.bbappend"];
const INCLUDES: &[&str] = &["recipes-apps/hello/extra.inc", "classes/extra.inc"];
const CLASSES: &[&str] = &["classes/base.bbclass", "classes/local.bbclass"];
const SOURCES: &[&str] = &[
    "recipes-apps/hello/files/hello.c",
    "recipes-apps/hello/hello-1.0/hello.c",
    "recipes-apps/hello/hello/hello.c",
    "recipes-core/libgreet/files/greet.h",
];
/// Files the layer needs (deleting them fails every parse or fetch).
const NEEDED: &[&str] = &[
    "classes/base.bbclass",
    "recipes-apps/hello/files/hello.c",
    "recipes-core/libgreet/files/greet.h",
];
const LINES: &[&str] = &[
    "EXTRA_OEMAKE += \"R=1\"\n",
    "EXTRA_OEMAKE:append = \" S=2\"\n",
    "SUMMARY = \"changed\"\n",
    "DEPENDS += \"libgreet\"\n",
    "LOCAL_FLAGS = \"-g\"\nEXTRA_OEMAKE += \"${LOCAL_FLAGS}\"\n",
    "do_install:append() {\n\ttrue\n}\n",
    "include extra.inc\n",
    "include classes/extra.inc\n",
    "inherit local\n",
    "PR = \"r1\"\n",
    // Names nothing reads, which parses take in without parsing again.
    "UNREAD_BY_ANY = \"1\"\n",
    "UNREAD_BY_ANY ?= \"2\"\n",
];

/// Whether a line keeps the layer buildable in this file: classes that
/// every recipe inherits take no dependencies or inherits (a class there
/// may be deleted, and libgreet may not depend on itself), and includes do
/// not include themselves.
fn fits(file: &str, line: &str) -> bool {
    let risky = line.starts_with("DEPENDS") || line.starts_with("inherit");
    let recursive = line.starts_with("include") && file.ends_with(".inc");
    (!risky || file.starts_with("recipes-apps/")) && !recursive
}

/// Applies one random edit under `layer`, and says what it did.
fn random_edit(rng: &mut Rng, layer: &Path) -> String {
    let file = match rng.below(5) {
        0 => rng.pick(RECIPES),
        1 => rng.pick(APPENDS),
        2 => rng.pick(INCLUDES),
        3 => rng.pick(CLASSES),
        _ => rng.pick(SOURCES),
    };
    let path = layer.join(file);
    let old = std::fs::read_to_string(&path).ok();
    let protected = NEEDED.contains(&file) || RECIPES.contains(&file);
    // Digits outside lines that name files, which a rewrite would break
    // for good.
    let mut digits = Vec::new();
    let mut offset = 0;
    for line in old.as_deref().unwrap_or_default().split_inclusive('\n') {
        if !line.contains("file://") && !line.contains(".patch") {
            let found = line.bytes().enumerate().filter(|(_, byte)| byte.is_ascii_digit());
            digits.extend(found.map(|(at, _)| offset + at));
        }
        offset += line.len();
    }
    let appended =
        LINES.iter().find(|line| old.as_deref().is_some_and(|text| text.ends_with(**line)));
    match (rng.below(4), &old) {
        (0, Some(_)) if !protected => {
            std::fs::remove_file(&path).unwrap();
            format!("delete {file}")
        }
        (1, Some(text)) if !digits.is_empty() => {
            // Same size: one digit changed, in the same clock tick.
            let mut bytes = text.clone().into_bytes();
            let at = digits[rng.below(digits.len())];
            bytes[at] = b'0' + (bytes[at] - b'0' + 1) % 10;
            std::fs::write(&path, bytes).unwrap();
            format!("rewrite {file} at {at}")
        }
        (2, Some(text)) if appended.is_some() => {
            let line = appended.unwrap();
            std::fs::write(&path, &text[..text.len() - line.len()]).unwrap();
            format!("take {line:?} back from {file}")
        }
        _ => {
            let line = loop {
                let line = if SOURCES.contains(&file) { "/* edited */\n" } else { rng.pick(LINES) };
                if fits(file, line) {
                    break line;
                }
            };
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, old.unwrap_or_default() + line).unwrap();
            format!("append {line:?} to {file}")
        }
    }
}

/// Everything a command would tell the user about `world`.
fn answer(workspace: &Workspace) -> String {
    let db = &workspace.db;
    let config = workspace.config();
    if config.failed {
        let messages: Vec<&str> = config.diagnostics.iter().map(|d| d.message.as_str()).collect();
        return format!("configuration failed: {messages:?}");
    }
    let targets = TargetArgs {
        targets: vec!["world".to_owned()],
        task: None,
        runall: Vec::new(),
        runonly: Vec::new(),
        ignore_deps: Vec::new(),
        timings: false,
    };
    let request = targets.request(db, false);
    let outcome = plan(db, workspace.invocation, request);
    let index = provider_index(db, workspace.invocation, Multiconfig::new(db, String::new()));
    let failures: Vec<String> = index
        .failures
        .iter()
        .flat_map(|(path, diagnostics)| {
            diagnostics.iter().map(move |d| format!("{}: {}", path.display(), d.message))
        })
        .collect();
    let messages: Vec<String> = outcome.messages.iter().map(|m| format!("{m:?}")).collect();
    let plan = outcome.plan.as_ref().map(|plan| plan_json(workspace, plan, request, true));
    serde_json::to_string_pretty(
        &json!({ "plan": plan, "messages": messages, "failures": failures }),
    )
    .unwrap()
}

fn open(build: &Path) -> Workspace {
    let global =
        GlobalArgs { topdir: Some(build.to_path_buf()), read: Vec::new(), postread: Vec::new() };
    let env = vec![("PATH".to_owned(), "/usr/bin:/bin".to_owned())];
    Workspace::new(&global, env).unwrap()
}

#[test]
fn warm_answers_equal_cold_ones_after_random_edit_sequences() {
    let seed = std::env::var("RBAKE_EDIT_SEED")
        .ok()
        .and_then(|seed| seed.parse().ok())
        .unwrap_or_else(|| std::process::id() as u64 ^ 0x5eed);
    println!("RBAKE_EDIT_SEED={seed}");
    let mut rng = Rng::seeded(seed);
    let top: PathBuf = std::env::temp_dir().join(format!("rbake-warm-cold-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&top);
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    copy_tree(&root.join("examples/demo-layer"), &top.join("demo-layer"));
    std::fs::create_dir_all(top.join("build/conf")).unwrap();
    std::fs::copy(
        root.join("examples/demo-build/conf/bblayers.conf"),
        top.join("build/conf/bblayers.conf"),
    )
    .unwrap();
    let layer = top.join("demo-layer");
    let mut warm = open(&top.join("build"));
    answer(&warm);
    let mut changed = 0;
    for sequence in 0..SEQUENCES {
        let edits: Vec<String> =
            (0..1 + rng.below(3)).map(|_| random_edit(&mut rng, &layer)).collect();
        let before = answer(&warm);
        warm.system.clone().revalidate(&mut warm.db);
        let warm_answer = answer(&warm);
        let cold_answer = answer(&open(&top.join("build")));
        assert!(
            warm_answer == cold_answer,
            "seed {seed}, sequence {sequence}: {edits:?}\nwarm:\n{warm_answer}\ncold:\n{cold_answer}"
        );
        changed += usize::from(before != warm_answer);
        if std::env::var_os("RBAKE_EDIT_DEBUG").is_some() {
            println!(
                "{sequence}: {edits:?} -> {}",
                &warm_answer.replace(char::is_whitespace, "")
                    [..200.min(warm_answer.replace(char::is_whitespace, "").len())]
            );
        }
    }
    let _ = std::fs::remove_dir_all(&top);
    // The edits must have mattered, or the comparison proved nothing.
    assert!(changed > SEQUENCES / 4, "only {changed} of {SEQUENCES} sequences changed the answer");
}
