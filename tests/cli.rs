//! The command line as a user meets it: exit codes, and diagnostics that
//! name file, line and column.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn rbake(args: &[&str], cwd: &Path, env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_rbake"));
    command.args(args).current_dir(cwd).env_clear().env("PATH", "/usr/bin:/bin");
    for (key, value) in env {
        command.env(key, value);
    }
    command.output().expect("cannot run rbake")
}

/// A scratch directory holding `files`.
fn scratch(name: &str, files: &[(&str, &str)]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("rbake-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    for (path, text) in files {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

#[test]
fn the_example_layer_checks_clean() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let output = rbake(&["syntax", "--check", "examples/demo-layer"], root, &[]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stdout));
    assert!(String::from_utf8_lossy(&output.stderr).contains("0 errors, 0 warnings"));
}

/// The main job: the demo build's plan for `hello` builds and stages
/// `libgreet` first: hello DEPENDS on it, and do_configure has
/// `[deptask] = "do_populate_sysroot"`.
#[test]
fn the_demo_build_plans_hello_after_libgreets_sysroot() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let output = rbake(&["--topdir", "examples/demo-build", "plan", "hello"], root, &[]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let stdout = String::from_utf8_lossy(&output.stdout);
    // Each task with the number of its batch.
    let mut batch = 0;
    let mut tasks: Vec<(&str, usize)> = Vec::new();
    for line in stdout.lines() {
        if line.starts_with("batch ") {
            batch += 1;
        } else if let Some(task) = line.strip_prefix("  ") {
            tasks.push((task, batch));
        }
    }
    let batch_of = |name: &str| {
        tasks.iter().find(|(task, _)| *task == name).map(|(_, batch)| *batch).unwrap_or_else(|| {
            panic!("{name} is not in the plan:\n{stdout}");
        })
    };
    let mut names: Vec<&str> = tasks.iter().map(|(task, _)| *task).collect();
    names.sort_unstable();
    let mut expected = Vec::new();
    for recipe in ["hello", "libgreet"] {
        for task in ["fetch", "unpack", "patch", "configure", "compile", "install"] {
            expected.push(format!("{recipe}:do_{task}"));
        }
    }
    expected.extend(
        ["libgreet:do_populate_sysroot", "hello:do_package", "hello:do_populate_sysroot"]
            .map(String::from),
    );
    expected.push("hello:do_build".to_owned());
    expected.sort_unstable();
    assert_eq!(names, expected, "{stdout}");

    assert!(batch_of("libgreet:do_populate_sysroot") < batch_of("hello:do_configure"));
    assert!(batch_of("libgreet:do_install") < batch_of("libgreet:do_populate_sysroot"));
    let chain = ["fetch", "unpack", "patch", "configure", "compile", "install", "package", "build"];
    for pair in chain.windows(2) {
        let (before, after) = (format!("hello:do_{}", pair[0]), format!("hello:do_{}", pair[1]));
        assert!(batch_of(&before) < batch_of(&after), "{before} runs before {after}:\n{stdout}");
    }
    assert_eq!(batch_of("hello:do_build"), batch, "do_build is the last batch:\n{stdout}");
}

#[test]
fn a_syntax_error_names_file_line_and_column() {
    let dir = scratch("syntax", &[("bad.bb", "A = \"1\"\n  B = \"2\"\n")]);
    let output = rbake(&["syntax", "--check", "bad.bb"], &dir, &[]);
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.starts_with("bad.bb:2:1: error: unparsed line"), "{stdout}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn recursive_expansion_names_the_chain_and_the_place() {
    let dir = scratch(
        "recursion",
        &[
            ("layer/conf/bitbake.conf", "A = \"${B}\"\nB = \"x ${C}\"\nC = \"${A}\"\n"),
            ("layer/classes/base.bbclass", ""),
        ],
    );
    let bbpath = dir.join("layer");
    let output = rbake(&["getvar", "A"], &dir, &[("BBPATH", bbpath.to_str().unwrap())]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("conf/bitbake.conf:1:1: error: A:"), "{stderr}");
    assert!(stderr.contains("A -> B -> C -> A"), "{stderr}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_missing_require_names_the_including_line() {
    let dir = scratch(
        "require",
        &[
            ("layer/conf/bitbake.conf", "A = \"1\"\n\nrequire conf/nowhere.inc\n"),
            ("layer/classes/base.bbclass", ""),
        ],
    );
    let bbpath = dir.join("layer");
    let output = rbake(&["getvar", "A"], &dir, &[("BBPATH", bbpath.to_str().unwrap())]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(
            "conf/bitbake.conf:3:1: error: could not include required file conf/nowhere.inc"
        ),
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// An exception in metadata's Python names the metadata file and the line
/// that raised it, with the Python traceback; the recipe fails and the
/// others still parse.
#[test]
fn a_python_error_names_the_metadata_line() {
    let class = "# a comment\ndef helper(d):\n    x = 1\n    return {}[\"missing\"]\n\n\
                 python () {\n    if d.getVar(\"BROKEN\"):\n        helper(d)\n}\n";
    let dir = scratch(
        "python-error",
        &[
            ("layer/conf/bitbake.conf", "BBFILES = \"${TOPDIR}/../layer/*.bb\"\n"),
            ("layer/classes/base.bbclass", class),
            ("layer/broken_1.0.bb", "BROKEN = \"1\"\n"),
            ("layer/fine_1.0.bb", "A = \"1\"\n"),
            ("build/.keep", ""),
        ],
    );
    let bbpath = dir.join("layer");
    let output = rbake(&["parse"], &dir.join("build"), &[("BBPATH", bbpath.to_str().unwrap())]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("classes/base.bbclass:4:1: error: KeyError: 'missing'"), "{stderr}");
    assert!(stderr.contains("in anonymous function (line 3 of its definition)"), "{stderr}");
    assert!(stderr.contains("in helper (line 3 of its definition)"), "{stderr}");
    assert!(stderr.contains("Parsed 2 recipes (1 variants, 1 failed)"), "{stderr}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// `getvar --value` prints the expanded value alone, inline Python run;
/// `--history` adds where each contribution came from.
#[test]
fn getvar_prints_the_value_or_its_history() {
    let dir = scratch(
        "getvar",
        &[
            ("layer/conf/bitbake.conf", "A = \"x\"\nA:append = \"${@'-' + 'y'}\"\n"),
            ("layer/classes/base.bbclass", ""),
        ],
    );
    let bbpath = dir.join("layer");
    let env = [("BBPATH", bbpath.to_str().unwrap())];
    let value = rbake(&["getvar", "A", "--value"], &dir, &env);
    assert_eq!(String::from_utf8_lossy(&value.stdout), "x-y\n");
    let history = rbake(&["getvar", "A", "--value", "--history"], &dir, &env);
    let stdout = String::from_utf8_lossy(&history.stdout);
    assert!(stdout.contains("# $A [2 operations]"), "{stdout}");
    assert!(
        stdout.contains(":append conf/bitbake.conf:2") || stdout.contains("bitbake.conf:2"),
        "{stdout}"
    );
    assert!(stdout.ends_with("A=\"x-y\"\n"), "{stdout}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// `rbake parse` gives the same answer in one process and shared out among
/// worker processes.
#[test]
fn parse_in_workers_counts_as_in_one_process() {
    let mut files = vec![
        ("layer/conf/bitbake.conf", "BBFILES = \"${TOPDIR}/../layer/*.bb\"\n".to_owned()),
        ("layer/classes/base.bbclass", "python () {\n    d.setVar(\"A\", \"1\")\n}\n".to_owned()),
        ("layer/classes/native.bbclass", "B = \"native\"\n".to_owned()),
        ("build/.keep", String::new()),
    ];
    let names: Vec<String> = (0..7).map(|i| format!("layer/r{i}_1.0.bb")).collect();
    for (i, name) in names.iter().enumerate() {
        let text = if i == 3 {
            "X = \"${@1/0}\"\nY := \"${X}\"\n"
        } else {
            "BBCLASSEXTEND = \"native\"\n"
        };
        files.push((name.as_str(), text.to_owned()));
    }
    let files: Vec<(&str, &str)> = files.iter().map(|(p, t)| (*p, t.as_str())).collect();
    let dir = scratch("parse-jobs", &files);
    let bbpath = dir.join("layer");
    let env = [("BBPATH", bbpath.to_str().unwrap())];
    let summary = |jobs: &str| {
        let output = rbake(&["parse", "-j", jobs], &dir.join("build"), &env);
        assert_eq!(output.status.code(), Some(1), "one recipe fails");
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        let last = stderr.lines().last().unwrap_or_default().to_owned();
        (
            stderr.contains("ZeroDivisionError"),
            last.split(" in ").next().unwrap_or_default().to_owned(),
        )
    };
    let single = summary("1");
    assert_eq!(single, (true, "Parsed 7 recipes (12 variants, 1 failed)".to_owned()));
    assert_eq!(summary("3"), single);
    let _ = std::fs::remove_dir_all(&dir);
}

/// `rbake sigs` writes a signature file per task, named by its taskhash;
/// after an edit, `rbake diffsigs` follows the changed dependency hashes
/// down to the variable that changed.
#[test]
fn diffsigs_traces_a_changed_taskhash_to_the_edit() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = scratch("sigs", &[]);
    let layer = dir.join("layer");
    copy_dir(&root.join("tests/data/taskhash/basic/layer"), &layer);
    let top = dir.join("top");
    std::fs::create_dir_all(&top).unwrap();
    let bbpath = layer.to_string_lossy().into_owned();
    let sigs = || rbake(&["sigs", "app", "-c", "compile"], &top, &[("BBPATH", &bbpath)]);
    assert!(sigs().status.success());
    let stamps = top.join("tmp/stamps");
    let compile_files = || -> Vec<PathBuf> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&stamps)
            .unwrap()
            .flatten()
            .map(|entry| entry.path())
            .filter(|path| path.to_string_lossy().contains("app-1.0.do_compile.sigdata."))
            .collect();
        files.sort();
        files
    };
    let before = compile_files();
    assert_eq!(before.len(), 1, "{before:?}");
    let recipe = layer.join("recipes/zlib_1.3.bb");
    let mut text = std::fs::read_to_string(&recipe).unwrap();
    text.push_str("do_install:append() {\n\techo more\n}\n");
    std::fs::write(&recipe, text).unwrap();
    assert!(sigs().status.success());
    let after: Vec<PathBuf> =
        compile_files().into_iter().filter(|file| !before.contains(file)).collect();
    assert_eq!(after.len(), 1, "a new taskhash for app's do_compile");
    let a = before[0].to_string_lossy().into_owned();
    let b = after[0].to_string_lossy().into_owned();
    let output = rbake(&["diffsigs", &a, &b], &top, &[]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("Hash for task dependency"), "{stdout}");
    assert!(stdout.contains("zlib_1.3.bb:do_install changed"), "{stdout}");
    // A function's change is shown as the lines that changed.
    assert!(stdout.contains("Variable do_install value changed:\n"), "{stdout}");
    assert!(stdout.contains("    +\techo more\n"), "{stdout}");
    let _ = std::fs::remove_dir_all(&dir);
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A recipe that fails to parse stops the plan, and its error names file,
/// line and column.
#[test]
fn a_plan_reports_a_broken_recipe_with_its_position() {
    let dir = scratch(
        "plan-parse-error",
        &[
            ("layer/conf/bitbake.conf", "BBFILES = \"${BBPATH}/recipes/*.bb\"\n"),
            ("layer/classes/base.bbclass", "addtask build\n"),
            ("layer/recipes/bad_1.0.bb", "A = \"1\"\n  B = \"2\"\n"),
            ("layer/recipes/app_1.0.bb", "DEPENDS = \"bad\"\n"),
        ],
    );
    let layer = dir.join("layer").to_string_lossy().into_owned();
    let output = rbake(&["plan", "app"], &dir, &[("BBPATH", &layer)]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("recipes/bad_1.0.bb:2:1: error: unparsed line"), "{stderr}");
    assert!(stderr.contains("ERROR: Parsing halted due to errors"), "{stderr}");
    let _ = std::fs::remove_dir_all(&dir);
}
