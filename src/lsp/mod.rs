//! `rbake lsp`: a language server for BitBake metadata over standard input
//! and output.
//!
//! The server holds its own [`Workspace`](crate::workspace::Workspace) for
//! the build directory, and an open buffer's text is the database's input
//! for its file, so answers count unsaved edits. `transport` frames the
//! messages; `server` runs the lifecycle and dispatches; `sync` keeps the
//! buffers and publishes diagnostics; `context` chooses the recipe a file
//! is evaluated in; `hover`, `definition`, `completion`, `symbols` and
//! `diagnostics` answer.

mod completion;
mod context;
mod cursor;
mod definition;
mod diagnostics;
mod documents;
mod hover;
mod server;
mod symbols;
mod sync;
mod transport;

use std::io::{self, BufRead};
use std::process::ExitCode;

use lsp_server::ErrorCode;
use lsp_types::{
    CompletionOptions, ExecuteCommandOptions, HoverProviderCapability, OneOf, SaveOptions,
    ServerCapabilities, ServerInfo, TextDocumentSyncCapability, TextDocumentSyncKind,
    TextDocumentSyncOptions, TextDocumentSyncSaveOptions,
};
use serde_json::{json, Value};

use crate::cli::GlobalArgs;
use server::{Flow, Server};

/// The command that chooses the recipe context (its argument: a recipe name).
pub const SET_CONTEXT: &str = "rbake.setContext";

/// A request that failed, as its error response says.
#[derive(Debug)]
pub struct Failure {
    pub code: ErrorCode,
    pub message: String,
}

impl Failure {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Failure {
        Failure { code, message: message.into() }
    }

    /// A position or range outside the document.
    pub fn out_of_range(message: String) -> Failure {
        Failure::new(ErrorCode::InvalidParams, message)
    }

    pub fn io(error: io::Error) -> Failure {
        Failure::new(ErrorCode::InternalError, error.to_string())
    }
}

/// Serves the client on standard input and output until it says `exit`
/// or the stream ends or breaks.
pub fn run(global: &GlobalArgs) -> ExitCode {
    let stdin = io::stdin();
    let stdout = io::stdout();
    serve(&mut stdin.lock(), Server::new(global, stdout.lock()))
}

fn serve<W: io::Write>(reader: &mut impl BufRead, mut server: Server<W>) -> ExitCode {
    loop {
        let incoming = match transport::read(reader) {
            Ok(Some(incoming)) => incoming,
            Ok(None) => {
                eprintln!("rbake lsp: the client closed the stream without exit");
                return exit_code(server.shut_down());
            }
            Err(error) => {
                eprintln!("rbake lsp: error: {error}");
                return ExitCode::FAILURE;
            }
        };
        match server.handle(incoming) {
            Ok(Flow::Continue) => {}
            Ok(Flow::Exit { clean }) => return exit_code(clean),
            Err(error) => {
                eprintln!("rbake lsp: error: cannot write to the client: {error}");
                return ExitCode::FAILURE;
            }
        }
    }
}

/// The protocol's exit status: 0 after a shutdown, 1 otherwise.
fn exit_code(clean: bool) -> ExitCode {
    if clean {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// What the server offers, as the `initialize` result.
fn capabilities() -> Value {
    let sync = TextDocumentSyncOptions {
        open_close: Some(true),
        change: Some(TextDocumentSyncKind::INCREMENTAL),
        save: Some(TextDocumentSyncSaveOptions::SaveOptions(SaveOptions {
            include_text: Some(false),
        })),
        ..TextDocumentSyncOptions::default()
    };
    let capabilities = ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Options(sync)),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        definition_provider: Some(OneOf::Left(true)),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(vec!["{".to_owned(), "[".to_owned()]),
            ..CompletionOptions::default()
        }),
        document_symbol_provider: Some(OneOf::Left(true)),
        execute_command_provider: Some(ExecuteCommandOptions {
            commands: vec![SET_CONTEXT.to_owned()],
            ..ExecuteCommandOptions::default()
        }),
        ..ServerCapabilities::default()
    };
    let info = ServerInfo {
        name: "rbake".to_owned(),
        version: Some(env!("CARGO_PKG_VERSION").to_owned()),
    };
    json!({ "capabilities": capabilities, "serverInfo": info })
}
