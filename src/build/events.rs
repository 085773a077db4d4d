//! What a task's child reports while it runs (events and messages, as
//! JSON lines), shown as knotty shows them.

use serde_json::Value;

use super::ui::Console;

/// The task an event came from.
#[derive(Clone, Copy, Debug)]
pub struct TaskReport<'a> {
    pub pf: &'a str,
    pub task: &'a str,
}

/// Shows one line from a task's child; returns the task's log file if the
/// line names it.
pub fn report_event(
    message: &Value,
    task: Option<TaskReport<'_>>,
    console: &mut Console,
) -> Option<String> {
    let text = |key: &str| message.get(key).and_then(Value::as_str);
    let prefix = task.map(|task| format!("{} {}: ", task.pf, task.task)).unwrap_or_default();
    if let Some(line) = text("output") {
        console.line(line);
        return None;
    }
    if let Some(level) = text("log") {
        let body = text("message").unwrap_or_default();
        match level {
            "ERROR" | "CRITICAL" => console.error(&format!("{prefix}{body}")),
            "WARNING" => console.warning(&format!("{prefix}{body}")),
            "PLAIN" => console.line(body),
            _ => console.verbose(&format!("{prefix}{body}")),
        }
        return None;
    }
    let event = text("event")?;
    let logfile = text("logfile").map(str::to_owned);
    if let Some(task) = task {
        match event {
            "TaskStarted" | "TaskSucceeded" => {
                let state = &event[4..];
                console.note(&format!("recipe {}: task {}: {state}", task.pf, task.task));
            }
            "TaskFailed" | "TaskFailedSilent" => {
                console.line(&format!("NOTE: recipe {}: task {}: Failed", task.pf, task.task));
            }
            _ => {}
        }
    }
    logfile
}
