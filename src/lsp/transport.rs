//! JSON-RPC framing over a byte stream: `Content-Length` headers, then the
//! body. lsp-server's reader ends the session on any payload it cannot
//! decode; this one tells a broken frame (which ends the session) from a
//! well-framed body that is not a message (which gets an error reply and
//! the session goes on).

use std::io::{self, BufRead, Write};

use lsp_server::Message;
use serde_json::{json, Value};

/// The largest body accepted, so a bad header cannot make the server
/// allocate without bound.
const MAX_BODY: usize = 64 << 20;

/// What one frame held.
#[derive(Debug)]
pub enum Incoming {
    /// A request, response or notification.
    Message(Message),
    /// A body that is not JSON, with the parser's complaint.
    NotJson(String),
    /// JSON that is no JSON-RPC message; the id, if one could be read.
    NotMessage { id: Value, reason: String },
}

/// Why the stream cannot go on.
#[derive(Debug)]
pub enum FrameError {
    Io(io::Error),
    /// A header that is malformed, missing or out of bounds.
    Header(String),
    /// The stream ended inside a frame.
    Truncated,
}

impl std::fmt::Display for FrameError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FrameError::Io(error) => write!(f, "cannot read the client's stream: {error}"),
            FrameError::Header(reason) => write!(f, "bad message header: {reason}"),
            FrameError::Truncated => f.write_str("the client's stream ended inside a message"),
        }
    }
}

/// Reads one frame; `Ok(None)` at the end of the stream between frames.
pub fn read(reader: &mut impl BufRead) -> Result<Option<Incoming>, FrameError> {
    let Some(length) = read_headers(reader)? else { return Ok(None) };
    let mut body = vec![0; length];
    reader.read_exact(&mut body).map_err(|error| match error.kind() {
        io::ErrorKind::UnexpectedEof => FrameError::Truncated,
        _ => FrameError::Io(error),
    })?;
    Ok(Some(decode(&body)))
}

/// Reads the header lines up to the empty one; returns the body's length.
fn read_headers(reader: &mut impl BufRead) -> Result<Option<usize>, FrameError> {
    let mut length = None;
    let mut first = true;
    loop {
        let mut line = Vec::new();
        let read = reader.read_until(b'\n', &mut line).map_err(FrameError::Io)?;
        if read == 0 {
            return if first { Ok(None) } else { Err(FrameError::Truncated) };
        }
        first = false;
        let line = String::from_utf8(line)
            .map_err(|_| FrameError::Header("a header is not UTF-8".to_owned()))?;
        let line = line.trim_end_matches(['\r', '\n']);
        if line.is_empty() {
            break;
        }
        let Some((name, value)) = line.split_once(':') else {
            return Err(FrameError::Header(format!("not a header: {line:?}")));
        };
        if name.trim().eq_ignore_ascii_case("content-length") {
            length = Some(parse_length(value.trim())?);
        }
    }
    length.map(Some).ok_or_else(|| FrameError::Header("no Content-Length".to_owned()))
}

fn parse_length(value: &str) -> Result<usize, FrameError> {
    let length: usize =
        value.parse().map_err(|_| FrameError::Header(format!("bad Content-Length {value:?}")))?;
    if length > MAX_BODY {
        return Err(FrameError::Header(format!("Content-Length {length} is too large")));
    }
    Ok(length)
}

/// A body as a message, or what is wrong with it.
fn decode(body: &[u8]) -> Incoming {
    let value: Value = match serde_json::from_slice(body) {
        Ok(value) => value,
        Err(error) => return Incoming::NotJson(error.to_string()),
    };
    let id = value.get("id").cloned().unwrap_or(Value::Null);
    match serde_json::from_value::<Message>(value) {
        Ok(message) => Incoming::Message(message),
        Err(error) => Incoming::NotMessage { id, reason: error.to_string() },
    }
}

/// Writes a message as one frame.
pub fn write(writer: &mut impl Write, message: &Message) -> io::Result<()> {
    message.write(writer)
}

/// Writes an error response whose id may be null (lsp-server's `Response`
/// cannot hold a null id).
pub fn write_error(writer: &mut impl Write, id: Value, code: i32, message: &str) -> io::Result<()> {
    let body = json!({
        "jsonrpc": "2.0",
        "id": id,
        "error": { "code": code, "message": message },
    })
    .to_string();
    write!(writer, "Content-Length: {}\r\n\r\n{body}", body.len())?;
    writer.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(text: &str) -> Vec<Result<Option<Incoming>, FrameError>> {
        let mut reader = io::Cursor::new(text.as_bytes().to_vec());
        let mut out = Vec::new();
        loop {
            let next = read(&mut reader);
            let stop = !matches!(next, Ok(Some(_)));
            out.push(next);
            if stop {
                return out;
            }
        }
    }

    #[test]
    fn a_body_that_is_not_json_is_reported_and_reading_goes_on() {
        let out = frames("Content-Length: 3\r\n\r\n{x}Content-Length: 2\r\n\r\n{}");
        assert!(matches!(out[0], Ok(Some(Incoming::NotJson(_)))));
        assert!(matches!(out[1], Ok(Some(Incoming::NotMessage { .. }))));
        assert!(matches!(out[2], Ok(None)));
    }

    #[test]
    fn broken_frames_end_the_stream() {
        assert!(matches!(frames("Content-Length: 10\r\n\r\n{}")[0], Err(FrameError::Truncated)));
        assert!(matches!(frames("garbage\r\n\r\n")[0], Err(FrameError::Header(_))));
        assert!(matches!(frames("Content-Length: x\r\n\r\n")[0], Err(FrameError::Header(_))));
        assert!(matches!(frames("Content-Type: a\r\n\r\n")[0], Err(FrameError::Header(_))));
    }
}
