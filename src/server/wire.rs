//! The server's protocol on its Unix socket.
//!
//! A client connects and sends one request: a JSON object on one line
//! (the protocol identity, the arguments, the working directory and the
//! environment), with its standard input, output and error passed along as
//! `SCM_RIGHTS`. The command then writes straight to the client's
//! terminal, which keeps colours, progress bars and its width. While the
//! command runs, the client may send the byte `i` (its Ctrl-C). The server
//! ends with one JSON line: `{"exit": CODE}`, or `{"restart": REASON}` when
//! it is of another version and the client should start a new one.

use std::io::{IoSlice, IoSliceMut};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::os::unix::net::UnixStream;

use nix::sys::socket::{recvmsg, sendmsg, ControlMessage, ControlMessageOwned, MsgFlags};
use serde_json::{json, Value};

/// What identifies this build of rbake: a server answers only clients of
/// the very same binary, since a rebuilt binary may compute other answers.
pub fn identity() -> String {
    let binary = crate::workspace::self_executable().ok();
    let stamp = binary.and_then(|path| std::fs::metadata(path).ok()).map(|metadata| {
        use std::os::unix::fs::MetadataExt;
        format!(
            "{}-{}-{}",
            metadata.ino(),
            metadata.size(),
            metadata.mtime_nsec() + metadata.mtime()
        )
    });
    format!("rbake {} {}", env!("CARGO_PKG_VERSION"), stamp.unwrap_or_default())
}

/// A client's request.
#[derive(Debug)]
pub struct Request {
    pub identity: String,
    pub argv: Vec<String>,
    pub cwd: String,
    pub env: Vec<(String, String)>,
    /// The client's standard input, output and error.
    pub stdio: Vec<OwnedFd>,
}

impl Request {
    fn to_json(&self) -> Value {
        json!({
            "identity": self.identity,
            "argv": self.argv,
            "cwd": self.cwd,
            "env": self.env,
        })
    }

    fn from_json(value: &Value, stdio: Vec<OwnedFd>) -> Option<Request> {
        let strings = |value: &Value| -> Option<Vec<String>> {
            value.as_array()?.iter().map(|item| item.as_str().map(str::to_owned)).collect()
        };
        let env = value["env"]
            .as_array()?
            .iter()
            .map(|pair| {
                let pair = strings(pair)?;
                let [name, value] = <[String; 2]>::try_from(pair).ok()?;
                Some((name, value))
            })
            .collect::<Option<Vec<_>>>()?;
        Some(Request {
            identity: value["identity"].as_str()?.to_owned(),
            argv: strings(&value["argv"])?,
            cwd: value["cwd"].as_str()?.to_owned(),
            env,
            stdio,
        })
    }
}

/// Sends the request with this process's standard streams.
pub fn send_request(stream: &UnixStream, request: &Request) -> std::io::Result<()> {
    let mut line = request.to_json().to_string();
    line.push('\n');
    let fds: Vec<RawFd> = vec![0, 1, 2];
    let rights = [ControlMessage::ScmRights(&fds)];
    let bytes = line.as_bytes();
    // The descriptors travel with the first chunk; the rest is plain data.
    let sent = sendmsg::<()>(
        stream.as_raw_fd(),
        &[IoSlice::new(bytes)],
        &rights,
        MsgFlags::empty(),
        None,
    )?;
    use std::io::Write;
    (&*stream).write_all(&bytes[sent..])
}

/// Receives a request, or `None` if the client sent something else.
pub fn receive_request(stream: &UnixStream) -> std::io::Result<Option<Request>> {
    let mut line = Vec::new();
    let mut stdio = Vec::new();
    let mut buffer = [0u8; 65536];
    while !line.ends_with(b"\n") {
        let mut space = nix::cmsg_space!([RawFd; 3]);
        let mut iov = [IoSliceMut::new(&mut buffer)];
        let message = recvmsg::<()>(
            stream.as_raw_fd(),
            &mut iov,
            Some(&mut space),
            MsgFlags::MSG_CMSG_CLOEXEC,
        )?;
        for control in message.cmsgs()? {
            if let ControlMessageOwned::ScmRights(fds) = control {
                stdio.extend(fds.into_iter().map(adopt));
            }
        }
        let received = message.bytes;
        if received == 0 {
            return Ok(None);
        }
        line.extend_from_slice(&buffer[..received]);
        if line.len() > 64 << 20 {
            return Ok(None);
        }
    }
    let Ok(value) = serde_json::from_slice::<Value>(&line) else { return Ok(None) };
    Ok(Request::from_json(&value, stdio))
}

/// Takes ownership of a descriptor the kernel has just installed in this
/// process for a received `SCM_RIGHTS` message.
#[allow(unsafe_code)]
fn adopt(fd: RawFd) -> OwnedFd {
    // SAFETY: `recvmsg` created this descriptor for us; nothing else in
    // the process knows or owns it.
    unsafe { OwnedFd::from_raw_fd(fd) }
}

/// Sends the server's last line.
pub fn send_reply(stream: &UnixStream, reply: &Value) -> std::io::Result<()> {
    use std::io::Write;
    let mut line = reply.to_string();
    line.push('\n');
    (&*stream).write_all(line.as_bytes())
}
