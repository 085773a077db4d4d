//! The dispatcher: runs the plan's tasks through the worker, at most `jobs`
//! at once, each when its dependencies are done, in the scheduler's order.
//! A task whose stamp is current is skipped; a `noexec` task only gets its
//! stamp. It stops early on a failure (unless `-k`) or an interrupt.

use std::collections::{BTreeSet, HashMap};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use nix::sys::signal::{killpg, Signal};
use nix::unistd::Pid;
use serde_json::Value;

use super::events::{report_event, TaskReport};
use super::lock::RunningRecord;
use super::stamps::{timestamp, write_stamp, StampNaming, StampSite};
use super::ui::Console;
use super::worker::{TaskOrder, WorkerHandle};

/// A task of the plan, with what running it needs.
#[derive(Clone, Debug)]
pub struct BuildTask {
    /// `FILE:do_task`.
    pub tid: String,
    pub fn_name: String,
    pub task: String,
    /// `PN-PV-PR`, as BitBake names recipes in task messages.
    pub pf: String,
    pub depends: Vec<usize>,
    pub noexec: bool,
    pub nostamp: bool,
    pub stamp: StampSite,
    pub taskhash: String,
    pub unihash: String,
    /// The task's place in BitBake's runqueue.
    pub runq_index: usize,
}

/// How the dispatcher runs.
pub struct DispatchOptions {
    pub jobs: usize,
    pub keep_going: bool,
    pub naming: StampNaming,
    /// Each task's rank from the scheduler; lower runs first.
    pub rank: Vec<usize>,
    /// `number_threads` per task name: how many may run at once.
    pub number_threads: HashMap<String, usize>,
    /// Set by SIGINT / SIGTERM.
    pub interrupted: Arc<AtomicBool>,
    /// Tasks a setscene task covered: skipped like current ones.
    pub covered: Vec<bool>,
    /// Whether these are setscene tasks, whose failure only means the real
    /// task runs.
    pub setscene: bool,
    /// Tasks that run whatever their stamps say: `nostamp` tasks and all
    /// that depend on them (BitBake taints a nostamp task's hash afresh on
    /// every run, which changes every hash above it).
    pub always_run: Vec<bool>,
    /// For the "Running task N of M" lines: tasks counted before these,
    /// and the total, when they are part of a larger set.
    pub numbering: Option<(usize, usize)>,
    /// `-n`: go through the motions; run nothing and write no stamp.
    pub dry_run: bool,
    /// Each task's own BB_TASKDEPDATA entry (`taskdepdata::entries`), for
    /// real tasks.
    pub taskdepdata: Option<Vec<Value>>,
}

/// What happened, for the summary.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Tasks run (or skipped) to success, BitBake's `stats.completed`.
    pub completed: usize,
    /// Tasks that did not need to run.
    pub skipped: usize,
    /// Failed tasks, each with its log file if it has one.
    pub failed: Vec<(usize, Option<String>)>,
    pub interrupted: bool,
    /// Tasks the worker ran to success.
    pub ran: Vec<usize>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    Waiting,
    Running,
    Done,
    Failed,
    /// Not run, because something it depends on failed.
    Blocked,
}

struct Dispatcher<'a, 'r> {
    tasks: &'a [BuildTask],
    options: &'a DispatchOptions,
    dependents: Vec<Vec<usize>>,
    deps_left: Vec<usize>,
    state: Vec<State>,
    ready: BTreeSet<(usize, usize)>,
    running: HashMap<usize, Option<u32>>,
    outcome: Outcome,
    stopping: bool,
    record: &'r mut RunningRecord,
    /// Each running task's log file, once its start event has named it.
    logs: HashMap<usize, String>,
}

/// Runs `tasks` and reports progress on `console`.
pub fn dispatch(
    tasks: &[BuildTask],
    options: &DispatchOptions,
    worker: &mut WorkerHandle,
    console: &mut Console,
    record: &mut RunningRecord,
) -> Outcome {
    let mut dependents = vec![Vec::new(); tasks.len()];
    for (index, task) in tasks.iter().enumerate() {
        for &dep in &task.depends {
            dependents[dep].push(index);
        }
    }
    let deps_left: Vec<usize> = tasks.iter().map(|task| task.depends.len()).collect();
    let ready = (0..tasks.len())
        .filter(|&index| deps_left[index] == 0)
        .map(|index| (options.rank[index], index))
        .collect();
    let mut dispatcher = Dispatcher {
        tasks,
        options,
        dependents,
        deps_left,
        state: vec![State::Waiting; tasks.len()],
        ready,
        running: HashMap::new(),
        outcome: Outcome::default(),
        stopping: false,
        record,
        logs: HashMap::new(),
    };
    dispatcher.run(worker, console);
    dispatcher.outcome
}

impl Dispatcher<'_, '_> {
    fn run(&mut self, worker: &mut WorkerHandle, console: &mut Console) {
        let mut terminated_at: Option<Instant> = None;
        loop {
            if self.options.interrupted.load(Ordering::Relaxed) && !self.outcome.interrupted {
                self.outcome.interrupted = true;
                self.stopping = true;
                console.note(&format!("Sending SIGTERM to remaining {} tasks", self.running.len()));
                self.signal_running(Signal::SIGTERM);
                terminated_at = Some(Instant::now());
            }
            if terminated_at.is_some_and(|at| at.elapsed() > Duration::from_secs(10)) {
                self.signal_running(Signal::SIGKILL);
                terminated_at = None;
            }
            while !self.stopping && self.running.len() < self.options.jobs {
                let Some(index) = self.next_ready() else { break };
                self.start(index, worker, console);
            }
            if self.running.is_empty() && (self.stopping || self.ready.is_empty()) {
                break;
            }
            console.flush();
            match worker.messages.recv_timeout(Duration::from_millis(100)) {
                Ok(message) => self.receive(&message, console),
                Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {}
                Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
                    console.error("The worker exited unexpectedly");
                    for index in self.running.keys().copied().collect::<Vec<_>>() {
                        self.fail(index, None, console);
                    }
                    break;
                }
            }
        }
    }

    /// The ready task with the best rank whose name is under its
    /// `number_threads` limit.
    fn next_ready(&mut self) -> Option<usize> {
        let limits = &self.options.number_threads;
        let found = self.ready.iter().copied().find(|&(_, index)| {
            let name = &self.tasks[index].task;
            limits.get(name).is_none_or(|&limit| {
                let running_now =
                    self.running.keys().filter(|&&other| self.tasks[other].task == *name).count();
                running_now < limit
            })
        })?;
        self.ready.remove(&found);
        Some(found.1)
    }

    fn start(&mut self, index: usize, worker: &mut WorkerHandle, console: &mut Console) {
        let task = &self.tasks[index];
        let (before, total) = self.options.numbering.unwrap_or((0, self.tasks.len()));
        let number =
            before + self.outcome.completed + self.running.len() + self.outcome.failed.len() + 1;
        if self.options.covered.get(index).copied().unwrap_or(false) {
            console.verbose(&format!("Task {} is covered by shared state", task.tid));
            self.outcome.skipped += 1;
            self.succeed(index, console);
            return;
        }
        let always_run = self.options.always_run.get(index).copied().unwrap_or(false);
        if !self.options.setscene
            && !always_run
            && stamp_current(self.tasks, index, self.options.naming, false)
        {
            console.verbose(&format!("Task {} is current, not rerunning", task.tid));
            self.outcome.skipped += 1;
            self.succeed(index, console);
            return;
        }
        if task.noexec {
            console.note(&format!("Running noexec task {number} of {total} ({})", task.tid));
            if !task.nostamp && !self.options.dry_run {
                if let Some(path) = task.stamp.path(self.options.naming) {
                    if let Err(error) = write_stamp(&path) {
                        console.error(&format!("Cannot write {}: {error}", path.display()));
                        self.fail(index, None, console);
                        return;
                    }
                }
            }
            self.succeed(index, console);
            return;
        }
        let kind = if self.options.setscene { "setscene task" } else { "task" };
        console.note(&format!("Running {kind} {number} of {total} ({})", task.tid));
        if self.options.dry_run {
            self.succeed(index, console);
            return;
        }
        let order = TaskOrder {
            id: index,
            fn_name: task.fn_name.clone(),
            task: task.task.clone(),
            taskhash: task.taskhash.clone(),
            unihash: task.unihash.clone(),
            taskdepdata: self
                .options
                .taskdepdata
                .as_ref()
                .map(|entries| super::taskdepdata::for_task(self.tasks, entries, index)),
        };
        self.state[index] = State::Running;
        self.running.insert(index, None);
        console.started(&self.label(index));
        if let Err(error) = worker.send(&order) {
            console.error(&format!("Cannot reach the worker: {error}"));
            self.fail(index, None, console);
        }
    }

    fn receive(&mut self, message: &Value, console: &mut Console) {
        let id = |key: &str| message.get(key).and_then(Value::as_u64).map(|id| id as usize);
        if let Some(index) = id("started") {
            let pid = message.get("pid").and_then(Value::as_u64).map(|pid| pid as u32);
            if let (Some(slot), Some(pid)) = (self.running.get_mut(&index), pid) {
                *slot = Some(pid);
                self.record.add(pid);
            }
        } else if let Some(index) = id("exited") {
            if let Some(Some(pid)) = self.running.get(&index) {
                self.record.remove(*pid);
            }
            let status = message.get("status").and_then(Value::as_i64).unwrap_or(1);
            if let Some(error) = message.get("error").and_then(Value::as_str) {
                console.error(&format!("{}: {error}", self.tasks[index].tid));
            }
            if status == 0 {
                self.outcome.ran.push(index);
                self.succeed(index, console);
            } else {
                let task = &self.tasks[index];
                if !self.outcome.interrupted {
                    console.error(&format!("Task ({}) failed with exit code '{status}'", task.tid));
                }
                let log = self.log_of(index);
                self.fail(index, log, console);
            }
        } else {
            let pid = message.get("pid").and_then(Value::as_u64).map(|pid| pid as u32);
            let index = pid.and_then(|pid| {
                self.running.iter().find(|(_, &known)| known == Some(pid)).map(|(&index, _)| index)
            });
            let report = index.map(|index| TaskReport {
                pf: &self.tasks[index].pf,
                task: &self.tasks[index].task,
            });
            let logfile = report_event(message, report, console);
            if let (Some(index), Some(logfile)) = (index, logfile) {
                self.logs.insert(index, logfile);
            }
        }
    }

    fn log_of(&mut self, index: usize) -> Option<String> {
        self.logs.remove(&index)
    }

    fn label(&self, index: usize) -> String {
        let task = &self.tasks[index];
        format!("{}:{}", task.pf, task.task)
    }

    fn succeed(&mut self, index: usize, console: &mut Console) {
        let was_running = self.running.remove(&index).is_some();
        console.finished(was_running.then(|| self.label(index)).as_deref());
        self.state[index] = State::Done;
        self.outcome.completed += 1;
        for &dependent in &self.dependents[index] {
            self.deps_left[dependent] -= 1;
            if self.deps_left[dependent] == 0 && self.state[dependent] == State::Waiting {
                self.ready.insert((self.options.rank[dependent], dependent));
            }
        }
    }

    fn fail(&mut self, index: usize, log: Option<String>, console: &mut Console) {
        let was_running = self.running.remove(&index).is_some();
        console.finished(was_running.then(|| self.label(index)).as_deref());
        self.state[index] = State::Failed;
        self.outcome.failed.push((index, log));
        if !self.options.keep_going {
            self.stopping = true;
            return;
        }
        // Everything that depends on the failed task, however indirectly,
        // will not run.
        let mut stack = vec![index];
        while let Some(at) = stack.pop() {
            for &dependent in &self.dependents[at] {
                if self.state[dependent] == State::Waiting {
                    self.state[dependent] = State::Blocked;
                    self.ready.remove(&(self.options.rank[dependent], dependent));
                    stack.push(dependent);
                }
            }
        }
    }

    fn signal_running(&self, signal: Signal) {
        for pid in self.running.values().flatten() {
            let _ = killpg(Pid::from_raw(*pid as i32), signal);
        }
    }
}

/// BitBake's stamp check: the stamp for the current hash exists, the task
/// is not `nostamp`, and no stamp of a task of the same recipe that it
/// depends on is missing or newer (with `recurse`, those tasks must be
/// current too).
pub fn stamp_current(
    tasks: &[BuildTask],
    index: usize,
    naming: StampNaming,
    recurse: bool,
) -> bool {
    let task = &tasks[index];
    let Some(stamp) = task.stamp.path(naming) else { return false };
    let Some(own) = timestamp(&stamp) else { return false };
    if task.nostamp {
        return false;
    }
    for &dep_index in &task.depends {
        let dep = &tasks[dep_index];
        let dep_time = dep.stamp.path(naming).and_then(|path| timestamp(&path));
        let setscene_time = dep.stamp.setscene_path(naming).and_then(|path| timestamp(&path));
        if let Some(setscene) = setscene_time {
            if dep_time.is_none_or(|time| setscene > time) {
                continue;
            }
        }
        if dep.fn_name != task.fn_name {
            continue;
        }
        if dep_time.is_none_or(|time| own < time) {
            return false;
        }
        if recurse && !stamp_current(tasks, dep_index, naming, true) {
            return false;
        }
    }
    true
}

/// Which tasks run whatever their stamps say: `nostamp` tasks and every
/// task that depends on one, however indirectly.
pub fn always_run(tasks: &[BuildTask]) -> Vec<bool> {
    let mut dependents = vec![Vec::new(); tasks.len()];
    for (index, task) in tasks.iter().enumerate() {
        task.depends.iter().for_each(|&dep| dependents[dep].push(index));
    }
    let mut marked = vec![false; tasks.len()];
    let mut stack: Vec<usize> = (0..tasks.len()).filter(|&index| tasks[index].nostamp).collect();
    while let Some(at) = stack.pop() {
        if !std::mem::replace(&mut marked[at], true) {
            stack.extend(&dependents[at]);
        }
    }
    marked
}
