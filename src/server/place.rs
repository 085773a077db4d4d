//! Where a build directory's server lives: its socket (`rbake.sock`) and
//! its lock (`rbake-server.lock`), both in the build directory.
//!
//! The build directory is found as the CLI finds it: `--topdir`, else the
//! nearest directory at or above the working directory that holds
//! `conf/bblayers.conf`, else the working directory. A Unix socket's path
//! may hold only about a hundred bytes, so a socket in a deeply nested
//! build directory is reached through `/proc/self/fd` and an open handle
//! of the directory.

use std::fs::File;
use std::os::unix::fs::MetadataExt;
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::PathBuf;

use crate::cli::GlobalArgs;

const SOCKET_NAME: &str = "rbake.sock";
const LOCK_NAME: &str = "rbake-server.lock";
/// Room left in `sockaddr_un` for a path.
const MAX_SOCKET_PATH: usize = 100;

/// A build directory's server socket and lock.
#[derive(Debug)]
pub struct ServerPlace {
    pub build_dir: PathBuf,
    /// The socket's real path, for people.
    pub socket: PathBuf,
    /// The path the system calls use: the real one, or one through
    /// `/proc/self/fd` when the real one is too long.
    address: PathBuf,
    _directory: Option<File>,
    bound_inode: std::cell::Cell<Option<u64>>,
}

impl ServerPlace {
    pub fn find(global: &GlobalArgs) -> std::io::Result<ServerPlace> {
        let cwd = crate::engine::current_dir()?;
        let build_dir = match &global.topdir {
            Some(topdir) => std::path::absolute(cwd.join(topdir))?,
            None => cwd
                .ancestors()
                .find(|dir| dir.join("conf/bblayers.conf").is_file())
                .unwrap_or(&cwd)
                .to_path_buf(),
        };
        ServerPlace::in_dir(build_dir)
    }

    pub fn in_dir(build_dir: PathBuf) -> std::io::Result<ServerPlace> {
        let socket = build_dir.join(SOCKET_NAME);
        let (address, directory) = if socket.as_os_str().len() < MAX_SOCKET_PATH {
            (socket.clone(), None)
        } else {
            use std::os::fd::AsRawFd;
            let directory = File::open(&build_dir)?;
            let short = PathBuf::from(format!("/proc/self/fd/{}", directory.as_raw_fd()));
            (short.join(SOCKET_NAME), Some(directory))
        };
        Ok(ServerPlace {
            build_dir,
            socket,
            address,
            _directory: directory,
            bound_inode: std::cell::Cell::new(None),
        })
    }

    /// The server's lock, if no other server holds it.
    pub fn lock(&self) -> Option<File> {
        let file = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(self.build_dir.join(LOCK_NAME))
            .ok()?;
        file.try_lock().ok()?;
        // The holder's process id, for people (and tests) to find it.
        let _ = file.set_len(0);
        let _ =
            std::io::Write::write_all(&mut &file, format!("{}\n", std::process::id()).as_bytes());
        Some(file)
    }

    /// Whether some server holds the lock.
    pub fn is_locked(&self) -> bool {
        let Ok(file) = File::options().write(true).open(self.build_dir.join(LOCK_NAME)) else {
            return false;
        };
        file.try_lock().is_err()
    }

    /// Listens on the socket, replacing a stale one. Call with the lock held.
    pub fn bind(&self) -> std::io::Result<UnixListener> {
        let _ = std::fs::remove_file(&self.address);
        let listener = UnixListener::bind(&self.address)?;
        self.bound_inode.set(std::fs::metadata(&self.address).ok().map(|m| m.ino()));
        Ok(listener)
    }

    pub fn connect(&self) -> std::io::Result<UnixStream> {
        UnixStream::connect(&self.address)
    }

    /// Whether the socket this server bound is still there, in a build
    /// directory that still exists.
    pub fn still_ours(&self) -> bool {
        let inode = std::fs::metadata(&self.address).ok().map(|m| m.ino());
        inode.is_some() && inode == self.bound_inode.get()
    }

    pub fn remove_socket(&self) {
        if self.still_ours() {
            let _ = std::fs::remove_file(&self.address);
        }
    }

    pub fn log_path(&self) -> PathBuf {
        self.build_dir.join("rbake-server.log")
    }
}
