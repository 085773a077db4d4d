//! `rbake watch TARGET...`: build, then build again whenever a file the
//! build read changes.
//!
//! Watch is the build directory's server too: it holds the warm engine and
//! answers other commands (`rbake why`, `rbake build -n`) on the server's
//! socket between its own builds.
//!
//! File-system events are hints, never the truth. An event on a path the
//! engine read (or on a directory on the way to one, or an entry of a
//! directory it listed) wakes the loop; after a quiet moment it drains
//! every queued event and only then revalidates every recorded path
//! against the disk ([`crate::revalidate`]). An edit that lands before the
//! revalidation starts is seen by it; one that lands after it queues an
//! event, which starts another round. So no ordering between events and
//! commands is needed, which is what made BitBake give up on inotify.
//!
//! An edit during a build cancels it: queries stop at their next step
//! (salsa's cancellation) and the dispatcher starts no further task and
//! stops the running ones, which leave no stamp. Then the loop starts again.

use std::collections::HashSet;
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use notify::{RecursiveMode, Watcher};

use crate::cli::{GlobalArgs, WatchArgs};
use crate::engine::{self, RequestContext};
use crate::revalidate::ReadKind;
use crate::server::place::ServerPlace;

/// How long the files must stay quiet before a rebuild (editors save in
/// bursts: write, rename, chmod).
const QUIET: Duration = Duration::from_millis(150);
/// The longest a burst may delay a rebuild.
const MAX_DELAY: Duration = Duration::from_secs(2);

enum Wake {
    Files,
    Client(UnixStream),
    Stop,
}

/// The paths whose events matter, shared with the watcher's thread.
#[derive(Default)]
struct Interest {
    /// Every path read, and every directory on the way to one.
    paths: HashSet<PathBuf>,
    /// Directories whose listings were read.
    listed: HashSet<PathBuf>,
}

impl Interest {
    fn matters(&self, path: &Path) -> bool {
        self.paths.contains(path) || path.parent().is_some_and(|dir| self.listed.contains(dir))
    }
}

/// The file watcher and the directories it watches.
type Watching = (notify::RecommendedWatcher, HashSet<PathBuf>);

/// What the watcher's thread needs to cancel a build.
#[derive(Default)]
struct Building {
    active: AtomicBool,
    cancel: Mutex<Option<Arc<AtomicBool>>>,
}

impl Building {
    fn cancel(&self) {
        if !self.active.load(Ordering::SeqCst) {
            return;
        }
        if let Some(flag) = &*self.cancel.lock().unwrap_or_else(|e| e.into_inner()) {
            flag.store(true, Ordering::SeqCst);
            if let Some(token) = engine::cancellation_token() {
                token.cancel();
            }
        }
    }
}

pub fn run(global: &GlobalArgs, args: &WatchArgs) -> ExitCode {
    if let Err(error) = args.build.targets.check_given() {
        let _ = error;
        return ExitCode::FAILURE;
    }
    let Ok(place) = ServerPlace::find(global) else { return ExitCode::FAILURE };
    let Some(_lock) = take_over(&place) else {
        eprintln!("ERROR: cannot take over the server of {}", place.build_dir.display());
        return ExitCode::FAILURE;
    };
    engine::start_serving();
    let (wakes, woken) = channel();
    let listener = place.bind().ok();
    if let Some(listener) = listener {
        let wakes = wakes.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                if wakes.send(Wake::Client(stream)).is_err() {
                    return;
                }
            }
        });
    }
    let quit = Arc::new(AtomicBool::new(false));
    for signal in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        let _ = signal_hook::flag::register(signal, quit.clone());
    }
    let interest = Arc::new(Mutex::new(Interest::default()));
    let building = Arc::new(Building::default());
    spawn_quit_forwarder(quit.clone(), building.clone(), wakes.clone());
    let watcher = match files_watcher(interest.clone(), building.clone(), wakes) {
        Ok(watcher) => watcher,
        Err(error) => {
            eprintln!("ERROR: cannot watch files: {error}");
            return ExitCode::FAILURE;
        }
    };
    let watching = Arc::new(Mutex::new((watcher, HashSet::new())));
    {
        // What a build reads is known once it has its plan, before any
        // task runs, so edits during its first build count too.
        let (interest, watching) = (interest.clone(), watching.clone());
        engine::on_planned(move || refresh_interest(&interest, &watching));
    }
    let identity = crate::server::wire::identity();
    let mut changed: Vec<PathBuf> = Vec::new();
    loop {
        let started = Instant::now();
        let round = build_once(global, args, &building, &changed);
        if quit.load(Ordering::SeqCst) {
            break;
        }
        refresh_interest(&interest, &watching);
        let took = started.elapsed().as_secs_f64();
        match round {
            Round::Succeeded => println!("watch: build succeeded in {took:.2} s"),
            Round::Failed => println!("watch: build failed in {took:.2} s"),
            Round::Cancelled => println!("watch: a file changed during the build; starting again"),
        }
        if round != Round::Cancelled {
            println!("watch: waiting for changes (Ctrl-C to stop)");
        }
        loop {
            if wait_for_files(&woken, &identity).is_none() {
                place.remove_socket();
                return ExitCode::SUCCESS;
            }
            changed = revalidate_now();
            if !changed.is_empty() {
                break;
            }
        }
    }
    place.remove_socket();
    ExitCode::SUCCESS
}

/// The server lock, asking a running server to stop first.
fn take_over(place: &ServerPlace) -> Option<std::fs::File> {
    if let Some(lock) = place.lock() {
        return Some(lock);
    }
    eprintln!("NOTE: stopping the running server; watch serves this build directory now");
    crate::server::client::stop(place);
    place.lock()
}

/// How a build ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Round {
    Succeeded,
    Failed,
    Cancelled,
}

/// Builds the targets with the warm engine.
fn build_once(
    global: &GlobalArgs,
    args: &WatchArgs,
    building: &Building,
    changed: &[PathBuf],
) -> Round {
    let cancel = Arc::new(AtomicBool::new(false));
    *building.cancel.lock().unwrap_or_else(|e| e.into_inner()) = Some(cancel.clone());
    building.active.store(true, Ordering::SeqCst);
    engine::begin_request(RequestContext {
        cwd: engine::current_dir().unwrap_or_default(),
        env: engine::process_env(),
        interrupted: cancel.clone(),
    });
    for path in changed {
        println!("watch: changed: {}", path.display());
    }
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        crate::build::run(global, &args.build)
    }));
    engine::end_request();
    building.active.store(false, Ordering::SeqCst);
    let report = engine::take_build_report().unwrap_or_default();
    if cancel.load(Ordering::SeqCst) {
        return Round::Cancelled;
    }
    match report.ran.len() {
        0 => println!("watch: no task was stale"),
        count => println!("watch: {count} stale tasks ran: {}", collapse(&report.ran)),
    }
    if !report.failed.is_empty() {
        println!("watch: failed: {}", report.failed.join(", "));
    }
    match outcome {
        Ok(Ok(code)) if code == ExitCode::SUCCESS => Round::Succeeded,
        _ => Round::Failed,
    }
}

/// A list of task names, shortened when long.
fn collapse(names: &[String]) -> String {
    const SHOWN: usize = 8;
    if names.len() <= SHOWN {
        return names.join(", ");
    }
    format!("{}, and {} more", names[..SHOWN].join(", "), names.len() - SHOWN)
}

/// Revalidates the warm engine; the paths that changed.
fn revalidate_now() -> Vec<PathBuf> {
    engine::revalidate_warm().map(|revalidation| revalidation.changed).unwrap_or_default()
}

/// Waits for a burst of relevant file events to end, serving clients
/// meanwhile. `None` when watch should stop.
fn wait_for_files(woken: &Receiver<Wake>, identity: &str) -> Option<()> {
    let mut first: Option<Instant> = None;
    loop {
        let timeout = match first {
            None => Duration::from_secs(3600),
            Some(first) => QUIET.min(MAX_DELAY.saturating_sub(first.elapsed())),
        };
        match woken.recv_timeout(timeout) {
            Ok(Wake::Files) => {
                first.get_or_insert_with(Instant::now);
            }
            Ok(Wake::Client(stream)) => {
                let _ = stream.set_nonblocking(false);
                crate::server::handle(&stream, identity);
            }
            Ok(Wake::Stop) | Err(RecvTimeoutError::Disconnected) => return None,
            Err(RecvTimeoutError::Timeout) if first.is_some() => {
                // Quiet now: every event queued so far is drained before
                // the revalidation, so none is lost between the two.
                while let Ok(wake) = woken.try_recv() {
                    match wake {
                        Wake::Stop => return None,
                        Wake::Client(stream) => {
                            let _ = stream.set_nonblocking(false);
                            crate::server::handle(&stream, identity);
                        }
                        Wake::Files => {}
                    }
                }
                return Some(());
            }
            Err(RecvTimeoutError::Timeout) => {}
        }
    }
}

fn files_watcher(
    interest: Arc<Mutex<Interest>>,
    building: Arc<Building>,
    wakes: Sender<Wake>,
) -> notify::Result<notify::RecommendedWatcher> {
    notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        let Ok(event) = event else { return };
        // Reads (ours among them) change nothing.
        if matches!(event.kind, notify::EventKind::Access(_)) {
            return;
        }
        let relevant = {
            let interest = interest.lock().unwrap_or_else(|e| e.into_inner());
            event.paths.iter().any(|path| interest.matters(path))
        };
        if relevant && std::env::var_os("RBAKE_WATCH_DEBUG").is_some() {
            eprintln!("watch: event {:?} on {:?}", event.kind, event.paths);
        }
        if !relevant {
            return;
        }
        building.cancel();
        let _ = wakes.send(Wake::Files);
    })
}

/// Turns Ctrl-C into a stop: the running build is cancelled and the loop
/// told to end.
fn spawn_quit_forwarder(quit: Arc<AtomicBool>, building: Arc<Building>, wakes: Sender<Wake>) {
    std::thread::spawn(move || loop {
        if quit.load(Ordering::SeqCst) {
            building.cancel();
            let _ = wakes.send(Wake::Stop);
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    });
}

/// Updates the paths that matter from what the engine has read, and
/// watches the directories they are in.
fn refresh_interest(interest: &Mutex<Interest>, watching: &Mutex<Watching>) {
    let tracked = engine::tracked_paths();
    let mut fresh = Interest::default();
    let mut directories = HashSet::new();
    for (path, kind) in &tracked {
        if *kind == ReadKind::Directory && path.is_dir() {
            fresh.listed.insert(path.clone());
            directories.insert(path.clone());
        }
        // A path already present has its ancestors present too.
        for ancestor in path.ancestors() {
            if !fresh.paths.insert(ancestor.to_path_buf()) {
                break;
            }
        }
        // The nearest directory that exists holds the event for this path.
        if let Some(existing) = path.ancestors().skip(1).find(|dir| dir.is_dir()) {
            directories.insert(existing.to_path_buf());
        }
    }
    *interest.lock().unwrap_or_else(|e| e.into_inner()) = fresh;
    let mut watching = watching.lock().unwrap_or_else(|e| e.into_inner());
    let (watcher, watched) = &mut *watching;
    let mut warned = false;
    for directory in directories {
        if watched.contains(&directory) {
            continue;
        }
        match watcher.watch(&directory, RecursiveMode::NonRecursive) {
            Ok(()) => {
                watched.insert(directory);
            }
            Err(error) if !warned => {
                warned = true;
                eprintln!("WARNING: cannot watch {}: {error}", directory.display());
            }
            Err(_) => {}
        }
    }
}
