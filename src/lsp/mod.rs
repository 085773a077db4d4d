//! `rbake lsp`: a language server for BitBake metadata over standard input
//! and output.
//!
//! The server holds its own [`Workspace`](crate::workspace::Workspace) for
//! the build directory, and an open buffer's text is the database's input
//! for its file, so answers count unsaved edits. `transport` frames the
//! messages; `server` runs the lifecycle and dispatches; `sync` keeps the
//! buffers and publishes diagnostics; `context` chooses the recipe a file
//! is evaluated in; `hover`, `definition`, `references`, `completion`,
//! `symbols`, `inlay`, `semantic` and `diagnostics` (with `lints`) answer.
//!
//! A thread reads the frames into a channel, so the loop sees the messages
//! that wait behind the one it handles: a request whose document a queued
//! `didChange` edits gets ContentModified, and one a queued
//! `$/cancelRequest` names gets RequestCancelled, instead of an answer.
//! Work that can wait (other files' diagnostics) is done only while no
//! message does.

mod completion;
mod context;
mod cursor;
mod definition;
mod diagnostics;
mod documents;
mod hover;
mod inlay;
mod lints;
mod recipe_index;
mod references;
mod semantic;
mod server;
mod symbols;
mod sync;
mod task_hover;
mod transport;

use std::collections::VecDeque;
use std::io::{self, Write};
use std::process::ExitCode;
use std::sync::mpsc::{channel, Receiver};

use lsp_server::{ErrorCode, Message, Request};
use lsp_types::{
    CompletionOptions, ExecuteCommandOptions, HoverProviderCapability, OneOf, SaveOptions,
    SemanticTokensFullOptions, SemanticTokensOptions, ServerCapabilities, ServerInfo,
    TextDocumentSyncCapability, TextDocumentSyncKind, TextDocumentSyncOptions,
    TextDocumentSyncSaveOptions,
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

/// What the reader thread passes on: a frame, the end of the stream, or
/// why the stream cannot go on.
type Frame = Result<Option<transport::Incoming>, transport::FrameError>;

/// How many bytes of the client's stream are read at once.
const READ_BUFFER: usize = 1 << 16;

/// Serves the client on standard input and output until it says `exit`
/// or the stream ends or breaks.
pub fn run(global: &GlobalArgs) -> ExitCode {
    let (sender, frames) = channel();
    std::thread::spawn(move || {
        let mut stdin = io::BufReader::with_capacity(READ_BUFFER, io::stdin());
        loop {
            let batch = read_batch(&mut stdin);
            let last = ends_stream(&batch);
            if sender.send(batch).is_err() || last {
                return;
            }
        }
    });
    let stdout = io::stdout();
    serve(&frames, Server::new(global, stdout.lock()))
}

/// The next frame and every frame after it whose bytes have arrived with
/// it (read already), so that the loop sees them together.
fn read_batch<R: io::Read>(reader: &mut io::BufReader<R>) -> Vec<Frame> {
    let mut batch = Vec::new();
    loop {
        let frame = transport::read(reader);
        let last = !matches!(frame, Ok(Some(_)));
        batch.push(frame);
        if last || reader.buffer().is_empty() {
            return batch;
        }
    }
}

/// Whether a batch ends with the stream's end or a broken frame.
fn ends_stream(batch: &[Frame]) -> bool {
    batch.last().is_some_and(|frame| !matches!(frame, Ok(Some(_))))
}

/// Serves the frames in `bytes` as if a client had written them all at
/// once, to a server whose answers are dropped. The fuzz target's entry
/// (fuzz/fuzz_targets/lsp.rs), which no command uses.
#[allow(dead_code)]
pub fn serve_bytes(global: &GlobalArgs, bytes: &[u8]) -> ExitCode {
    let (sender, frames) = channel();
    let mut reader = io::BufReader::new(bytes);
    let mut all = Vec::new();
    loop {
        let batch = read_batch(&mut reader);
        let last = ends_stream(&batch);
        all.extend(batch);
        if last {
            break;
        }
    }
    let _ = sender.send(all);
    drop(sender);
    serve(&frames, Server::new(global, io::sink()))
}

fn serve<W: Write>(frames: &Receiver<Vec<Frame>>, mut server: Server<W>) -> ExitCode {
    let mut queue: VecDeque<Frame> = VecDeque::new();
    loop {
        queue.extend(frames.try_iter().flatten());
        if queue.is_empty() {
            match server.idle_work() {
                Ok(true) => continue,
                Ok(false) => {}
                Err(error) => {
                    eprintln!("rbake lsp: error: cannot write to the client: {error}");
                    return ExitCode::FAILURE;
                }
            }
            // A reader that is gone has ended the stream.
            queue.extend(frames.recv().unwrap_or_else(|_| vec![Ok(None)]));
        }
        let Some(frame) = queue.pop_front() else { continue };
        let incoming = match frame {
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
        let outcome = match &incoming {
            transport::Incoming::Message(Message::Request(request)) => {
                match superseded(request, &queue) {
                    Some(failure) => {
                        server.reject(request.id.clone(), failure).map(|()| Flow::Continue)
                    }
                    None => server.handle(incoming),
                }
            }
            _ => server.handle(incoming),
        };
        match outcome {
            Ok(Flow::Continue) => {}
            Ok(Flow::Exit { clean }) => return exit_code(clean),
            Err(error) => {
                eprintln!("rbake lsp: error: cannot write to the client: {error}");
                return ExitCode::FAILURE;
            }
        }
    }
}

/// Why a request is not to be answered, given the messages queued behind
/// it: a `$/cancelRequest` of its id, or a `didChange` of its document.
fn superseded(request: &Request, queue: &VecDeque<Frame>) -> Option<Failure> {
    let id = serde_json::to_value(&request.id).ok()?;
    let document = request.params["textDocument"]["uri"].as_str();
    let later = queue.iter().filter_map(|frame| match frame {
        Ok(Some(transport::Incoming::Message(Message::Notification(notification)))) => {
            Some(notification)
        }
        _ => None,
    });
    for notification in later {
        match notification.method.as_str() {
            "$/cancelRequest" if notification.params["id"] == id => {
                return Some(Failure::new(ErrorCode::RequestCanceled, "the request was cancelled"));
            }
            "textDocument/didChange"
                if document.is_some()
                    && notification.params["textDocument"]["uri"].as_str() == document =>
            {
                return Some(Failure::new(
                    ErrorCode::ContentModified,
                    "the document changed before the request was answered",
                ));
            }
            _ => {}
        }
    }
    None
}

/// The protocol's exit status: 0 after a shutdown, 1 otherwise.
fn exit_code(clean: bool) -> ExitCode {
    if clean {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// What the server offers, as the `initialize` result; inlay hints only
/// if they are wanted.
fn capabilities(inlay_hints: bool) -> Value {
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
        references_provider: Some(OneOf::Left(true)),
        inlay_hint_provider: inlay_hints.then_some(OneOf::Left(true)),
        semantic_tokens_provider: Some(
            SemanticTokensOptions {
                legend: semantic::legend(),
                full: Some(SemanticTokensFullOptions::Bool(true)),
                range: Some(false),
                ..SemanticTokensOptions::default()
            }
            .into(),
        ),
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

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(message: Value) -> String {
        let body = message.to_string();
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    }

    /// The fuzz target's entry, on a session that asks everything of a
    /// server without a build directory: it answers and exits cleanly.
    #[test]
    fn the_fuzz_entry_serves_a_whole_session() {
        let dir = std::env::temp_dir().join(format!("rbake-lsp-unit-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let uri = format!("file://{}/a_1.0.bb", dir.display());
        let text =
            "inherit base\nA = \"x ${B}\"\nA:append[doc] = \"${@1}\"\ndo_x() {\n  echo ${A}\n}\n";
        let at =
            json!({ "textDocument": { "uri": uri }, "position": { "line": 1, "character": 0 } });
        let whole =
            json!({ "start": { "line": 0, "character": 0 }, "end": { "line": 9, "character": 0 } });
        let mut session =
            frame(json!({ "jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {} }));
        let open = json!({ "textDocument": { "uri": uri, "languageId": "bitbake", "version": 1, "text": text } });
        session +=
            &frame(json!({ "jsonrpc": "2.0", "method": "textDocument/didOpen", "params": open }));
        let requests = [
            ("textDocument/hover", at.clone()),
            ("textDocument/definition", at.clone()),
            (
                "textDocument/references",
                json!({ "textDocument": at["textDocument"], "position": at["position"], "context": { "includeDeclaration": true } }),
            ),
            ("textDocument/completion", at.clone()),
            ("textDocument/documentSymbol", json!({ "textDocument": at["textDocument"] })),
            (
                "textDocument/inlayHint",
                json!({ "textDocument": at["textDocument"], "range": whole }),
            ),
            ("textDocument/semanticTokens/full", json!({ "textDocument": at["textDocument"] })),
        ];
        for (id, (method, params)) in requests.into_iter().enumerate() {
            session += &frame(
                json!({ "jsonrpc": "2.0", "id": id + 1, "method": method, "params": params }),
            );
        }
        session += &frame(json!({ "jsonrpc": "2.0", "id": 99, "method": "shutdown" }));
        session += &frame(json!({ "jsonrpc": "2.0", "method": "exit" }));
        let global =
            GlobalArgs { topdir: Some(dir.clone()), read: Vec::new(), postread: Vec::new() };
        assert_eq!(serve_bytes(&global, session.as_bytes()), ExitCode::SUCCESS);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
