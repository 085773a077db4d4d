//! `rbake watch` on a copy of the example layer, driven by real edits: an
//! editor-style save (a temporary file renamed over the recipe) reruns
//! exactly that recipe's stale tasks; a broken recipe fails the build and
//! leaves watch running; an edit during a build cancels it, leaving no
//! stamp for the interrupted task; other commands are answered by watch's
//! warm engine meanwhile; Ctrl-C ends it.

mod common;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::Duration;

use common::{example_site, FIXED_PATH};

const TIMEOUT: Duration = Duration::from_secs(60);

struct Watch {
    top: PathBuf,
    child: Child,
    lines: Receiver<String>,
}

impl Watch {
    fn start(name: &str, targets: &[&str], extra: &[(&str, &str)]) -> Watch {
        let top = std::env::temp_dir().join(format!("rbake-watch-{}-{name}", std::process::id()));
        example_site(&top);
        for (path, text) in extra {
            let path = top.join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        let mut child = rbake(&top)
            .arg("watch")
            .args(targets)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let (sender, lines) = channel();
        for stream in [
            Box::new(child.stdout.take().unwrap()) as Box<dyn std::io::Read + Send>,
            Box::new(child.stderr.take().unwrap()),
        ] {
            let sender = sender.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines() {
                    let Ok(line) = line else { return };
                    if sender.send(line).is_err() {
                        return;
                    }
                }
            });
        }
        Watch { top, child, lines }
    }

    /// The lines up to and including the next one that starts with
    /// `prefix`.
    fn until(&self, prefix: &str) -> Vec<String> {
        let mut seen = Vec::new();
        loop {
            let line = self.lines.recv_timeout(TIMEOUT).unwrap_or_else(|_| {
                panic!("no line starting {prefix:?} after:\n{}", seen.join("\n"))
            });
            let done = line.starts_with(prefix);
            seen.push(line);
            if done {
                return seen;
            }
        }
    }

    /// Saves a file as editors do: a temporary file renamed over it.
    fn save(&self, relative: &str, text: &str) {
        let path = self.top.join(relative);
        let temporary = path.with_extension("swp");
        std::fs::write(&temporary, text).unwrap();
        std::fs::rename(&temporary, &path).unwrap();
    }

    /// Sends SIGINT (Ctrl-C) and waits for watch to end.
    fn interrupt_and_wait(&mut self) -> Option<std::process::ExitStatus> {
        let pid = self.child.id().to_string();
        let status = Command::new("kill").args(["-INT", &pid]).status().unwrap();
        assert!(status.success());
        let started = std::time::Instant::now();
        while started.elapsed() < Duration::from_secs(20) {
            if let Some(status) = self.child.try_wait().unwrap() {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        None
    }

    fn read(&self, relative: &str) -> String {
        std::fs::read_to_string(self.top.join(relative)).unwrap()
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.top);
    }
}

fn rbake(top: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_rbake"));
    command.env_clear().env("PATH", FIXED_PATH).env("HOME", top).current_dir(top.join("build"));
    command
}

/// The tasks a round started, as `FILE_NAME:do_task`, from the build's
/// `NOTE: Running task N of M (PATH:do_task)` lines.
fn running(lines: &[String]) -> Vec<String> {
    lines
        .iter()
        .filter_map(|line| line.strip_prefix("NOTE: Running task "))
        .filter_map(|rest| {
            rest.rsplit_once('/').map(|(_, tail)| tail.trim_end_matches(')').to_owned())
        })
        .collect()
}

/// The tasks the round's report says ran.
fn ran(lines: &[String]) -> Vec<String> {
    let Some(line) =
        lines.iter().find(|line| line.starts_with("watch: ") && line.contains("ran: "))
    else {
        return Vec::new();
    };
    let list = line.split("ran: ").nth(1).unwrap_or_default();
    list.split(", ").map(str::to_owned).collect()
}

const HELLO: &str = "demo-layer/recipes-apps/hello/hello_1.0.bb";

#[test]
fn saves_rebuild_what_they_made_stale_and_failures_keep_watch_running() {
    let watch = Watch::start("saves", &["hello"], &[]);
    let first = watch.until("watch: waiting for changes");
    assert!(first.iter().any(|line| line.starts_with("watch: build succeeded")), "{first:#?}");
    assert!(running(&first).contains(&"hello_1.0.bb:do_compile".to_owned()), "{first:#?}");

    let original = watch.read(HELLO);
    watch.save(HELLO, &format!("{original}EXTRA_OEMAKE += \"W=1\"\n"));
    let round = watch.until("watch: waiting for changes");
    assert!(round
        .iter()
        .any(|line| line.ends_with("hello_1.0.bb") && line.starts_with("watch: changed: ")));
    let tasks = running(&round);
    assert!(tasks.contains(&"hello_1.0.bb:do_compile".to_owned()), "{round:#?}");
    assert!(tasks.iter().all(|task| task.starts_with("hello_1.0.bb:")), "only hello's: {tasks:?}");
    assert!(!tasks.contains(&"hello_1.0.bb:do_fetch".to_owned()), "fetch is not stale: {tasks:?}");
    assert!(ran(&round).contains(&"hello:do_compile".to_owned()), "the report: {round:#?}");

    // Another command is answered by watch's engine meanwhile.
    let why = rbake(&watch.top).args(["why", "hello:do_compile"]).output().unwrap();
    let why = String::from_utf8_lossy(&why.stdout);
    assert!(why.starts_with("hello:do_compile will not run"), "{why}");

    watch.save(HELLO, &format!("{original}oops =\n"));
    let broken = watch.until("watch: waiting for changes");
    assert!(
        broken.iter().any(|line| line.contains("hello_1.0.bb:") && line.contains("error")),
        "{broken:#?}"
    );
    assert!(broken.iter().any(|line| line.starts_with("watch: build failed")), "{broken:#?}");

    watch.save(HELLO, &format!("{original}EXTRA_OEMAKE += \"W=1\"\n"));
    let fixed = watch.until("watch: waiting for changes");
    assert!(fixed.iter().any(|line| line.starts_with("watch: build succeeded")), "{fixed:#?}");
    assert!(fixed.iter().any(|line| line == "watch: no task was stale"), "{fixed:#?}");

    let mut watch = watch;
    let status = watch.interrupt_and_wait();
    assert!(status.is_some_and(|status| status.success()), "watch ends on Ctrl-C: {status:?}");
}

#[test]
fn an_edit_during_a_build_cancels_it_and_leaves_no_stamp() {
    let recipe = "demo-layer/recipes-apps/slow/slow_1.0.bb";
    let text = "SUMMARY = \"Slow\"\nLICENSE = \"MIT\"\ndo_compile() {\n\tsleep 4\n}\n";
    let watch = Watch::start("cancel", &["slow"], &[(recipe, text)]);
    // The compile is under way, then the recipe is saved.
    loop {
        let line = watch.lines.recv_timeout(TIMEOUT).unwrap();
        if line.starts_with("NOTE: Running task") && line.contains("slow_1.0.bb:do_compile") {
            break;
        }
    }
    std::thread::sleep(Duration::from_millis(500));
    watch.save(recipe, &text.replace("sleep 4", "sleep 1"));
    let cancelled = watch.until("watch: a file changed during the build; starting again");
    let done = watch.until("watch: waiting for changes");
    assert!(done.iter().any(|line| line.starts_with("watch: build succeeded")), "{done:#?}");
    assert!(ran(&done).contains(&"slow:do_compile".to_owned()), "{cancelled:#?}\n{done:#?}");
    let stamps: Vec<String> = std::fs::read_dir(watch.top.join("build/tmp/stamps"))
        .unwrap()
        .flatten()
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with("slow-") && name.contains(".do_compile."))
        .filter(|name| !name.contains(".sigdata."))
        .collect();
    assert_eq!(stamps.len(), 1, "only the finished compile has a stamp: {stamps:?}");
}
