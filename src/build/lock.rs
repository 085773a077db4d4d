//! The build directory's lock, and the record of running task process
//! groups that lets the next run stop the tasks of a run that was killed.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

use nix::sys::signal::{killpg, Signal};
use nix::unistd::Pid;

use crate::workspace::write_atomically;

/// Held while rbake builds in a build directory.
pub struct BuildLock {
    file: File,
}

impl BuildLock {
    /// Takes `TOPDIR/rbake.lock`. If another rbake holds it, says so and
    /// waits for it.
    pub fn acquire(topdir: &Path) -> std::io::Result<BuildLock> {
        let path = topdir.join("rbake.lock");
        let mut file =
            OpenOptions::new().read(true).write(true).create(true).truncate(false).open(&path)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                let mut holder = String::new();
                let _ = file.read_to_string(&mut holder);
                let holder = holder.trim();
                let who =
                    if holder.is_empty() { String::new() } else { format!(" (pid {holder})") };
                eprintln!(
                    "NOTE: Another rbake{who} is building in {}; waiting for it to finish (lock: {})",
                    topdir.display(),
                    path.display()
                );
                file.lock()?;
            }
            Err(TryLockError::Error(error)) => return Err(error),
        }
        file.set_len(0)?;
        file.rewind()?;
        write!(file, "{}", std::process::id())?;
        file.flush()?;
        Ok(BuildLock { file })
    }
}

impl Drop for BuildLock {
    fn drop(&mut self) {
        let _ = self.file.set_len(0);
        let _ = self.file.unlock();
    }
}

/// The record of running task process groups: `TOPDIR/rbake-running`,
/// one `PGID STARTTIME` line each, where STARTTIME is the process's start
/// in clock ticks after boot (so that a reused process id is not taken
/// for a task).
pub struct RunningRecord {
    path: PathBuf,
    groups: Vec<(i32, u64)>,
}

impl RunningRecord {
    pub fn new(topdir: &Path) -> RunningRecord {
        RunningRecord { path: topdir.join("rbake-running"), groups: Vec::new() }
    }

    /// Stops the process groups an earlier run left behind (it was killed
    /// before it could stop them), and returns how many it found.
    pub fn stop_orphans(&self) -> usize {
        let Ok(text) = std::fs::read_to_string(&self.path) else { return 0 };
        let mut stopped = 0;
        for line in text.lines() {
            let mut fields = line.split_whitespace();
            let (Some(pgid), Some(start)) = (fields.next(), fields.next()) else { continue };
            let (Ok(pgid), Ok(start)) = (pgid.parse::<i32>(), start.parse::<u64>()) else {
                continue;
            };
            if pgid > 1 && start_time(pgid) == Some(start) {
                eprintln!(
                    "NOTE: Stopping task process group {pgid}, left running by an earlier rbake"
                );
                let _ = killpg(Pid::from_raw(pgid), Signal::SIGKILL);
                stopped += 1;
            }
        }
        let _ = std::fs::remove_file(&self.path);
        stopped
    }

    /// Records a task's process group.
    pub fn add(&mut self, pgid: u32) {
        if let Some(start) = start_time(pgid as i32) {
            self.groups.push((pgid as i32, start));
            self.save();
        }
    }

    /// Forgets a task's process group once it has exited.
    pub fn remove(&mut self, pgid: u32) {
        self.groups.retain(|&(known, _)| known != pgid as i32);
        self.save();
    }

    fn save(&self) {
        if self.groups.is_empty() {
            let _ = std::fs::remove_file(&self.path);
            return;
        }
        let text: String =
            self.groups.iter().map(|(pgid, start)| format!("{pgid} {start}\n")).collect();
        let _ = write_atomically(&self.path, text.as_bytes());
    }
}

/// A process's start time, from `/proc/PID/stat` (field 22).
fn start_time(pid: i32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name may hold spaces and parentheses; fields resume
    // after the last `)`.
    let rest = &stat[stat.rfind(')')? + 1..];
    rest.split_whitespace().nth(19)?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn our_own_start_time_is_readable() {
        let pid = std::process::id() as i32;
        assert!(start_time(pid).is_some());
        assert_eq!(start_time(pid), start_time(pid));
    }

    #[test]
    fn a_record_for_a_gone_process_is_dropped_without_signals() {
        let dir = std::env::temp_dir().join(format!("rbake-lock-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        // A process id that cannot be running: beyond pid_max.
        std::fs::write(dir.join("rbake-running"), "99999999 12345\n").unwrap();
        let record = RunningRecord::new(&dir);
        assert_eq!(record.stop_orphans(), 0);
        assert!(!dir.join("rbake-running").exists());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
