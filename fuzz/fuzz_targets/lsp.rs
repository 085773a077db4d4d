//! Fuzzes `rbake lsp`'s message handling: any bytes, after an initialize
//! naming an empty build directory, are framed and dispatched by the very
//! code `rbake lsp` runs (framing, the queue of stale requests, every
//! request and notification), with the answers dropped. An input that
//! starts with `{` is taken as one message body a line, and each is given
//! its frame, so that mutations of the bodies reach the dispatch without
//! breaking the Content-Length. A panic anywhere,
//! even one the server would catch and answer as an internal error, is a
//! crash (libfuzzer-sys's panic hook aborts).
//!
//! Run: `python3 lsp-seeds.py && cargo fuzz run -s none -O lsp corpus/lsp
//! -- -close_fd_mask=2` (the server says a lot on standard error).
#![no_main]
#![allow(dead_code, unused_imports)]

include!(concat!(env!("OUT_DIR"), "/rbake-src/main.rs"));

use std::path::PathBuf;
use std::sync::OnceLock;

/// An empty build directory, made once.
fn build_dir() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("rbake-fuzz-lsp-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    })
}

fn frame(body: &str) -> Vec<u8> {
    format!("Content-Length: {}\r\n\r\n{body}", body.len()).into_bytes()
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let dir = build_dir();
    let initialize = serde_json::json!({
        "jsonrpc": "2.0", "id": 0, "method": "initialize",
        "params": { "capabilities": {}, "initializationOptions": { "rbake": { "buildDir": dir } } },
    });
    let mut bytes = frame(&initialize.to_string());
    bytes.extend(frame(r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#));
    if data.first() == Some(&b'{') {
        for body in data.split(|&byte| byte == b'\n') {
            bytes.extend(format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes());
            bytes.extend_from_slice(body);
        }
    } else {
        bytes.extend_from_slice(data);
    }
    let global = cli::GlobalArgs { topdir: Some(dir.clone()), read: Vec::new(), postread: Vec::new() };
    let _ = lsp::serve_bytes(&global, &bytes);
});
