//! The server's state and its dispatch: the lifecycle (initialize,
//! shutdown, exit), requests by method, and notifications, which keep the
//! open buffers and the database's inputs in step.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use lsp_server::{ErrorCode, Message, Notification, Request, RequestId, Response};
use serde_json::Value;

use super::context::{Contexts, Use};
use super::documents::Documents;
use super::{capabilities, transport, Failure, SET_CONTEXT};
use crate::cli::GlobalArgs;
use crate::workspace::Workspace;

/// The parameters of a request, as the type the call site needs, or an
/// InvalidParams failure. (A macro, so that no serde bound is named.)
macro_rules! params {
    ($value:expr) => {
        serde_json::from_value($value).map_err(|error| {
            Failure::new(ErrorCode::InvalidParams, format!("bad parameters: {error}"))
        })
    };
}

/// A result as JSON.
macro_rules! to_value {
    ($value:expr) => {
        serde_json::to_value($value)
            .map_err(|error| Failure::new(ErrorCode::InternalError, error.to_string()))
    };
}

/// How long a revalidation against the disk stays fresh for requests.
const FRESH: Duration = Duration::from_millis(500);

/// Where the session stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    Uninitialized,
    Running,
    ShutDown,
}

/// What the loop does after a message.
#[derive(Debug, PartialEq, Eq)]
pub enum Flow {
    Continue,
    /// The client said `exit`; whether a shutdown came first.
    Exit {
        clean: bool,
    },
}

/// The language server: the engine, the open buffers, the contexts.
pub struct Server<W: Write> {
    out: W,
    phase: Phase,
    topdir: Option<PathBuf>,
    read: Vec<PathBuf>,
    postread: Vec<PathBuf>,
    pub(super) workspace: Option<Workspace>,
    pub(super) documents: Documents,
    pub(super) contexts: Contexts,
    pub(super) published: std::collections::HashMap<PathBuf, Vec<lsp_types::Diagnostic>>,
    /// Open files whose diagnostics may have changed, to publish while no
    /// message waits.
    pub(super) stale_diagnostics: Vec<PathBuf>,
    pub(super) lint_cache: super::lints::LintCache,
    revalidated: Option<Instant>,
    /// Whether inlay hints are wanted (the option `rbake.inlayHints`).
    pub(super) inlay_hints: bool,
}

impl<W: Write> Server<W> {
    pub fn new(global: &GlobalArgs, out: W) -> Server<W> {
        Server {
            out,
            phase: Phase::Uninitialized,
            topdir: global.topdir.clone(),
            read: global.read.clone(),
            postread: global.postread.clone(),
            workspace: None,
            documents: Documents::default(),
            contexts: Contexts::default(),
            published: Default::default(),
            stale_diagnostics: Vec::new(),
            lint_cache: Default::default(),
            revalidated: None,
            inlay_hints: true,
        }
    }

    /// Does one piece of the work that waits for a moment when no message
    /// does (publishing a stale file's diagnostics); whether there was any.
    pub fn idle_work(&mut self) -> std::io::Result<bool> {
        if self.phase != Phase::Running {
            return Ok(false);
        }
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            super::sync::publish_next(self)
        }));
        outcome.unwrap_or_else(|_| {
            eprintln!("rbake lsp: error: publishing diagnostics failed inside rbake");
            Ok(true)
        })
    }

    /// Whether `shutdown` was asked for.
    pub fn shut_down(&self) -> bool {
        self.phase == Phase::ShutDown
    }

    /// Handles one frame's content.
    pub fn handle(&mut self, incoming: transport::Incoming) -> std::io::Result<Flow> {
        match incoming {
            transport::Incoming::Message(Message::Request(request)) => {
                self.request(request)?;
            }
            transport::Incoming::Message(Message::Notification(notification)) => {
                return self.notification(notification);
            }
            transport::Incoming::Message(Message::Response(_)) => {}
            transport::Incoming::NotJson(reason) => {
                eprintln!("rbake lsp: a message is not JSON: {reason}");
                let message = format!("parse error: {reason}");
                transport::write_error(
                    &mut self.out,
                    Value::Null,
                    ErrorCode::ParseError as i32,
                    &message,
                )?;
            }
            transport::Incoming::NotMessage { id, reason } => {
                eprintln!("rbake lsp: a message is no JSON-RPC message: {reason}");
                let message = format!("invalid request: {reason}");
                let code = ErrorCode::InvalidRequest as i32;
                transport::write_error(&mut self.out, id, code, &message)?;
            }
        }
        Ok(Flow::Continue)
    }

    fn request(&mut self, request: Request) -> std::io::Result<()> {
        let id = request.id.clone();
        let result = match self.phase {
            Phase::Uninitialized if request.method != "initialize" => Err(Failure::new(
                ErrorCode::ServerNotInitialized,
                "the server is not initialized yet",
            )),
            Phase::ShutDown => {
                Err(Failure::new(ErrorCode::InvalidRequest, "the server is shutting down"))
            }
            Phase::Running if request.method == "initialize" => {
                Err(Failure::new(ErrorCode::InvalidRequest, "the server is initialized already"))
            }
            _ => self.guarded(request),
        };
        self.respond(id, result)
    }

    /// Runs a request; a panic becomes an internal error, not the end.
    fn guarded(&mut self, request: Request) -> Result<Value, Failure> {
        let outcome =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.dispatch(request)));
        outcome.unwrap_or_else(|_| {
            Err(Failure::new(ErrorCode::InternalError, "the request failed inside rbake"))
        })
    }

    fn dispatch(&mut self, request: Request) -> Result<Value, Failure> {
        let params = request.params;
        match request.method.as_str() {
            "initialize" => self.initialize(&params),
            "shutdown" => {
                self.phase = Phase::ShutDown;
                Ok(Value::Null)
            }
            "textDocument/hover" => {
                self.refresh();
                to_value!(super::hover::hover(self, params!(params)?)?)
            }
            "textDocument/definition" => {
                self.refresh();
                to_value!(super::definition::definition(self, params!(params)?)?)
            }
            "textDocument/completion" => {
                self.refresh();
                to_value!(super::completion::completion(self, params!(params)?)?)
            }
            "textDocument/documentSymbol" => {
                to_value!(super::symbols::document_symbols(self, params!(params)?)?)
            }
            "textDocument/references" => {
                self.refresh();
                to_value!(super::references::references(self, params!(params)?)?)
            }
            "textDocument/inlayHint" => {
                self.refresh();
                to_value!(super::inlay::inlay_hints(self, params!(params)?)?)
            }
            "textDocument/semanticTokens/full" => {
                to_value!(super::semantic::semantic_tokens(self, params!(params)?)?)
            }
            "workspace/executeCommand" => self.execute_command(params!(params)?),
            method => {
                Err(Failure::new(ErrorCode::MethodNotFound, format!("unknown method {method}")))
            }
        }
    }

    /// Answers a request with an error, without running it.
    pub fn reject(&mut self, id: RequestId, failure: Failure) -> std::io::Result<()> {
        self.respond(id, Err(failure))
    }

    fn respond(&mut self, id: RequestId, result: Result<Value, Failure>) -> std::io::Result<()> {
        let response = match result {
            Ok(value) => Response { id, response_result: Ok(value) },
            Err(failure) => Response::new_err(id, failure.code as i32, failure.message),
        };
        self.send(Message::Response(response))
    }

    pub(super) fn send(&mut self, message: Message) -> std::io::Result<()> {
        transport::write(&mut self.out, &message)
    }

    fn initialize(&mut self, params: &Value) -> Result<Value, Failure> {
        let build_dir = self.build_dir(params);
        eprintln!("rbake lsp: the build directory is {}", build_dir.display());
        if !build_dir.join("conf/bblayers.conf").is_file() {
            self.warn_no_layers(&build_dir).map_err(Failure::io)?;
        }
        let global = GlobalArgs {
            topdir: Some(build_dir),
            read: self.read.clone(),
            postread: self.postread.clone(),
        };
        let workspace = Workspace::new(&global, crate::engine::process_env())
            .map_err(|error| Failure::new(ErrorCode::InternalError, error.to_string()))?;
        self.workspace = Some(workspace);
        self.phase = Phase::Running;
        self.inlay_hints = inlay_hints_option(params);
        Ok(capabilities(self.inlay_hints))
    }

    /// Tells the user that the build directory has no layers (the protocol
    /// allows this message while `initialize` is answered).
    fn warn_no_layers(&mut self, build_dir: &Path) -> std::io::Result<()> {
        let message = format!(
            "rbake: {} has no conf/bblayers.conf; set the build directory with the \
             initialization option rbake.buildDir",
            build_dir.display()
        );
        eprintln!("rbake lsp: warning: {message}");
        let params = lsp_types::ShowMessageParams { typ: lsp_types::MessageType::WARNING, message };
        self.send(Message::Notification(Notification::new("window/showMessage".to_owned(), params)))
    }

    /// The build directory: the client's option, else `--topdir`, else the
    /// nearest ancestor of the root with `conf/bblayers.conf`, else the
    /// root, else the working directory.
    fn build_dir(&self, params: &Value) -> PathBuf {
        let options = &params["initializationOptions"];
        let option = options["rbake"]["buildDir"].as_str().or(options["buildDir"].as_str());
        if let Some(dir) = option {
            return as_path(dir);
        }
        if let Some(topdir) = &self.topdir {
            return std::path::absolute(topdir).unwrap_or_else(|_| topdir.clone());
        }
        let root = params["workspaceFolders"][0]["uri"]
            .as_str()
            .or(params["rootUri"].as_str())
            .or(params["rootPath"].as_str())
            .map(as_path);
        let root = root.or_else(|| std::env::current_dir().ok()).unwrap_or_default();
        super::context::find_build_dir(&root)
    }

    fn execute_command(
        &mut self,
        params: lsp_types::ExecuteCommandParams,
    ) -> Result<Value, Failure> {
        if params.command != SET_CONTEXT {
            let message = format!("unknown command {}", params.command);
            return Err(Failure::new(ErrorCode::InvalidParams, message));
        }
        let Some(name) = params.arguments.first().and_then(Value::as_str) else {
            return Err(Failure::new(
                ErrorCode::InvalidParams,
                "rbake.setContext needs a recipe name",
            ));
        };
        let workspace = self.workspace()?;
        let Some(recipe) = self.contexts.find_recipe(workspace, name) else {
            return Err(Failure::new(ErrorCode::RequestFailed, format!("no recipe named {name}")));
        };
        self.contexts.touch(&recipe);
        super::sync::mark_all_stale(self);
        Ok(Value::String(recipe.display().to_string()))
    }

    pub(super) fn workspace(&self) -> Result<&Workspace, Failure> {
        self.workspace
            .as_ref()
            .ok_or_else(|| Failure::new(ErrorCode::ServerNotInitialized, "no workspace"))
    }

    /// The context `path` is evaluated in.
    pub(super) fn context(&mut self, path: &Path) -> Result<super::context::Context, Failure> {
        let workspace = self
            .workspace
            .as_ref()
            .ok_or_else(|| Failure::new(ErrorCode::ServerNotInitialized, "no workspace"))?;
        Ok(self.contexts.context_for(workspace, path, Use::Request))
    }

    /// Brings the database up to date with the disk, unless that was done
    /// a moment ago.
    pub(super) fn refresh(&mut self) {
        if self.revalidated.is_some_and(|at| at.elapsed() < FRESH) {
            return;
        }
        self.revalidate();
    }

    pub(super) fn revalidate(&mut self) {
        if let Some(workspace) = &mut self.workspace {
            let revalidation = workspace.system.revalidate(&mut workspace.db);
            self.revalidated = Some(Instant::now());
            if !revalidation.changed.is_empty() {
                self.contexts.forget_unread();
                self.lint_cache.forget_layers();
            }
        }
    }

    /// The text of a file: the open buffer's, else the database's.
    pub(super) fn text_of(&self, path: &Path) -> Result<String, Failure> {
        if let Some(document) = self.documents.get(path) {
            return Ok(document.text.clone());
        }
        let workspace = self.workspace()?;
        let file = rbake_queries::files::source_file(&workspace.db, path);
        Ok(file.text(&workspace.db).clone())
    }
}

/// Whether the initialization options leave inlay hints on:
/// `{"rbake": {"inlayHints": false}}`, `{"rbake.inlayHints": false}` and
/// `{"inlayHints": false}` turn them off.
fn inlay_hints_option(params: &Value) -> bool {
    let options = &params["initializationOptions"];
    let spellings =
        [&options["rbake"]["inlayHints"], &options["rbake.inlayHints"], &options["inlayHints"]];
    !spellings.iter().any(|value| **value == Value::Bool(false))
}

/// A path from an option or root: a `file:` URI or a plain path.
fn as_path(text: &str) -> PathBuf {
    let from_uri = text
        .parse::<lsp_types::Uri>()
        .ok()
        .filter(|_| text.starts_with("file:"))
        .and_then(|uri| super::documents::uri_to_path(&uri));
    from_uri.unwrap_or_else(|| PathBuf::from(text))
}

/// Notifications for a server that has not initialized are dropped, as
/// the protocol asks, except `exit`.
impl<W: Write> Server<W> {
    fn notification(&mut self, notification: Notification) -> std::io::Result<Flow> {
        if notification.method == "exit" {
            return Ok(Flow::Exit { clean: self.phase == Phase::ShutDown });
        }
        if self.phase != Phase::Running {
            return Ok(Flow::Continue);
        }
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            super::sync::notification(self, notification)
        }));
        match outcome {
            Ok(result) => result.map(|()| Flow::Continue),
            Err(_) => {
                eprintln!("rbake lsp: error: a notification failed inside rbake");
                Ok(Flow::Continue)
            }
        }
    }
}
