//! `rbake server`: a process that keeps the query database warm between
//! commands, as BitBake's server keeps its cooker.
//!
//! It listens on `rbake.sock` in the build directory. Each client request
//! runs to completion before the next is accepted (BitBake's server, too,
//! runs one command at a time). Before a command reads anything, the warm
//! workspace is revalidated against the disk ([`crate::revalidate`]), so an
//! answer never rests on what the server believed earlier. The server
//! exits after an idle timeout (BB_SERVER_TIMEOUT seconds; negative: never),
//! when a client of another rbake binary connects, on SIGTERM, or when its
//! socket or build directory goes away.

pub mod client;
pub mod place;
pub mod wire;

#[cfg(test)]
mod warm_vs_cold;

use std::io::Write;
use std::os::fd::OwnedFd;
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::Parser;
use serde_json::json;

use crate::cli::{Cli, Command, GlobalArgs, ServerArgs};
use crate::engine::RequestContext;
use crate::revalidate::Record;
use place::ServerPlace;

/// How often an idle server looks at its clock and its socket.
const TICK: Duration = Duration::from_millis(500);

pub fn run(global: &GlobalArgs, args: &ServerArgs) -> ExitCode {
    let place = match ServerPlace::find(global) {
        Ok(place) => place,
        Err(error) => {
            eprintln!("ERROR: {error}");
            return ExitCode::FAILURE;
        }
    };
    if args.stop {
        return client::stop(&place);
    }
    if args.detach {
        // Out of the client's session: its Ctrl-C is forwarded, not delivered.
        let _ = nix::unistd::setsid();
    }
    let Some(_lock) = place.lock() else {
        eprintln!("NOTE: a server is already running in {}", place.build_dir.display());
        return ExitCode::SUCCESS;
    };
    let listener = match place.bind() {
        Ok(listener) => listener,
        Err(error) => {
            eprintln!("ERROR: cannot listen on {}: {error}", place.socket.display());
            return ExitCode::FAILURE;
        }
    };
    let timeout = args.timeout.filter(|seconds| *seconds >= 0.0).map(Duration::from_secs_f64);
    eprintln!(
        "NOTE: rbake server listening on {} (idle timeout: {})",
        place.socket.display(),
        timeout.map_or("none".to_owned(), |timeout| format!("{} s", timeout.as_secs_f64()))
    );
    crate::engine::start_serving();
    serve(&place, &listener, timeout);
    place.remove_socket();
    ExitCode::SUCCESS
}

fn serve(place: &ServerPlace, listener: &UnixListener, timeout: Option<Duration>) {
    let terminate = Arc::new(AtomicBool::new(false));
    for signal in [signal_hook::consts::SIGTERM, signal_hook::consts::SIGHUP] {
        let _ = signal_hook::flag::register(signal, terminate.clone());
    }
    // A stray SIGINT must not kill the server: clients forward theirs.
    let _ = signal_hook::flag::register(signal_hook::consts::SIGINT, Arc::default());
    let _ = listener.set_nonblocking(true);
    let identity = wire::identity();
    let mut idle_since = Instant::now();
    loop {
        if terminate.load(Ordering::SeqCst) || !place.still_ours() {
            return;
        }
        if timeout.is_some_and(|timeout| idle_since.elapsed() >= timeout) {
            eprintln!("NOTE: idle for {:.0} s; exiting", idle_since.elapsed().as_secs_f64());
            return;
        }
        let stream = match listener.accept() {
            Ok((stream, _)) => stream,
            Err(error) if error.kind() == std::io::ErrorKind::WouldBlock => {
                std::thread::sleep(TICK.min(Duration::from_millis(50)));
                continue;
            }
            Err(error) => {
                eprintln!("ERROR: accept: {error}");
                std::thread::sleep(TICK);
                continue;
            }
        };
        let _ = stream.set_nonblocking(false);
        let keep_going = handle(&stream, &identity);
        idle_since = Instant::now();
        if !keep_going {
            return;
        }
    }
}

/// Runs one client's request; returns whether to keep serving.
pub(crate) fn handle(stream: &UnixStream, identity: &str) -> bool {
    let request = match wire::receive_request(stream) {
        Ok(Some(request)) => request,
        Ok(None) | Err(_) => return true,
    };
    if request.identity != identity {
        let _ =
            wire::send_reply(stream, &json!({ "restart": "the server is another rbake build" }));
        return false;
    }
    if let Some(changed) = changed_python_module() {
        let reason = format!("{} changed, and Python loads a module once", changed.display());
        let _ = wire::send_reply(stream, &json!({ "restart": reason }));
        return false;
    }
    if request.argv.get(1..3) == Some(&["server".to_owned(), "--stop".to_owned()][..]) {
        let _ = wire::send_reply(stream, &json!({ "exit": 0 }));
        return false;
    }
    let Ok(cli) = Cli::try_parse_from(&request.argv) else {
        // The client parsed these very arguments; it cannot happen.
        let _ = wire::send_reply(stream, &json!({ "restart": "the arguments did not parse" }));
        return true;
    };
    let interrupted = Arc::new(AtomicBool::new(false));
    crate::engine::begin_request(RequestContext {
        cwd: request.cwd.clone().into(),
        env: request.env.clone(),
        interrupted: interrupted.clone(),
    });
    let code = with_client_stdio(request.stdio, || {
        let watcher = InterruptWatcher::start(stream, interrupted.clone());
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run_command(cli)));
        watcher.stop();
        let code = match outcome {
            Ok(code) => code,
            Err(_) if interrupted.load(Ordering::SeqCst) => {
                eprintln!("ERROR: interrupted");
                ExitCode::FAILURE
            }
            Err(_) => {
                eprintln!("ERROR: the command failed inside the server (see above)");
                ExitCode::FAILURE
            }
        };
        let _ = std::io::stdout().flush();
        let _ = std::io::stderr().flush();
        code
    });
    crate::engine::end_request();
    remember_python_modules();
    let exit = if code == ExitCode::SUCCESS { 0 } else { 1 };
    let _ = wire::send_reply(stream, &json!({ "exit": exit }));
    true
}

/// The Python modules loaded from outside Python's library (the layers'
/// `lib/`), with their stat and a hash of their contents when last seen.
/// The contents are read again only when the stat changed or is too recent
/// to trust, as revalidation does.
static PYTHON_MODULES: std::sync::Mutex<Vec<(PathBuf, Record, Option<u64>)>> =
    std::sync::Mutex::new(Vec::new());

/// Whether `path` still has the contents `hash` describes.
fn unchanged(path: &std::path::Path, record: &Record, hash: Option<u64>) -> bool {
    record.still_holds(path) || content_hash(path) == hash
}

fn content_hash(path: &std::path::Path) -> Option<u64> {
    use std::hash::{Hash, Hasher};
    let bytes = std::fs::read(path).ok()?;
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    bytes.hash(&mut hasher);
    Some(hasher.finish())
}

fn remember_python_modules() {
    let mut modules = PYTHON_MODULES.lock().unwrap_or_else(|e| e.into_inner());
    let known = std::mem::take(&mut *modules);
    for path in rbake_queries::python::loaded_module_files() {
        // A module seen before and surely unchanged keeps its record.
        let seen = known.iter().find(|(seen, record, _)| *seen == path && record.still_holds(seen));
        let entry = match seen {
            Some(entry) => entry.clone(),
            None => {
                let record = Record::take(&path);
                let hash = content_hash(&path);
                (path, record, hash)
            }
        };
        modules.push(entry);
    }
}

/// A loaded Python module whose file changed since. Python keeps the
/// module it loaded, so the server must start afresh to see the change.
fn changed_python_module() -> Option<PathBuf> {
    let modules = PYTHON_MODULES.lock().unwrap_or_else(|e| e.into_inner());
    let changed = modules.iter().find(|(path, record, hash)| !unchanged(path, record, *hash));
    changed.map(|(path, _, _)| path.clone())
}

fn run_command(cli: Cli) -> ExitCode {
    if matches!(cli.command, Command::Server(_)) {
        return ExitCode::SUCCESS;
    }
    crate::run(cli)
}

/// Runs `body` with the client's standard streams as this process's
/// descriptors 0, 1 and 2, then puts the server's own back.
fn with_client_stdio<T>(client: Vec<OwnedFd>, body: impl FnOnce() -> T) -> T {
    let saved = [
        nix::unistd::dup(std::io::stdin()).ok(),
        nix::unistd::dup(std::io::stdout()).ok(),
        nix::unistd::dup(std::io::stderr()).ok(),
    ];
    let install = |fds: &[Option<&OwnedFd>]| {
        let _ = std::io::stdout().flush();
        let _ = std::io::stderr().flush();
        if let Some(fd) = fds.first().copied().flatten() {
            let _ = nix::unistd::dup2_stdin(fd);
        }
        if let Some(fd) = fds.get(1).copied().flatten() {
            let _ = nix::unistd::dup2_stdout(fd);
        }
        if let Some(fd) = fds.get(2).copied().flatten() {
            let _ = nix::unistd::dup2_stderr(fd);
        }
    };
    install(&client.iter().map(Some).collect::<Vec<_>>());
    let result = body();
    install(&saved.iter().map(Option::as_ref).collect::<Vec<_>>());
    result
}

/// Reads the client's side of the connection while its command runs: the
/// byte `i`, or the client going away, interrupts the command.
struct InterruptWatcher {
    done: Arc<AtomicBool>,
    stream: Option<UnixStream>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl InterruptWatcher {
    fn start(stream: &UnixStream, interrupted: Arc<AtomicBool>) -> InterruptWatcher {
        let done = Arc::new(AtomicBool::new(false));
        let Ok(reader) = stream.try_clone() else {
            return InterruptWatcher { done, stream: None, thread: None };
        };
        let shutdown = reader.try_clone().ok();
        let thread = {
            let done = done.clone();
            std::thread::spawn(move || {
                use std::io::Read;
                let mut byte = [0u8; 1];
                loop {
                    let read = (&reader).read(&mut byte);
                    if done.load(Ordering::SeqCst) {
                        return;
                    }
                    match read {
                        Ok(1) if byte[0] != b'i' => continue,
                        Err(error) if error.kind() == std::io::ErrorKind::Interrupted => continue,
                        // Ctrl-C, or the client is gone: stop the command.
                        _ => {
                            interrupted.store(true, Ordering::SeqCst);
                            if let Some(token) = crate::engine::cancellation_token() {
                                token.cancel();
                            }
                            if !matches!(read, Ok(1)) {
                                return;
                            }
                        }
                    }
                }
            })
        };
        InterruptWatcher { done, stream: shutdown, thread: Some(thread) }
    }

    fn stop(mut self) {
        self.done.store(true, Ordering::SeqCst);
        if let Some(stream) = self.stream.take() {
            let _ = stream.shutdown(std::net::Shutdown::Read);
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
