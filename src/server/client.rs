//! The client side: hand a command to the build directory's server, start
//! one when BB_SERVER_TIMEOUT asks for a resident server, and forward the
//! user's Ctrl-C.
//!
//! Without BB_SERVER_TIMEOUT and with no server running, commands run in
//! their own process, as BitBake's do when it has no resident server.
//! `RBAKE_NO_SERVER=1` always runs them in-process.

use std::io::{BufRead, BufReader, Write};
use std::os::unix::net::UnixStream;
use std::process::{ExitCode, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::Value;

use super::place::ServerPlace;
use super::wire::{self, Request};
use crate::cli::GlobalArgs;

/// How long a new server may take to listen.
const START_TIMEOUT: Duration = Duration::from_secs(10);

/// Runs the command in the server, if there is one or one is wanted;
/// `None` means run it here.
pub fn forward(global: &GlobalArgs) -> Option<ExitCode> {
    if std::env::var_os("RBAKE_NO_SERVER").is_some_and(|value| !value.is_empty()) {
        return None;
    }
    let argv: Vec<String> =
        std::env::args_os().map(|arg| arg.into_string()).collect::<Result<_, _>>().ok()?;
    let place = ServerPlace::find(global).ok()?;
    let timeout = std::env::var("BB_SERVER_TIMEOUT").ok().filter(|value| !value.trim().is_empty());
    let stream = match place.connect() {
        Ok(stream) => stream,
        Err(_) => start(&place, timeout.as_deref()?)?,
    };
    match talk(&stream, &argv) {
        Reply::Exit(code) => Some(code),
        Reply::Restart(reason) => {
            eprintln!("NOTE: restarting the rbake server: {reason}");
            wait_until_gone(&place);
            let timeout = timeout.unwrap_or_else(|| "-1".to_owned());
            let stream = start(&place, &timeout)?;
            match talk(&stream, &argv) {
                Reply::Exit(code) => Some(code),
                Reply::Restart(reason) | Reply::Lost(reason) => {
                    eprintln!("ERROR: the rbake server failed: {reason}");
                    Some(ExitCode::FAILURE)
                }
            }
        }
        Reply::Lost(reason) => {
            eprintln!("ERROR: the rbake server stopped before answering ({reason}); run the command again");
            Some(ExitCode::FAILURE)
        }
    }
}

/// `rbake server --stop`.
pub fn stop(place: &ServerPlace) -> ExitCode {
    let Ok(stream) = place.connect() else {
        eprintln!("NOTE: no server is running in {}", place.build_dir.display());
        return ExitCode::SUCCESS;
    };
    let argv = vec!["rbake".to_owned(), "server".to_owned(), "--stop".to_owned()];
    let _ = talk(&stream, &argv);
    wait_until_gone(place);
    ExitCode::SUCCESS
}

enum Reply {
    Exit(ExitCode),
    Restart(String),
    Lost(String),
}

fn talk(stream: &UnixStream, argv: &[String]) -> Reply {
    let request = Request {
        identity: wire::identity(),
        argv: argv.to_vec(),
        cwd: std::env::current_dir().unwrap_or_default().to_string_lossy().into_owned(),
        env: crate::engine::process_env(),
        stdio: Vec::new(),
    };
    if let Err(error) = wire::send_request(stream, &request) {
        return Reply::Lost(error.to_string());
    }
    let interrupted = Arc::new(AtomicBool::new(false));
    let mut signal_ids = Vec::new();
    for signal in
        [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM, signal_hook::consts::SIGHUP]
    {
        if let Ok(id) = signal_hook::flag::register(signal, interrupted.clone()) {
            signal_ids.push(id);
        }
    }
    let _ = stream.set_read_timeout(Some(Duration::from_millis(100)));
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    let reply = loop {
        if interrupted.swap(false, Ordering::SeqCst) {
            let _ = (&*stream).write_all(b"i");
        }
        match reader.read_line(&mut line) {
            Ok(0) => break Reply::Lost("the connection closed".to_owned()),
            Ok(_) if line.ends_with('\n') => break parse_reply(&line),
            Ok(_) => continue,
            Err(error)
                if matches!(
                    error.kind(),
                    std::io::ErrorKind::WouldBlock
                        | std::io::ErrorKind::TimedOut
                        | std::io::ErrorKind::Interrupted
                ) =>
            {
                continue
            }
            Err(error) => break Reply::Lost(error.to_string()),
        }
    };
    for id in signal_ids {
        signal_hook::low_level::unregister(id);
    }
    reply
}

fn parse_reply(line: &str) -> Reply {
    let Ok(value) = serde_json::from_str::<Value>(line) else {
        return Reply::Lost(format!("an unreadable reply: {}", line.trim()));
    };
    if let Some(reason) = value["restart"].as_str() {
        return Reply::Restart(reason.to_owned());
    }
    match value["exit"].as_i64() {
        Some(0) => Reply::Exit(ExitCode::SUCCESS),
        Some(_) => Reply::Exit(ExitCode::FAILURE),
        None => Reply::Lost(format!("an unexpected reply: {}", line.trim())),
    }
}

/// Starts a detached server and connects to it.
fn start(place: &ServerPlace, timeout: &str) -> Option<UnixStream> {
    let log = std::fs::File::options().create(true).append(true).open(place.log_path()).ok()?;
    let mut command = std::process::Command::new(crate::workspace::self_executable().ok()?);
    command
        .arg("--topdir")
        .arg(&place.build_dir)
        .args(["server", "--detach", &format!("--timeout={}", timeout.trim())])
        .stdin(Stdio::null())
        .stdout(log.try_clone().ok()?)
        .stderr(log);
    if let Err(error) = command.spawn() {
        eprintln!("ERROR: cannot start the rbake server: {error}");
        return None;
    }
    let started = Instant::now();
    while started.elapsed() < START_TIMEOUT {
        if let Ok(stream) = place.connect() {
            return Some(stream);
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    eprintln!(
        "ERROR: the rbake server did not start listening; see {}",
        place.log_path().display()
    );
    None
}

/// Waits for a stopping server to release its lock.
fn wait_until_gone(place: &ServerPlace) {
    let started = Instant::now();
    while place.is_locked() && started.elapsed() < START_TIMEOUT {
        std::thread::sleep(Duration::from_millis(10));
    }
}
