//! Killing a build never leaves a state the next build cannot finish from:
//! at 20 seeded random moments of the example build, rbake is killed (with
//! SIGKILL, and in a second test with SIGINT), then built again to the
//! end; the final outputs must be byte-identical to those of a build that
//! was never interrupted. The seed is printed; RBAKE_KILL_SEED replays it.

mod common;

use std::collections::BTreeMap;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use nix::sys::signal::{kill, Signal};
use nix::unistd::Pid;

use common::{root, FIXED_PATH};
use proptest::prelude::Rng as _;
use proptest::test_runner::{RngAlgorithm, TestRng};

const POINTS: usize = 20;

/// proptest's ChaCha generator seeded by `seed`, so that a failing run
/// can be replayed from its seed.
fn seeded_rng(seed: u64) -> TestRng {
    let mut bytes = [0u8; 32];
    bytes[..8].copy_from_slice(&seed.to_le_bytes());
    TestRng::from_seed(RngAlgorithm::ChaCha, &bytes)
}

fn copy_example(dir: &Path) {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir).expect("a scratch directory");
    for part in ["demo-layer", "demo-build"] {
        let status =
            Command::new("cp").arg("-r").arg(root().join("examples").join(part)).arg(dir).status();
        assert!(status.expect("cp").success());
    }
    for output in ["tmp", "sstate-cache", "downloads", "cache"] {
        let _ = std::fs::remove_dir_all(dir.join("demo-build").join(output));
    }
}

fn rbake_build(dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_rbake"));
    command
        .env_clear()
        .env("PATH", FIXED_PATH)
        .env("HOME", dir)
        .arg("--topdir")
        .arg(dir.join("demo-build"))
        .args(["build", "demo-image"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0);
    command
}

/// Builds to the end; panics if the build fails.
fn build_to_the_end(dir: &Path, context: &str) -> Duration {
    let started = Instant::now();
    let output = rbake_build(dir).stdout(Stdio::piped()).output().expect("cannot run rbake");
    assert!(
        output.status.success(),
        "{context}: the build after the kill failed:\n{}",
        String::from_utf8_lossy(&output.stdout)
    );
    started.elapsed()
}

/// Every file under the deploy directory, with its contents.
fn outputs(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let deploy = dir.join("demo-build/tmp/deploy");
    let mut found = BTreeMap::new();
    let mut stack = vec![deploy.clone()];
    while let Some(at) = stack.pop() {
        for entry in std::fs::read_dir(&at).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let relative = path.strip_prefix(&deploy).expect("under deploy").to_path_buf();
                found.insert(relative, std::fs::read(&path).expect("an output file"));
            }
        }
    }
    found
}

fn kill_at_random_points(signal: Signal) {
    let seed = std::env::var("RBAKE_KILL_SEED")
        .ok()
        .and_then(|seed| seed.parse().ok())
        .unwrap_or(0x5eed_2026_u64 ^ signal as u64);
    eprintln!("kill test with {signal}: seed {seed} (replay with RBAKE_KILL_SEED={seed})");
    let scratch = std::env::temp_dir().join(format!("rbake-kill-{}-{signal}", std::process::id()));
    let reference_dir = scratch.join("reference");
    copy_example(&reference_dir);
    let full = build_to_the_end(&reference_dir, "reference");
    let reference = outputs(&reference_dir);
    assert!(
        reference.len() >= 3,
        "the reference build deployed too little: {:?}",
        reference.keys()
    );

    let mut random = seeded_rng(seed);
    let window = full.as_millis().max(200) as u64;
    for point in 0..POINTS {
        let dir = scratch.join(format!("point-{point}"));
        copy_example(&dir);
        let delay = Duration::from_millis(random.next_u64() % window);
        let mut child = rbake_build(&dir).spawn().expect("cannot run rbake");
        std::thread::sleep(delay);
        let _ = kill(Pid::from_raw(child.id() as i32), signal);
        let _ = child.wait();
        let context =
            format!("point {point} ({signal} after {} ms, seed {seed})", delay.as_millis());
        build_to_the_end(&dir, &context);
        let got = outputs(&dir);
        assert_eq!(
            got.keys().collect::<Vec<_>>(),
            reference.keys().collect::<Vec<_>>(),
            "{context}: other outputs"
        );
        for (path, bytes) in &reference {
            assert!(
                got[path] == *bytes,
                "{context}: {} differs from the uninterrupted build's",
                path.display()
            );
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
    let _ = std::fs::remove_dir_all(&scratch);
}

#[test]
fn sigkill_at_random_points_then_a_build_finishes_with_the_same_outputs() {
    kill_at_random_points(Signal::SIGKILL);
}

#[test]
fn sigint_at_random_points_then_a_build_finishes_with_the_same_outputs() {
    kill_at_random_points(Signal::SIGINT);
}
