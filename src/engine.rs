//! The warm engine: the workspace that a server keeps between commands,
//! and the client's working directory and environment that each command
//! runs with.
//!
//! Outside a server, [`Workspace::open`](crate::workspace::Workspace::open)
//! makes a new workspace and [`process_env`] is this process's
//! environment. Inside one, the server calls [`begin_request`] with what
//! the client sent; commands then see the client's directory and
//! environment, and the workspace they open is the warm one, brought up
//! to date with the disk first ([`TrackingSystem::revalidate`]). When the
//! command's handle is dropped, the workspace goes back for the next
//! command.

use std::ops::{Deref, DerefMut};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rbake_queries::config::approved_variables;
use salsa::Setter;

use crate::revalidate::{Revalidation, TrackingSystem};
use crate::workspace::Workspace;

/// What a client asked a server to run with.
#[derive(Clone, Debug)]
pub struct RequestContext {
    pub cwd: PathBuf,
    pub env: Vec<(String, String)>,
    /// Set when the client asks to stop (its Ctrl-C), or goes away.
    pub interrupted: Arc<AtomicBool>,
}

/// Whether this process is a server, which keeps its workspace.
static SERVING: AtomicBool = AtomicBool::new(false);
static REQUEST: Mutex<Option<RequestContext>> = Mutex::new(None);
static WARM: Mutex<Option<Workspace>> = Mutex::new(None);
/// The file system of the workspace in use, which knows what was read.
static SYSTEM: Mutex<Option<Arc<TrackingSystem>>> = Mutex::new(None);
/// The cancellation token of the database in use.
static TOKEN: Mutex<Option<salsa::CancellationToken>> = Mutex::new(None);
/// What to do once a build has its plan (watch learns what to watch).
type PlannedHook = Box<dyn Fn() + Send>;
static PLANNED: Mutex<Option<PlannedHook>> = Mutex::new(None);
/// The last revalidation, for `--timings` and `watch`.
static LAST_REVALIDATION: Mutex<Option<(Duration, Revalidation)>> = Mutex::new(None);

/// Makes this process keep its workspace between commands.
pub fn start_serving() {
    SERVING.store(true, Ordering::SeqCst);
}

pub fn is_serving() -> bool {
    SERVING.load(Ordering::SeqCst)
}

/// Commands from now on run with the client's directory and environment.
pub fn begin_request(context: RequestContext) {
    *REQUEST.lock().unwrap_or_else(|e| e.into_inner()) = Some(context);
}

pub fn end_request() {
    *REQUEST.lock().unwrap_or_else(|e| e.into_inner()) = None;
}

fn request() -> Option<RequestContext> {
    REQUEST.lock().unwrap_or_else(|e| e.into_inner()).clone()
}

/// The environment a command runs with: the client's in a server, this
/// process's otherwise; sorted by name.
pub fn process_env() -> Vec<(String, String)> {
    if let Some(context) = request() {
        return context.env;
    }
    let mut env: Vec<(String, String)> = std::env::vars().collect();
    env.sort();
    env
}

/// One variable of [`process_env`].
pub fn env_var(name: &str) -> Option<String> {
    process_env().into_iter().find(|(key, _)| key == name).map(|(_, value)| value)
}

/// The directory a command runs in.
pub fn current_dir() -> std::io::Result<PathBuf> {
    match request() {
        Some(context) => Ok(context.cwd),
        None => std::env::current_dir(),
    }
}

/// The flag that says the command should stop: the client's interrupt in
/// a server, and otherwise a new flag that SIGINT, SIGTERM and SIGHUP
/// set.
pub fn interrupt_flag() -> Arc<AtomicBool> {
    if let Some(context) = request() {
        return context.interrupted;
    }
    let interrupted = Arc::new(AtomicBool::new(false));
    for signal in
        [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM, signal_hook::consts::SIGHUP]
    {
        let _ = signal_hook::flag::register(signal, interrupted.clone());
    }
    interrupted
}

/// What a build did, for `watch` to report.
#[derive(Clone, Debug, Default)]
pub struct BuildReport {
    /// The tasks that ran, as `PN:do_task`.
    pub ran: Vec<String>,
    /// The tasks that failed, as `PN:do_task`.
    pub failed: Vec<String>,
}

static LAST_BUILD: Mutex<Option<BuildReport>> = Mutex::new(None);

/// Keeps what the build just did.
pub fn note_build(report: BuildReport) {
    *LAST_BUILD.lock().unwrap_or_else(|e| e.into_inner()) = Some(report);
}

/// What the last build did, once.
pub fn take_build_report() -> Option<BuildReport> {
    LAST_BUILD.lock().unwrap_or_else(|e| e.into_inner()).take()
}

/// What the last revalidation took and found, once.
pub fn take_last_revalidation() -> Option<(Duration, Revalidation)> {
    LAST_REVALIDATION.lock().unwrap_or_else(|e| e.into_inner()).take()
}

/// Whether two environments give BitBake the same configuration: the
/// variables it lets through are the same. Other variables only reach
/// BB_ORIGENV, which BitBake's own server also keeps from its first client.
fn same_configuration_env(old: &[(String, String)], new: &[(String, String)]) -> bool {
    let approved = |env: &[(String, String)]| approved_variables(env);
    let (Some(old_names), Some(new_names)) = (approved(old), approved(new)) else {
        return old == new;
    };
    let pick = |env: &[(String, String)], names: &[String]| {
        let mut kept: Vec<(String, String)> =
            env.iter().filter(|(key, _)| names.contains(key)).cloned().collect();
        kept.sort();
        kept
    };
    old_names == new_names && pick(old, &old_names) == pick(new, &new_names)
}

/// The warm workspace for these arguments, up to date with the disk, or
/// `None` if there is none that fits.
pub fn take_warm(key: &WorkspaceKey, env: &[(String, String)]) -> Option<Workspace> {
    if !is_serving() {
        return None;
    }
    let mut workspace = WARM.lock().unwrap_or_else(|e| e.into_inner()).take()?;
    if workspace.key != *key {
        return None;
    }
    let started = std::time::Instant::now();
    let revalidation = workspace.system.revalidate(&mut workspace.db);
    let old_env = workspace.invocation.env(&workspace.db).clone();
    if !same_configuration_env(&old_env, env) {
        let durability = salsa::Durability::HIGH;
        workspace
            .invocation
            .set_env(&mut workspace.db)
            .with_durability(durability)
            .to(env.to_vec());
    }
    *LAST_REVALIDATION.lock().unwrap_or_else(|e| e.into_inner()) =
        Some((started.elapsed(), revalidation));
    Some(workspace)
}

/// The cancellation token of the database in use, if there is one:
/// cancelling it stops the command's queries at their next step. Salsa
/// clears the token when the outermost query call returns, so a cancel
/// lands in the query running (a plan's whole parse is one) or the next.
pub fn cancellation_token() -> Option<salsa::CancellationToken> {
    TOKEN.lock().unwrap_or_else(|e| e.into_inner()).clone()
}

/// Brings the warm workspace up to date with the disk, if there is one.
pub fn revalidate_warm() -> Option<Revalidation> {
    let mut warm = WARM.lock().unwrap_or_else(|e| e.into_inner());
    let workspace = warm.as_mut()?;
    Some(workspace.system.clone().revalidate(&mut workspace.db))
}

/// Every path the workspace in use has read, with how.
pub fn tracked_paths() -> Vec<(PathBuf, crate::revalidate::ReadKind)> {
    let system = SYSTEM.lock().unwrap_or_else(|e| e.into_inner()).clone();
    system.map(|system| system.tracked()).unwrap_or_default()
}

/// Sets what to do once a build has its plan.
pub fn on_planned(hook: impl Fn() + Send + 'static) {
    *PLANNED.lock().unwrap_or_else(|e| e.into_inner()) = Some(Box::new(hook));
}

/// A build has its plan: every file it depends on has been read.
pub fn planned() {
    if let Some(hook) = &*PLANNED.lock().unwrap_or_else(|e| e.into_inner()) {
        hook();
    }
}

/// What makes two workspaces interchangeable: the directory and the
/// extra configuration files.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorkspaceKey {
    pub cwd: PathBuf,
    pub read: Vec<PathBuf>,
    pub postread: Vec<PathBuf>,
}

/// A command's workspace. In a server it goes back to be reused when the
/// command is done.
pub struct WorkspaceHandle {
    workspace: Option<Workspace>,
}

impl WorkspaceHandle {
    pub fn new(workspace: Workspace) -> WorkspaceHandle {
        if is_serving() {
            *SYSTEM.lock().unwrap_or_else(|e| e.into_inner()) = Some(workspace.system.clone());
            let token = salsa::Database::cancellation_token(&workspace.db);
            *TOKEN.lock().unwrap_or_else(|e| e.into_inner()) = Some(token);
        }
        WorkspaceHandle { workspace: Some(workspace) }
    }
}

impl Deref for WorkspaceHandle {
    type Target = Workspace;
    fn deref(&self) -> &Workspace {
        self.workspace.as_ref().expect("a handle holds its workspace until dropped")
    }
}

impl DerefMut for WorkspaceHandle {
    fn deref_mut(&mut self) -> &mut Workspace {
        self.workspace.as_mut().expect("a handle holds its workspace until dropped")
    }
}

impl Drop for WorkspaceHandle {
    fn drop(&mut self) {
        if is_serving() {
            if let Some(workspace) = self.workspace.take() {
                *WARM.lock().unwrap_or_else(|e| e.into_inner()) = Some(workspace);
            }
        }
    }
}

#[cfg(test)]
mod tests;
