//! From parsed recipes to a plan, as BitBake's cooker, `bb.taskdata` and
//! the runqueue do it: providers are chosen for the targets and
//! everything they need, the tasks of the chosen recipes are linked by
//! their dependency flags, and the tasks the targets need are put in an
//! order that runs every task after its dependencies.
//!
//! Each step is a query: [`cache::provider_index`] (who provides what),
//! [`providers::build_providers`] and [`providers::runtime_providers`]
//! (one per name), and [`task_graph`] (one per request).

pub mod cache;
mod close_matches;
mod dynamic;
mod lookup;
pub mod providers;
mod runqueue;
mod schedule;
mod targets;
mod taskdata;
pub mod version;
mod world;

pub use schedule::{Plan, PlannedTask};
pub use targets::{find_versions, VersionRow};
pub use world::{universe_targets, world_targets};

use crate::config::Invocation;
use crate::files::Db;

/// A build-time or runtime name, as a query key.
#[salsa::interned(debug)]
pub struct Name {
    #[returns(ref)]
    pub text: String,
}

/// A task name with BitBake's `do_` prefix, added if missing.
pub(crate) fn with_do(task: &str) -> String {
    if task.starts_with("do_") {
        task.to_owned()
    } else {
        format!("do_{task}")
    }
}

/// How serious a message is, as BitBake's log levels.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Level {
    Note,
    Warning,
    Error,
}

/// A message for the user, worded as BitBake words it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Message {
    pub level: Level,
    pub text: String,
}

impl Message {
    pub fn note(text: impl Into<String>) -> Message {
        Message { level: Level::Note, text: text.into() }
    }

    pub fn warning(text: impl Into<String>) -> Message {
        Message { level: Level::Warning, text: text.into() }
    }

    pub fn error(text: impl Into<String>) -> Message {
        Message { level: Level::Error, text: text.into() }
    }
}

/// What to plan: the command line's targets and options.
#[salsa::interned(debug)]
pub struct PlanRequest {
    #[returns(ref)]
    pub targets: Vec<String>,
    /// `-c TASK`; BB_DEFAULT_TASK when absent.
    #[returns(ref)]
    pub task: Option<String>,
    #[returns(ref)]
    pub runall: Vec<String>,
    #[returns(ref)]
    pub runonly: Vec<String>,
    /// `-I NAME`: more names to assume provided.
    #[returns(ref)]
    pub assume_provided: Vec<String>,
    /// Whether an unbuildable dependency is left out rather than failing
    /// the plan (graph generation does so).
    pub allow_incomplete: bool,
}

/// The plan for a request, or the messages that explain why there is
/// none. The messages come either way.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlanOutcome {
    pub plan: Option<Plan>,
    pub messages: Vec<Message>,
}

/// The plan for `request`.
#[salsa::tracked(returns(ref))]
pub fn plan<'db>(
    db: &'db dyn Db,
    invocation: Invocation,
    request: PlanRequest<'db>,
) -> PlanOutcome {
    targets::plan(db, invocation, request)
}
