//! The worker process that runs tasks, and rbake's handle on it.
//!
//! `rbake build` starts `rbake __worker` once, with the same options, as
//! BitBake starts bitbake-worker. The worker parses the recipes whose tasks
//! it is asked to run and forks one child per task (see
//! `rbake_queries::python::fork_task`), so no task's Python runs in rbake's
//! own process. It stays single-threaded, because it forks.
//!
//! The protocol is JSON lines. rbake writes a [`TaskOrder`] per task to
//! the worker's standard input; the worker writes `{"started", "pid"}` and
//! `{"exited", "status"}` lines to its standard output, and each task's
//! child adds its events (`{"event": ...}` lines with its `pid`) to the
//! same pipe. End of input tells the worker to stop its tasks and leave.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::os::fd::AsFd;
use std::os::unix::net::UnixStream;
use std::process::{Child, ChildStdin, Command, ExitCode, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use nix::poll::{poll, PollFd, PollFlags, PollTimeout};
use nix::sys::signal::{killpg, Signal};
use nix::sys::wait::{waitpid, WaitPidFlag, WaitStatus};
use nix::unistd::Pid;
use rbake_queries::datastore::Provenance;
use rbake_queries::eval::ParseState;
use rbake_queries::plan::cache::variant_by_fn;
use rbake_queries::python::{fork_task, make_session, PythonSession, TaskLaunch};
use serde_json::{json, Value};

use crate::cli::GlobalArgs;
use crate::workspace::{process_env, Workspace};

/// One task for the worker to run.
#[derive(Debug, Clone)]
pub struct TaskOrder {
    pub id: usize,
    pub fn_name: String,
    pub task: String,
    pub taskhash: String,
    pub unihash: String,
    /// BB_TASKDEPDATA, when the task gets it.
    pub taskdepdata: Option<Value>,
}

impl TaskOrder {
    fn to_line(&self) -> String {
        let order = json!({ "id": self.id, "fn": self.fn_name, "task": self.task,
            "taskhash": self.taskhash, "unihash": self.unihash, "taskdepdata": self.taskdepdata });
        format!("{order}\n")
    }

    fn from_value(value: &Value) -> Option<TaskOrder> {
        let text = |key: &str| value.get(key)?.as_str().map(str::to_owned);
        Some(TaskOrder {
            id: value.get("id")?.as_u64()? as usize,
            fn_name: text("fn")?,
            task: text("task")?,
            taskhash: text("taskhash")?,
            unihash: text("unihash")?,
            taskdepdata: value.get("taskdepdata").filter(|data| !data.is_null()).cloned(),
        })
    }
}

/// rbake's side of a running worker.
pub struct WorkerHandle {
    child: Child,
    input: Option<ChildStdin>,
    /// Every line the worker (or a task's child) wrote, parsed.
    pub messages: Receiver<Value>,
}

impl WorkerHandle {
    /// Starts `rbake __worker` with the options that chose this
    /// configuration.
    pub fn start(global: &GlobalArgs) -> std::io::Result<WorkerHandle> {
        let mut command = Command::new(crate::workspace::self_executable()?);
        command.args(global.to_args()).arg("__worker").stdin(Stdio::piped()).stdout(Stdio::piped());
        // In a server, the worker runs as the client would have run it.
        command.env_clear().envs(crate::engine::process_env());
        command.current_dir(crate::engine::current_dir()?);
        let mut child = command.spawn()?;
        let input = child.stdin.take();
        let output = child.stdout.take().expect("the worker's output is piped");
        let (sender, messages) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(output).lines() {
                let Ok(line) = line else { break };
                let value =
                    serde_json::from_str(&line).unwrap_or_else(|_| json!({ "output": line }));
                if sender.send(value).is_err() {
                    break;
                }
            }
        });
        Ok(WorkerHandle { child, input, messages })
    }

    /// Asks the worker to run a task.
    pub fn send(&mut self, order: &TaskOrder) -> std::io::Result<()> {
        let input = self.input.as_mut().ok_or(std::io::ErrorKind::BrokenPipe)?;
        input.write_all(order.to_line().as_bytes())?;
        input.flush()
    }

    /// Closes the worker's input, so that it leaves, and waits for it.
    pub fn finish(mut self) {
        self.input = None;
        let _ = self.child.wait();
    }
}

/// The worker's main loop: `rbake __worker`.
pub fn run(global: &GlobalArgs) -> ExitCode {
    // Ctrl-C reaches rbake and its worker alike; rbake decides what stops.
    let _ = unsafe_free_ignore_interrupt();
    let workspace = match Workspace::new(global, process_env()) {
        Ok(workspace) => workspace,
        Err(error) => {
            eprintln!("ERROR: the worker cannot start: {error}");
            return ExitCode::FAILURE;
        }
    };
    let Ok((child_exits, notifier)) = UnixStream::pair() else {
        eprintln!("ERROR: the worker cannot make its signal pipe");
        return ExitCode::FAILURE;
    };
    if signal_hook::low_level::pipe::register(signal_hook::consts::SIGCHLD, notifier).is_err() {
        eprintln!("ERROR: the worker cannot watch its children");
        return ExitCode::FAILURE;
    }
    let _ = child_exits.set_nonblocking(true);
    let mut worker = Worker { workspace, sessions: HashMap::new(), children: HashMap::new() };
    let mut pending = Vec::new();
    let mut open = true;
    while open || !worker.children.is_empty() {
        let stdin = std::io::stdin();
        let mut fds = vec![PollFd::new(child_exits.as_fd(), PollFlags::POLLIN)];
        if open {
            fds.push(PollFd::new(stdin.as_fd(), PollFlags::POLLIN));
        }
        let _ = poll(&mut fds, PollTimeout::from(200u16));
        let input_ready = open && fds[1].revents().is_some_and(|events| !events.is_empty());
        drain(&child_exits);
        if input_ready {
            let mut buffer = [0u8; 65536];
            match nix::unistd::read(stdin.as_fd(), &mut buffer) {
                Ok(0) | Err(_) => {
                    open = false;
                    worker.stop_all();
                }
                Ok(count) => {
                    pending.extend_from_slice(&buffer[..count]);
                    while let Some(end) = pending.iter().position(|&byte| byte == b'\n') {
                        let line: Vec<u8> = pending.drain(..=end).collect();
                        let value: Option<Value> = serde_json::from_slice(&line).ok();
                        if let Some(order) = value.as_ref().and_then(TaskOrder::from_value) {
                            worker.start(&order);
                        }
                    }
                }
            }
        }
        worker.reap();
    }
    ExitCode::SUCCESS
}

/// Ignores SIGINT in this process (the worker); children restore it.
fn unsafe_free_ignore_interrupt() -> std::io::Result<()> {
    // Registering a handler that does nothing keeps the default action
    // from ending the worker, without an unsafe `signal` call.
    signal_hook::flag::register(
        signal_hook::consts::SIGINT,
        std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false)),
    )
    .map(|_| ())
}

/// Empties the self-pipe the SIGCHLD handler writes to.
fn drain(stream: &UnixStream) {
    let mut buffer = [0u8; 256];
    while let Ok(count) = std::io::Read::read(&mut &*stream, &mut buffer) {
        if count == 0 {
            break;
        }
    }
}

struct Worker {
    workspace: Workspace,
    /// Per datastore: the state tasks run against and its session.
    sessions: HashMap<String, (ParseState, PythonSession)>,
    /// Running children: process id to task id.
    children: HashMap<i32, usize>,
}

impl Worker {
    fn start(&mut self, order: &TaskOrder) {
        match self.fork(order) {
            Ok(pid) => {
                self.children.insert(pid as i32, order.id);
                say(&json!({ "started": order.id, "pid": pid }));
            }
            Err(message) => {
                say(&json!({ "exited": order.id, "status": 1, "error": message }));
            }
        }
    }

    fn fork(&mut self, order: &TaskOrder) -> Result<u32, String> {
        if !self.sessions.contains_key(&order.fn_name) {
            let (db, invocation) = (&self.workspace.db, self.workspace.invocation);
            let variant = variant_by_fn(db, invocation, &order.fn_name)
                .ok_or_else(|| format!("no parsed datastore for {}", order.fn_name))?;
            let state = with_function_lines(&self.workspace, &variant.state);
            let session = make_session(&state)?;
            self.sessions.insert(order.fn_name.clone(), (state, session));
        }
        let (state, session) = &self.sessions[&order.fn_name];
        let taskdepdata = order.taskdepdata.as_ref().map(Value::to_string);
        let launch = TaskLaunch {
            fn_name: &order.fn_name,
            task: &order.task,
            taskhash: &order.taskhash,
            unihash: &order.unihash,
            taskdepdata: taskdepdata.as_deref(),
        };
        fork_task(state, session, &launch)
    }

    /// Reports every child that has exited.
    fn reap(&mut self) {
        loop {
            let status = match waitpid(Pid::from_raw(-1), Some(WaitPidFlag::WNOHANG)) {
                Ok(WaitStatus::StillAlive) | Err(_) => return,
                Ok(status) => status,
            };
            let (pid, code, signal) = match status {
                WaitStatus::Exited(pid, code) => (pid, code, None),
                WaitStatus::Signaled(pid, signal, _) => {
                    (pid, 128 + signal as i32, Some(signal.as_str()))
                }
                _ => continue,
            };
            if let Some(id) = self.children.remove(&pid.as_raw()) {
                say(&json!({ "exited": id, "status": code, "signal": signal }));
            }
        }
    }

    /// Stops every running task: SIGTERM to its process group, then, after
    /// a grace period, SIGKILL.
    fn stop_all(&mut self) {
        for &pid in self.children.keys() {
            let _ = killpg(Pid::from_raw(pid), Signal::SIGTERM);
        }
        let deadline = Instant::now() + Duration::from_secs(5);
        while !self.children.is_empty() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
            self.reap();
        }
        for &pid in self.children.keys() {
            let _ = killpg(Pid::from_raw(pid), Signal::SIGKILL);
        }
    }
}

/// The state with each function's `lineno` flag, as BitBake's datastore
/// has it (rbake keeps positions out of the datastore), so that tracebacks
/// and run files name the lines of the metadata.
fn with_function_lines(workspace: &Workspace, state: &ParseState) -> ParseState {
    let mut state = state.clone();
    let provenance = Provenance::internal("<lineno>");
    let sites: Vec<String> = state.function_sites.iter().map(|site| site.name.clone()).collect();
    for name in sites {
        let is_function =
            state.datastore.get_var_flag(&name, "func", false).ok().flatten().is_some();
        if let (true, Some(line)) = (is_function, workspace.function_line(&state, &name)) {
            let _ = state.datastore.set_var_flag(&name, "lineno", line.to_string(), &provenance);
        }
    }
    state
}

/// Writes one line to rbake.
fn say(value: &Value) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{value}");
    let _ = out.flush();
}
