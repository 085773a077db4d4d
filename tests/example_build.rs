//! The README's main job, end to end: `rbake build demo-image` on a copy of
//! the example layer really builds, a second run runs nothing, a build
//! after `rm -rf tmp` restores from shared state without compiling, and an
//! edit to one recipe's do_compile reruns exactly that task and what
//! depends on it.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{root, FIXED_PATH};

/// A copy of `examples/` in a scratch directory.
struct Example {
    dir: PathBuf,
}

impl Example {
    fn new(name: &str) -> Example {
        let dir = std::env::temp_dir().join(format!("rbake-example-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("a scratch directory");
        for part in ["demo-layer", "demo-build"] {
            let status = Command::new("cp")
                .arg("-r")
                .arg(root().join("examples").join(part))
                .arg(&dir)
                .status()
                .expect("cp");
            assert!(status.success());
        }
        // A copy of a checkout that was built in holds its outputs.
        for output in ["tmp", "sstate-cache", "downloads", "cache"] {
            let _ = std::fs::remove_dir_all(dir.join("demo-build").join(output));
        }
        Example { dir }
    }

    fn build_dir(&self) -> PathBuf {
        self.dir.join("demo-build")
    }

    /// `rbake build ARGS`, which must succeed; its standard output.
    fn build(&self, args: &[&str]) -> String {
        let output = Command::new(env!("CARGO_BIN_EXE_rbake"))
            .env_clear()
            .env("PATH", FIXED_PATH)
            .env("HOME", &self.dir)
            .arg("--topdir")
            .arg(self.build_dir())
            .arg("build")
            .args(args)
            .output()
            .expect("cannot run rbake");
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "rbake build {args:?} failed:\n{stdout}{stderr}");
        stdout
    }

    fn plan_json(&self) -> serde_json::Value {
        let output = Command::new(env!("CARGO_BIN_EXE_rbake"))
            .env_clear()
            .env("PATH", FIXED_PATH)
            .arg("--topdir")
            .arg(self.build_dir())
            .args(["plan", "--json", "demo-image"])
            .output()
            .expect("cannot run rbake");
        serde_json::from_slice(&output.stdout).expect("the plan as JSON")
    }
}

impl Drop for Example {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The task ids a build's output says it attempted (run, or noexec).
fn attempted(stdout: &str) -> BTreeSet<String> {
    stdout
        .lines()
        .filter(|line| {
            line.starts_with("NOTE: Running task ")
                || line.starts_with("NOTE: Running noexec task ")
        })
        .filter_map(|line| Some(line.rsplit_once(" (")?.1.trim_end_matches(')').to_owned()))
        .collect()
}

fn summary(stdout: &str) -> String {
    stdout.lines().find(|line| line.contains("Tasks Summary")).unwrap_or_default().to_owned()
}

fn file_digest(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

#[test]
fn the_example_builds_rebuilds_restores_and_reruns_what_an_edit_touches() {
    let example = Example::new("main");
    let first = example.build(&["demo-image"]);
    assert!(
        summary(&first).contains("of which 0 didn't need to be rerun and all succeeded"),
        "{first}"
    );
    let images = example.build_dir().join("tmp/deploy/images");
    let tar_gz = file_digest(&images.join("demo-image.tar.gz"));
    assert!(images.join("demo-image.tar.xz").exists());

    // The patched program, built from its local sources, runs.
    let hello = example.build_dir().join("tmp/work/hello-1.0-r0/image/usr/bin/hello");
    let greeting = Command::new(&hello).arg("rbake").output().expect("the built hello runs");
    assert!(String::from_utf8_lossy(&greeting.stdout).contains("rbake"), "{greeting:?}");

    // A second run runs nothing.
    let second = example.build(&["demo-image"]);
    assert!(attempted(&second).is_empty(), "{second}");
    let total = attempted(&first).len();
    assert!(
        summary(&second).contains(&format!("Attempted {total} tasks of which {total} didn't need")),
        "{second}"
    );

    // An edit to hello's do_compile reruns it and exactly what depends on it.
    let recipe = example.dir.join("demo-layer/recipes-apps/hello/hello_1.0.bb");
    let mut text = std::fs::read_to_string(&recipe).expect("hello's recipe");
    text.push_str("\ndo_compile:append() {\n\techo edited > ${B}/edited\n}\n");
    std::fs::write(&recipe, text).expect("edit hello's recipe");
    let edited = example.build(&["demo-image"]);
    // The edit changes no installed file, so the image is the same.
    assert_eq!(file_digest(&images.join("demo-image.tar.gz")), tar_gz);
    let plan = example.plan_json();
    let tasks = plan["tasks"].as_array().expect("tasks");
    let compile = tasks
        .iter()
        .find(|task| task["pn"] == "hello" && task["task"] == "do_compile")
        .and_then(|task| task["id"].as_str())
        .expect("hello's do_compile in the plan")
        .to_owned();
    let mut downstream = BTreeSet::from([compile.clone()]);
    loop {
        let before = downstream.len();
        for task in tasks {
            let depends = task["depends"].as_array().into_iter().flatten();
            if depends.filter_map(|dep| dep.as_str()).any(|dep| downstream.contains(dep)) {
                downstream.insert(task["id"].as_str().unwrap_or_default().to_owned());
            }
        }
        if downstream.len() == before {
            break;
        }
    }
    assert_eq!(attempted(&edited), downstream, "{edited}");

    // Without tmp, shared state restores the outputs; nothing compiles.
    std::fs::remove_dir_all(example.build_dir().join("tmp")).expect("rm -rf tmp");
    let restored = example.build(&["demo-image"]);
    assert!(restored.contains("Running setscene task"), "{restored}");
    assert!(!restored.contains("do_compile"), "{restored}");
    assert_eq!(
        file_digest(&images.join("demo-image.tar.gz")),
        tar_gz,
        "the restored image differs"
    );
}

#[test]
fn devshell_opens_a_shell_with_the_task_environment_in_the_sources() {
    use std::io::Write;
    let example = Example::new("devshell");
    let mut child = Command::new(env!("CARGO_BIN_EXE_rbake"))
        .env_clear()
        .env("PATH", FIXED_PATH)
        .env("HOME", &example.dir)
        .env("SHELL", "/bin/sh")
        .arg("--topdir")
        .arg(example.build_dir())
        .args(["build", "-c", "devshell", "hello"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("cannot run rbake");
    let mut stdin = child.stdin.take().expect("stdin");
    stdin.write_all(b"echo \"devshell CC=$CC in $(pwd)\"; ls\n").expect("commands for the shell");
    drop(stdin);
    let output = child.wait_with_output().expect("rbake");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}{}", String::from_utf8_lossy(&output.stderr));
    assert!(stdout.contains("devshell CC=gcc in "), "{stdout}");
    assert!(stdout.contains("tmp/work/hello-1.0-r0/sources"), "{stdout}");
    // do_patch ran first: the patched source is there.
    assert!(stdout.lines().any(|line| line == "hello.c"), "{stdout}");
}
