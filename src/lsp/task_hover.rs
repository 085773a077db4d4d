//! The task part of a hover: what a task runs after within its recipe,
//! what it needs of other recipes (its `depends`, `deptask`, `rdeptask`,
//! `recrdeptask` and `recideptask` flags), and whether it will run on the
//! next build, as `rbake why` says.
//!
//! That answer needs the signatures of the task's whole dependency closure,
//! which a warm `rbake server` for the build directory has and this
//! process does not; so the hover asks a running server (through a child
//! `rbake why --json` with `RBAKE_SERVER_ONLY` set), waits a short while,
//! and otherwise says how to get the answer.

use std::fmt::Write;
use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use rbake_queries::eval::ParseState;

/// How long a hover waits for the server's answer.
const PATIENCE: Duration = Duration::from_secs(3);
/// The flags that name other recipes' tasks.
const CROSS_RECIPE_FLAGS: [&str; 5] =
    ["depends", "deptask", "rdeptask", "recrdeptask", "recideptask"];

/// Appends the task section for `task` of `recipe` (its name), read in
/// `state`, to `out`; `build_dir` is where a server would run.
pub fn describe_task(
    out: &mut String,
    state: &ParseState,
    recipe: &str,
    task: &str,
    build_dir: &Path,
) {
    let datastore = &state.datastore;
    let _ = writeln!(out, "**Task** `{task}` of `{recipe}`\n");
    let after = state.task_deps(task).unwrap_or_default();
    let after = if after.is_empty() { "nothing".to_owned() } else { after.join(" ") };
    let _ = writeln!(out, "- runs after: {after}");
    for flag in CROSS_RECIPE_FLAGS {
        let value = datastore.get_var_flag(task, flag, true).ok().flatten().unwrap_or_default();
        if !value.trim().is_empty() {
            let _ = writeln!(
                out,
                "- `[{flag}]`: {}",
                value.split_whitespace().collect::<Vec<_>>().join(" ")
            );
        }
    }
    let _ = writeln!(out, "- next build: {}\n", staleness(build_dir, recipe, task));
}

/// What `rbake why` says of the task, from a running server.
fn staleness(build_dir: &Path, recipe: &str, task: &str) -> String {
    let Ok(exe) = std::env::current_exe() else { return "unknown".to_owned() };
    let child = Command::new(exe)
        .arg("--topdir")
        .arg(build_dir)
        .args(["why", "--json", &format!("{recipe}:{task}")])
        .env(crate::SERVER_ONLY, "1")
        .env_remove("BB_SERVER_TIMEOUT")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn();
    let Ok(mut child) = child else { return "unknown: cannot run rbake why".to_owned() };
    // The answer is read as it comes, so that a long one cannot fill the
    // pipe and stall the child.
    let stdout = child.stdout.take();
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        if let Some(mut stdout) = stdout {
            let _ = stdout.read_to_string(&mut text);
        }
        text
    });
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() < PATIENCE => {
                std::thread::sleep(Duration::from_millis(5))
            }
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                return format!(
                    "unknown: the rbake server did not answer within {} s",
                    PATIENCE.as_secs()
                );
            }
        }
    };
    if status.code() == Some(i32::from(crate::NO_SERVER)) {
        return "unknown: start `rbake server` in the build directory to see it here, \
                or run `rbake why`"
            .to_owned();
    }
    let text = reader.join().unwrap_or_default();
    let answer: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
    match answer["summary"].as_str() {
        Some(summary) => summary.to_owned(),
        None => "unknown: rbake why failed".to_owned(),
    }
}
