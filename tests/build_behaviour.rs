//! `rbake build` on the fixture layer `tests/data/build/layer`: what runs,
//! what is skipped, and what a failure looks like. Each task of the layer
//! appends a line to `TOPDIR/results`.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::{root, FIXED_PATH};

struct BuildDir {
    topdir: PathBuf,
}

impl BuildDir {
    fn new(name: &str) -> BuildDir {
        let topdir =
            std::env::temp_dir().join(format!("rbake-build-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&topdir);
        std::fs::create_dir_all(&topdir).expect("a scratch build directory");
        BuildDir { topdir }
    }

    fn rbake(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_rbake"))
            .env_clear()
            .env("PATH", FIXED_PATH)
            .env("BBPATH", root().join("tests/data/build/layer"))
            .current_dir(&self.topdir)
            .arg("build")
            .args(args)
            .output()
            .expect("cannot run rbake")
    }

    /// Runs a build that must succeed; returns its standard output.
    fn build(&self, args: &[&str]) -> String {
        let output = self.rbake(args);
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "rbake build {args:?} failed:\n{stdout}{stderr}");
        stdout
    }

    /// The `PN task` lines the tasks wrote, and empties the file.
    fn take_results(&self) -> Vec<String> {
        let path = self.topdir.join("results");
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let _ = std::fs::remove_file(&path);
        text.lines().map(str::to_owned).collect()
    }

    fn path(&self, relative: &str) -> PathBuf {
        self.topdir.join(relative)
    }
}

impl Drop for BuildDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.topdir);
    }
}

fn summary(stdout: &str) -> &str {
    stdout.lines().find(|line| line.contains("Tasks Summary")).unwrap_or_default()
}

fn stamps_of(dir: &Path, prefix: &str) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir.join("tmp/stamps"))
        .map(|entries| {
            entries
                .flatten()
                .map(|entry| entry.file_name().to_string_lossy().into_owned())
                .filter(|name| name.starts_with(prefix))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

#[test]
fn a_build_runs_in_dependency_order_and_a_second_build_runs_nothing() {
    let dir = BuildDir::new("order");
    let stdout = dir.build(&["app"]);
    assert!(
        summary(&stdout).contains("Attempted 9 tasks of which 0 didn't need to be rerun"),
        "{stdout}"
    );
    let results = dir.take_results();
    let position = |line: &str| {
        results
            .iter()
            .position(|l| l == line)
            .unwrap_or_else(|| panic!("{line} missing: {results:?}"))
    };
    // deptask: app's compile waits for lib's populate_sysroot.
    assert!(position("lib populate_sysroot") < position("app compile"), "{results:?}");
    assert!(position("app compile") < position("app install"));
    assert_eq!(results.len(), 8, "{results:?}");
    // Stamps are named by taskhash (64 hex digits), noexec do_build included.
    let (records, stamps): (Vec<String>, Vec<String>) = stamps_of(&dir.topdir, "app-1.0-r0.do_")
        .into_iter()
        .partition(|name| name.contains(".sigdata."));
    assert_eq!(stamps.len(), 5, "{stamps:?}");
    // Each task that ran left the record of its signature for `rbake why`.
    assert_eq!(records.len(), 4, "{records:?}");
    assert!(stamps.iter().all(|name| name.rsplit('.').next().is_some_and(|hash| hash.len() == 64)));
    assert!(!dir.path("tmp/work/app-1.0-r0/temp/run.do_build").exists(), "a noexec task ran");

    let again = dir.build(&["app"]);
    assert!(
        summary(&again).contains("Attempted 9 tasks of which 9 didn't need to be rerun"),
        "{again}"
    );
    assert!(dir.take_results().is_empty());
}

#[test]
fn dash_c_runs_a_task_and_what_it_needs() {
    let dir = BuildDir::new("cmd");
    dir.build(&["-c", "compile", "app"]);
    let results = dir.take_results();
    assert!(results.contains(&"app compile".to_owned()));
    assert!(results.contains(&"lib populate_sysroot".to_owned()));
    assert!(!results.contains(&"app install".to_owned()), "{results:?}");
}

#[test]
fn force_reruns_the_task_and_taints_what_follows() {
    let dir = BuildDir::new("force");
    dir.build(&["app"]);
    dir.take_results();
    dir.build(&["-f", "-c", "compile", "app"]);
    assert_eq!(dir.take_results(), vec!["app compile"]);
    assert!(dir.path("tmp/stamps/app-1.0-r0.do_compile.taint").exists());
    // The taint changed compile's taskhash, so what follows it runs again.
    dir.build(&["app"]);
    assert_eq!(dir.take_results(), vec!["app install", "app populate_sysroot"]);
}

#[test]
fn clear_stamp_reruns_the_task_and_then_the_default_task() {
    let dir = BuildDir::new("clear");
    dir.build(&["app"]);
    dir.take_results();
    dir.build(&["-C", "compile", "app"]);
    assert_eq!(dir.take_results(), vec!["app compile", "app install", "app populate_sysroot"]);
}

#[test]
fn nostamp_tasks_always_run() {
    let dir = BuildDir::new("nostamp");
    dir.build(&["stampless"]);
    dir.take_results();
    dir.build(&["stampless"]);
    // Everything after a nostamp task runs again too, as its hash changes
    // on every BitBake run.
    assert_eq!(
        dir.take_results(),
        vec!["stampless compile", "stampless install", "stampless populate_sysroot"]
    );
}

#[test]
fn a_failing_task_shows_its_log_and_fails_the_build() {
    let dir = BuildDir::new("failing");
    let output = dir.rbake(&["failing"]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(!output.status.success());
    assert!(stdout.contains("ERROR: Logfile of failure stored in:"), "{stdout}");
    assert!(stdout.contains("| about to fail"), "{stdout}");
    assert!(stdout.contains("Summary: 1 task failed:"), "{stdout}");
    assert!(
        stamps_of(&dir.topdir, "failing-1.0-r0.do_compile").is_empty(),
        "a failed task was stamped"
    );
    let log = dir.path("tmp/work/failing-1.0-r0/temp/log.do_compile");
    assert!(std::fs::read_to_string(log).unwrap_or_default().contains("about to fail"));
}

#[test]
fn a_python_task_that_raises_fails_with_its_exception() {
    let dir = BuildDir::new("pyfail");
    let output = dir.rbake(&["pyfail"]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(!output.status.success());
    assert!(stdout.contains("python task failed on purpose"), "{stdout}");
}

#[test]
fn keep_going_builds_everything_that_does_not_need_the_failure() {
    let dir = BuildDir::new("keep-going");
    let output = dir.rbake(&["-k", "failing", "app"]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(!output.status.success(), "{stdout}");
    let results = dir.take_results();
    assert!(results.contains(&"app populate_sysroot".to_owned()), "{results:?}");
    assert!(!results.contains(&"failing install".to_owned()), "{results:?}");

    // Without -k, nothing new starts after the failure.
    let dir = BuildDir::new("halt");
    let output = dir.rbake(&["-j", "1", "failing", "app"]);
    assert!(!output.status.success());
    let results = dir.take_results();
    assert!(!results.contains(&"app populate_sysroot".to_owned()), "{results:?}");
}

/// The `start`/`end` events a pair of tasks wrote to `file`, in time order.
fn event_kinds(dir: &BuildDir, file: &str) -> Vec<String> {
    let text = std::fs::read_to_string(dir.path(file)).expect("the tasks ran");
    let mut events: Vec<(u128, String)> = text
        .lines()
        .map(|line| {
            let fields: Vec<&str> = line.split_whitespace().collect();
            (fields[2].parse().expect("a time"), fields[1].to_owned())
        })
        .collect();
    events.sort();
    events.into_iter().map(|(_, kind)| kind).collect()
}

#[test]
fn lockfiles_keep_tasks_apart() {
    let dir = BuildDir::new("locks");
    dir.build(&["-j", "2", "locka", "lockb"]);
    assert_eq!(event_kinds(&dir, "results.lock"), vec!["start", "end", "start", "end"]);
}

#[test]
fn number_threads_limits_a_task_across_recipes() {
    // Without the flag, -j 2 runs the two compiles together.
    let dir = BuildDir::new("threads-free");
    dir.build(&["-j", "2", "slowa", "slowb"]);
    assert_eq!(event_kinds(&dir, "results.threads"), vec!["start", "start", "end", "end"]);

    let dir = BuildDir::new("threads-one");
    std::fs::write(dir.path("threads.conf"), "do_compile[number_threads] = \"1\"\n").unwrap();
    dir.build(&["-j", "2", "-R", "threads.conf", "slowa", "slowb"]);
    assert_eq!(event_kinds(&dir, "results.threads"), vec!["start", "end", "start", "end"]);
}

#[test]
fn on_a_terminal_the_build_draws_progress_and_still_summarises() {
    let dir = BuildDir::new("tty");
    let command = format!(
        "env -i PATH={FIXED_PATH} TERM=xterm BBPATH={} {} build app",
        root().join("tests/data/build/layer").display(),
        env!("CARGO_BIN_EXE_rbake")
    );
    let output = Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .current_dir(&dir.topdir)
        .output()
        .expect("script (util-linux) runs a command on a pseudo-terminal");
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{text}");
    assert!(text.contains("Running tasks ("), "no progress bar on a terminal:\n{text}");
    assert!(text.contains("Tasks Summary: Attempted 9 tasks"), "{text}");
    assert!(text.contains("NOTE: Running noexec task 9 of 9"), "{text}");

    // A terminal indicatif cannot drive gets plain lines.
    let dir = BuildDir::new("dumb-tty");
    let output = Command::new("script")
        .args(["-qec", &command.replace("TERM=xterm", "TERM=dumb"), "/dev/null"])
        .current_dir(&dir.topdir)
        .output()
        .expect("script runs");
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("NOTE: Running noexec task 9 of 9"), "{text}");
    assert!(text.contains("Tasks Summary: Attempted 9 tasks"), "{text}");
}

#[test]
fn a_task_that_crashes_fails_alone_and_leaks_nothing() {
    let dir = BuildDir::new("crash");
    let output = dir.rbake(&["-k", "crashing", "isolated"]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(!output.status.success(), "{stdout}");
    assert!(stdout.contains("crashing_1.0.bb:do_compile) failed with exit code '139'"), "{stdout}");
    assert!(stdout.contains("Summary: 1 task failed:"), "{stdout}");
    // do_compile of `isolated` changed a global and the working directory
    // in its own process; do_install saw neither.
    let results = dir.take_results();
    let install = results.iter().find(|line| line.starts_with("isolated install in "));
    let install =
        install.unwrap_or_else(|| panic!("do_install did not run: {results:?}\n{stdout}"));
    assert!(install.ends_with("/tmp/work/isolated-1.0-r0/build"), "{install}");
}

#[test]
fn buildfile_runs_one_recipe_without_its_dependencies() {
    let dir = BuildDir::new("buildfile");
    let recipe = root().join("tests/data/build/layer/recipes/app_1.0.bb");
    dir.build(&["-b", &recipe.to_string_lossy()]);
    assert_eq!(
        dir.take_results(),
        vec!["app fetch", "app compile", "app install", "app populate_sysroot"]
    );
    let output = dir.rbake(&["-b", "no-such-recipe"]);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("Unable to find any recipe file matching"), "{stderr}");
}

#[test]
fn fakeroot_tasks_run_under_pseudo_or_fail_saying_it_is_missing() {
    let pseudo_installed =
        ["/usr/bin/pseudo", "/bin/pseudo"].iter().any(|path| Path::new(path).exists());
    assert!(
        pseudo_installed,
        "pseudo is not installed (Debian's `pseudo` package; .ci/run installs it)"
    );
    let dir = BuildDir::new("fakeroot");
    dir.build(&["-c", "install", "rooted"]);
    let results = dir.take_results();
    assert!(
        results.contains(&"rooted install as 0 preload libpseudo.so".to_owned()),
        "{results:?}"
    );

    let dir = BuildDir::new("no-fakeroot");
    std::fs::write(dir.path("nopseudo.conf"), "FAKEROOTCMD = \"/usr/bin/no-such-pseudo\"\n")
        .unwrap();
    let output = dir.rbake(&["-R", "nopseudo.conf", "-c", "install", "rooted"]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(!output.status.success(), "{stdout}");
    assert!(stdout.contains("pseudo/fakeroot is not installed"), "{stdout}");
}

#[test]
fn tasks_get_bb_taskdepdata_for_everything_they_depend_on() {
    let dir = BuildDir::new("taskdepdata");
    dir.build(&["-c", "install", "depdata"]);
    let mut lines: Vec<String> =
        dir.take_results().into_iter().filter(|line| line.starts_with("taskdep ")).collect();
    lines.sort();
    assert_eq!(
        lines,
        vec![
            "taskdep depdata do_compile ['depdata'] 64",
            "taskdep depdata do_fetch ['depdata'] 64",
            "taskdep depdata do_install ['depdata'] 64",
            "taskdep lib do_compile ['lib'] 64",
            "taskdep lib do_fetch ['lib'] 64",
            "taskdep lib do_install ['lib'] 64",
            "taskdep lib do_populate_sysroot ['lib'] 64",
        ]
    );
}

#[test]
fn rdeptask_and_recrdeptask_order_tasks_across_recipes() {
    let dir = BuildDir::new("rdeptask");
    dir.build(&["-j", "1", "-c", "install", "rdep"]);
    let results = dir.take_results();
    let at = |line: &str| {
        results.iter().position(|l| l == line).unwrap_or_else(|| panic!("{line}: {results:?}"))
    };
    assert!(at("lib populate_sysroot") < at("rdep install"), "{results:?}");

    let dir = BuildDir::new("recrdeptask");
    dir.build(&["-j", "1", "-c", "report", "recrdep"]);
    let results = dir.take_results();
    let at = |line: &str| {
        results.iter().position(|l| l == line).unwrap_or_else(|| panic!("{line}: {results:?}"))
    };
    assert!(at("lib install") < at("recrdep report"), "{results:?}");
    assert!(at("app install") < at("recrdep report"), "{results:?}");
    assert!(at("recrdep install") < at("recrdep report"), "{results:?}");
}

#[test]
fn tasks_without_the_network_flag_have_no_network() {
    let dir = BuildDir::new("network");
    dir.build(&["-c", "install", "netcheck"]);
    let results = dir.take_results();
    // Only the loopback device in a task's own network namespace.
    assert!(results.contains(&"netcheck compile lo ".to_owned()), "{results:?}");
    let install =
        results.iter().find(|line| line.starts_with("netcheck install")).expect("install ran");
    assert_ne!(install, "netcheck install lo ", "the network flag did not give the network back");
}
