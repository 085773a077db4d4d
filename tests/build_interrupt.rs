//! A build and the outside world: a second rbake waits for the build
//! directory's lock, Ctrl-C stops the running tasks without stamping them,
//! and a build killed outright has its tasks stopped by the next one.

mod common;

use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use nix::sys::signal::{kill, killpg, Signal};
use nix::unistd::Pid;

use common::{root, FIXED_PATH};

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("rbake-interrupt-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a scratch build directory");
    dir
}

fn rbake(topdir: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_rbake"));
    command
        .env_clear()
        .env("PATH", FIXED_PATH)
        .env("BBPATH", root().join("tests/data/build/layer"))
        .current_dir(topdir)
        .arg("build")
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0);
    command
}

/// The pid the sleeper's shell wrote, once it has.
fn wait_for_sleeper(topdir: &Path, child: &mut Child) -> i32 {
    let path = topdir.join("sleeper.pid");
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        if let Ok(text) = std::fs::read_to_string(&path) {
            if let Ok(pid) = text.trim().parse() {
                return pid;
            }
        }
        if let Ok(Some(status)) = child.try_wait() {
            panic!("rbake ended ({status}) before the sleeper started");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    panic!("the sleeper never started");
}

/// Whether a process exists and is not a zombie.
fn running(pid: i32) -> bool {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else { return false };
    let state = stat.rsplit_once(')').and_then(|(_, rest)| rest.split_whitespace().next());
    state != Some("Z")
}

fn wait_until_gone(pid: i32, within: Duration) -> bool {
    let deadline = Instant::now() + within;
    while Instant::now() < deadline {
        if !running(pid) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    !running(pid)
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

fn stamps(topdir: &Path, prefix: &str) -> Vec<String> {
    std::fs::read_dir(topdir.join("tmp/stamps"))
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with(prefix))
        .collect()
}

#[test]
fn a_second_rbake_waits_for_the_lock_and_then_finds_everything_done() {
    let topdir = scratch("lock");
    let mut first = rbake(&topdir, &["sleeper"]).spawn().expect("rbake");
    wait_for_sleeper(&topdir, &mut first);
    let second = rbake(&topdir, &["sleeper"]).output().expect("rbake");
    let first = first.wait_with_output().expect("the first rbake");
    assert!(first.status.success(), "{}", text(&first));
    let second_text = text(&second);
    assert!(second.status.success(), "{second_text}");
    assert!(second_text.contains("is building in"), "no word about the lock:\n{second_text}");
    assert!(second_text.contains("waiting for it to finish"), "{second_text}");
    assert!(second_text.contains("didn't need to be rerun and all succeeded"), "{second_text}");
    assert!(!second_text.contains("Running task"), "{second_text}");
    let _ = std::fs::remove_dir_all(&topdir);
}

#[test]
fn ctrl_c_stops_the_running_tasks_and_stamps_nothing_unfinished() {
    let topdir = scratch("sigint");
    std::fs::write(topdir.join("local.conf"), "SLEEPER_SECONDS = \"60\"\n")
        .expect("a postread file");
    let mut build = rbake(&topdir, &["-R", "local.conf", "sleeper"]).spawn().expect("rbake");
    let shell = wait_for_sleeper(&topdir, &mut build);
    let started = Instant::now();
    kill(Pid::from_raw(build.id() as i32), Signal::SIGINT).expect("SIGINT");
    let output = build.wait_with_output().expect("rbake");
    assert!(!output.status.success(), "{}", text(&output));
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "rbake took {:?} to stop",
        started.elapsed()
    );
    assert!(wait_until_gone(shell, Duration::from_secs(5)), "the task's shell still runs");
    assert!(
        stamps(&topdir, "sleeper-1.0-r0.do_compile").is_empty(),
        "an interrupted task was stamped"
    );
    assert!(!topdir.join("rbake-running").exists(), "running task groups still recorded");
    let _ = std::fs::remove_dir_all(&topdir);
}

#[test]
fn the_next_build_stops_the_tasks_a_killed_build_left_running() {
    let topdir = scratch("orphans");
    std::fs::write(topdir.join("local.conf"), "SLEEPER_SECONDS = \"60\"\n")
        .expect("a postread file");
    let mut build = rbake(&topdir, &["-R", "local.conf", "sleeper"]).spawn().expect("rbake");
    let shell = wait_for_sleeper(&topdir, &mut build);
    // rbake and its worker die at once; the task has its own process group.
    killpg(Pid::from_raw(build.id() as i32), Signal::SIGKILL).expect("SIGKILL");
    let _ = build.wait();
    std::thread::sleep(Duration::from_millis(200));
    assert!(running(shell), "the task did not outlive rbake, so nothing is tested");
    assert!(topdir.join("rbake-running").exists(), "no record of the running task");

    let next = rbake(&topdir, &["lib"]).output().expect("rbake");
    let next_text = text(&next);
    assert!(next.status.success(), "{next_text}");
    assert!(next_text.contains("left running by an earlier rbake"), "{next_text}");
    assert!(wait_until_gone(shell, Duration::from_secs(5)), "the orphaned task still runs");
    let _ = std::fs::remove_dir_all(&topdir);
}
