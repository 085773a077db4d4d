//! Notifications: opening, changing, saving and closing buffers, which
//! keeps each open buffer's text as its file's input in the database, and
//! publishing diagnostics. The edited file's are published at once, for
//! every version; the other open files' are marked stale and published,
//! when they changed, while no message waits (see [`publish_next`]).

use std::io;
use std::path::Path;

use lsp_server::{Message, Notification};
use lsp_types::{
    DidChangeTextDocumentParams, DidCloseTextDocumentParams, DidOpenTextDocumentParams,
    PublishDiagnosticsParams,
};
use rbake_queries::files::{source_file, Files};

use super::context::Use;
use super::documents::{apply_change, uri_to_path, Document};
use super::server::Server;

/// Handles one notification of a running server.
pub fn notification<W: io::Write>(
    server: &mut Server<W>,
    notification: Notification,
) -> io::Result<()> {
    let params = notification.params;
    match notification.method.as_str() {
        "textDocument/didOpen" => match serde_json::from_value(params) {
            Ok(params) => did_open(server, params),
            Err(error) => bad_params(&error),
        },
        "textDocument/didChange" => match serde_json::from_value(params) {
            Ok(params) => did_change(server, params),
            Err(error) => bad_params(&error),
        },
        "textDocument/didClose" => match serde_json::from_value(params) {
            Ok(params) => did_close(server, params),
            Err(error) => bad_params(&error),
        },
        "textDocument/didSave" | "workspace/didChangeWatchedFiles" => {
            server.revalidate();
            mark_all_stale(server);
            Ok(())
        }
        "initialized" | "$/cancelRequest" | "$/setTrace" | "workspace/didChangeConfiguration" => {
            Ok(())
        }
        method => {
            eprintln!("rbake lsp: ignored the notification {method}");
            Ok(())
        }
    }
}

fn bad_params(error: &serde_json::Error) -> io::Result<()> {
    eprintln!("rbake lsp: error: a notification's parameters are bad: {error}");
    Ok(())
}

fn did_open<W: io::Write>(
    server: &mut Server<W>,
    params: DidOpenTextDocumentParams,
) -> io::Result<()> {
    let item = params.text_document;
    let Some(path) = uri_to_path(&item.uri) else {
        eprintln!("rbake lsp: ignored {}: not a file URI", item.uri.as_str());
        return Ok(());
    };
    set_input(server, &path, &item.text);
    if path.extension().is_some_and(|ext| ext == "bb") {
        server.contexts.touch(&path);
    }
    let document = Document { uri: item.uri, text: item.text, version: item.version };
    server.documents.open(path.clone(), document);
    server.published.remove(&path);
    publish_now(server, &path)
}

fn did_change<W: io::Write>(
    server: &mut Server<W>,
    params: DidChangeTextDocumentParams,
) -> io::Result<()> {
    let Some(path) = uri_to_path(&params.text_document.uri) else { return Ok(()) };
    let Some(document) = server.documents.get_mut(&path) else {
        eprintln!("rbake lsp: error: a change to {} which is not open", path.display());
        return Ok(());
    };
    let mut text = document.text.clone();
    for change in &params.content_changes {
        if let Err(error) = apply_change(&mut text, change) {
            eprintln!("rbake lsp: error: ignored a change to {}: {error}", path.display());
            return Ok(());
        }
    }
    document.text.clone_from(&text);
    document.version = params.text_document.version;
    set_input(server, &path, &text);
    // The edited file's diagnostics are published for every version, even
    // unchanged, so the client knows they are current.
    server.published.remove(&path);
    publish_now(server, &path)
}

fn did_close<W: io::Write>(
    server: &mut Server<W>,
    params: DidCloseTextDocumentParams,
) -> io::Result<()> {
    let Some(path) = uri_to_path(&params.text_document.uri) else { return Ok(()) };
    let Some(document) = server.documents.close(&path) else { return Ok(()) };
    if let Some(workspace) = &server.workspace {
        workspace.system.set_overlaid(&path, false);
    }
    server.revalidate();
    server.published.remove(&path);
    publish(server, document.uri, Vec::new(), None)?;
    mark_all_stale(server);
    Ok(())
}

/// Makes `text` the input of the file at `path`, which revalidation then
/// leaves alone.
fn set_input<W: io::Write>(server: &mut Server<W>, path: &Path, text: &str) {
    server.contexts.forget_unread();
    let Some(workspace) = &mut server.workspace else { return };
    workspace.system.set_overlaid(path, true);
    source_file(&workspace.db, path);
    Files::update(&mut workspace.db, path, Some(text.to_owned()));
}

/// Publishes the diagnostics of the file at `path` now, and marks the
/// other open files' as stale.
fn publish_now<W: io::Write>(server: &mut Server<W>, path: &Path) -> io::Result<()> {
    mark_all_stale(server);
    server.stale_diagnostics.retain(|stale| stale != path);
    publish_file(server, path)
}

/// Marks every open file's diagnostics as stale.
pub fn mark_all_stale<W: io::Write>(server: &mut Server<W>) {
    server.stale_diagnostics = server.documents.paths();
}

/// Publishes the diagnostics of the next open file marked stale, if they
/// changed; whether one was marked.
pub fn publish_next<W: io::Write>(server: &mut Server<W>) -> io::Result<bool> {
    if server.stale_diagnostics.is_empty() {
        return Ok(false);
    }
    let path = server.stale_diagnostics.remove(0);
    publish_file(server, &path)?;
    Ok(true)
}

/// Publishes the diagnostics of one open file, if they changed.
fn publish_file<W: io::Write>(server: &mut Server<W>, path: &Path) -> io::Result<()> {
    let Some(document) = server.documents.get(path) else { return Ok(()) };
    let (uri, text, version) = (document.uri.clone(), document.text.clone(), document.version);
    let Some(workspace) = &server.workspace else { return Ok(()) };
    let context = server.contexts.context_for(workspace, path, Use::Background);
    let cache = &mut server.lint_cache;
    let diagnostics = super::diagnostics::for_file(workspace, cache, &context, path, &text);
    if server.published.get(path) == Some(&diagnostics) {
        return Ok(());
    }
    server.published.insert(path.to_path_buf(), diagnostics.clone());
    publish(server, uri, diagnostics, Some(version))
}

fn publish<W: io::Write>(
    server: &mut Server<W>,
    uri: lsp_types::Uri,
    diagnostics: Vec<lsp_types::Diagnostic>,
    version: Option<i32>,
) -> io::Result<()> {
    let params = PublishDiagnosticsParams { uri, diagnostics, version };
    let notification = Notification::new("textDocument/publishDiagnostics".to_owned(), params);
    server.send(Message::Notification(notification))
}
