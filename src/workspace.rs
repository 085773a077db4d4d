//! The build directory and invocation every command shares: where rbake
//! runs, what environment BitBake would see, and the database over the
//! real file system.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rbake_queries::config::{config, Config, Invocation};
use rbake_queries::eval::{normalize, Diagnostic, ParseState, Severity};
use rbake_queries::files::source_file;
use rbake_queries::lower::file_statement_positions;
use rbake_queries::RootDatabase;

use crate::cli::GlobalArgs;
use crate::engine::{take_warm, WorkspaceHandle, WorkspaceKey};
use crate::revalidate::TrackingSystem;

/// A command failed, and has said why on standard error.
#[derive(Debug)]
pub struct Failed;

/// A database and the invocation whose configuration it reads.
pub struct Workspace {
    pub db: RootDatabase,
    pub invocation: Invocation,
    /// The file system behind `db`, which knows what was read.
    pub system: Arc<TrackingSystem>,
    pub(crate) key: WorkspaceKey,
}

impl Workspace {
    /// The workspace for the global options and `env`, the environment
    /// BitBake would be started with.
    pub fn new(global: &GlobalArgs, env: Vec<(String, String)>) -> std::io::Result<Workspace> {
        let key = Workspace::key(global)?;
        let system = Arc::new(TrackingSystem::default());
        let db = RootDatabase::new(system.clone());
        // RBAKE_LOG_REUSE shows which recipes an edit parses again, and why.
        let log_reuse = std::env::var_os("RBAKE_LOG_REUSE").is_some_and(|value| !value.is_empty());
        rbake_queries::files::Db::parse_memory(&db).log_decisions(log_reuse);
        let invocation =
            Invocation::builder(key.cwd.clone(), env, key.read.clone(), key.postread.clone())
                // It changes as seldom as an unedited file (see `files`).
                .durability(salsa::Durability::HIGH)
                .new(&db);
        Ok(Workspace { db, invocation, system, key })
    }

    fn key(global: &GlobalArgs) -> std::io::Result<WorkspaceKey> {
        let cwd = crate::engine::current_dir()?;
        let cwd = match &global.topdir {
            Some(topdir) => std::path::absolute(cwd.join(topdir))?,
            None => cwd,
        };
        let absolute = |paths: &[PathBuf]| paths.iter().map(|p| cwd.join(p)).collect::<Vec<_>>();
        Ok(WorkspaceKey { read: absolute(&global.read), postread: absolute(&global.postread), cwd })
    }

    /// The workspace, or a reported failure. In a server this is the warm
    /// workspace when it fits, revalidated against the disk.
    pub fn open(
        global: &GlobalArgs,
        env: Vec<(String, String)>,
    ) -> Result<WorkspaceHandle, Failed> {
        let report = |error: std::io::Error| {
            eprintln!("error: {error}");
            Failed
        };
        let key = Workspace::key(global).map_err(report)?;
        if let Some(warm) = take_warm(&key, &env) {
            return Ok(WorkspaceHandle::new(warm));
        }
        Workspace::new(global, env).map(WorkspaceHandle::new).map_err(report)
    }

    pub fn config(&self) -> &Config {
        config(&self.db, self.invocation)
    }

    /// The configuration, after its diagnostics are reported; a failure if
    /// any is an error.
    pub fn checked_config(&self) -> Result<&Config, Failed> {
        let config = self.config();
        if self.report(&config.diagnostics) || config.failed {
            return Err(Failed);
        }
        Ok(config)
    }

    /// Prints diagnostics as `file:line:col: severity: message` to stderr;
    /// returns whether any is an error.
    pub fn report(&self, diagnostics: &[Diagnostic]) -> bool {
        for diagnostic in diagnostics {
            eprintln!("{}", self.render(diagnostic));
        }
        diagnostics.iter().any(|diagnostic| diagnostic.severity == Severity::Error)
    }

    fn render(&self, diagnostic: &Diagnostic) -> String {
        let severity = match diagnostic.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let line_col = diagnostic.line_col.or_else(|| {
            let statement = diagnostic.statement?;
            let line = match diagnostic.line_in_statement {
                Some(offset) => {
                    self.statement_first_line(&diagnostic.file, statement)? + offset - 1
                }
                None => self.statement_line(&diagnostic.file, statement)?,
            };
            Some((line, 1))
        });
        match line_col {
            Some((line, col)) => format!(
                "{}:{line}:{col}: {severity}: {}",
                diagnostic.file.display(),
                diagnostic.message
            ),
            None => format!("{}: {severity}: {}", diagnostic.file.display(), diagnostic.message),
        }
    }

    /// The first line of a statement.
    pub fn statement_first_line(&self, file: &Path, statement: u32) -> Option<u32> {
        let file = source_file(&self.db, file);
        file_statement_positions(&self.db, file)
            .get(statement as usize)
            .map(|position| position.first_line)
    }

    /// The line BitBake reports for a statement: its last.
    pub fn statement_line(&self, file: &Path, statement: u32) -> Option<u32> {
        let file = source_file(&self.db, file);
        file_statement_positions(&self.db, file)
            .get(statement as usize)
            .map(|position| position.last_line)
    }
}

/// The process environment.
impl Workspace {
    /// The line BitBake gives as a function's `lineno` flag: where its
    /// definition starts. Positions are kept out of the datastore, so they
    /// are looked up here.
    pub fn function_line(&self, state: &ParseState, name: &str) -> Option<u32> {
        let site = state.function_sites.iter().find(|site| site.name == name)?;
        // Files are known to the database under their normal paths.
        let line = self.statement_first_line(&normalize(&site.file), site.statement)?;
        Some(if site.python_def { line - 1 } else { line })
    }
}

/// The running rbake binary, to start workers from. `/proc/self/exe`
/// names the very binary this process runs even when the file has been
/// replaced since (a rebuild during a long parse), so a worker always
/// speaks this process's protocol.
pub fn self_executable() -> std::io::Result<PathBuf> {
    let proc_self = PathBuf::from("/proc/self/exe");
    if proc_self.exists() {
        return Ok(proc_self);
    }
    std::env::current_exe()
}

pub use crate::engine::process_env;

/// Writes `path` whole or not at all: a temporary file beside it, renamed
/// over it once written.
pub fn write_atomically(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    let name = path.file_name().map(|name| name.to_string_lossy()).unwrap_or_default();
    let temporary = path.with_file_name(format!(".{name}.rbake-{}", std::process::id()));
    std::fs::write(&temporary, contents)?;
    std::fs::rename(&temporary, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&temporary);
    })
}
