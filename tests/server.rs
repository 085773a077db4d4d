//! The warm server against cold runs: after every kind of edit (a recipe,
//! a bbappend, a class, an include, a `file://` source and a file that
//! shadows it in FILESPATH, each created, edited and deleted), the plan and
//! every hash a server gives equal those of a fresh process. Edits follow
//! each other within the file system's timestamp granularity, so the racy
//! case is exercised throughout. Also: a server killed with SIGKILL is
//! replaced by the next command, and an edit made while a build runs shows
//! in the next answer.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::{example_site, FIXED_PATH};

/// A copy of the example layer and a build directory beside it.
struct Site {
    top: PathBuf,
}

impl Site {
    fn new(name: &str) -> Site {
        let top = std::env::temp_dir().join(format!("rbake-server-{}-{name}", std::process::id()));
        example_site(&top);
        Site { top }
    }

    fn path(&self, relative: &str) -> PathBuf {
        self.top.join(relative)
    }

    fn rbake(&self, warm: bool, args: &[&str]) -> Output {
        let mut command = Command::new(env!("CARGO_BIN_EXE_rbake"));
        command
            .env_clear()
            .env("PATH", FIXED_PATH)
            .env("HOME", &self.top)
            .env("BB_SERVER_TIMEOUT", "120")
            .current_dir(self.top.join("build"))
            .args(args);
        if !warm {
            command.env("RBAKE_NO_SERVER", "1");
        }
        command.output().expect("cannot run rbake")
    }

    /// The plan with every hash for `world`, or the failure, as text.
    fn answer(&self, warm: bool) -> String {
        let output = self.rbake(warm, &["plan", "--json", "--hashes", "world"]);
        let stdout = String::from_utf8_lossy(&output.stdout);
        if output.status.success() {
            stdout.into_owned()
        } else {
            format!("failed:\n{stdout}{}", String::from_utf8_lossy(&output.stderr))
        }
    }

    fn server_pid(&self) -> Option<i32> {
        let text = std::fs::read_to_string(self.path("build/rbake-server.lock")).ok()?;
        text.trim().parse().ok()
    }
}

impl Drop for Site {
    fn drop(&mut self) {
        let _ = self.rbake(true, &["server", "--stop"]);
        let _ = std::fs::remove_dir_all(&self.top);
    }
}

/// Where two answers first differ, for a failure message short enough to
/// read.
fn first_difference(a: &str, b: &str) -> String {
    let line = a.lines().zip(b.lines()).position(|(x, y)| x != y);
    match line {
        Some(index) => format!(
            "line {}: {:?} vs {:?}",
            index + 1,
            a.lines().nth(index).unwrap_or_default(),
            b.lines().nth(index).unwrap_or_default()
        ),
        None if a == b => "equal".to_owned(),
        None => format!("{} lines vs {} lines", a.lines().count(), b.lines().count()),
    }
}

/// An edit to the site, and whether it changes the answer.
struct Edit {
    name: &'static str,
    apply: fn(&Site),
    changes_answer: bool,
}

fn write(site: &Site, relative: &str, text: &str) {
    let path = site.path(relative);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn append(site: &Site, relative: &str, text: &str) {
    let path = site.path(relative);
    let old = std::fs::read_to_string(&path).unwrap();
    std::fs::write(path, old + text).unwrap();
}

fn remove(site: &Site, relative: &str) {
    std::fs::remove_file(site.path(relative)).unwrap();
}

const HELLO: &str = "demo-layer/recipes-apps/hello";

fn edits() -> Vec<Edit> {
    vec![
        Edit {
            name: "edit a recipe",
            apply: |s| append(s, &format!("{HELLO}/hello_1.0.bb"), "EXTRA_OEMAKE += \"V=1\"\n"),
            changes_answer: true,
        },
        Edit {
            name: "create a recipe",
            apply: |s| {
                write(s, "demo-layer/recipes-apps/extra/extra_1.0.bb", "SUMMARY = \"Extra\"\n")
            },
            changes_answer: true,
        },
        Edit {
            name: "edit the new recipe with the same size",
            apply: |s| {
                write(s, "demo-layer/recipes-apps/extra/extra_1.0.bb", "SUMMARY = \"Other\"\n")
            },
            changes_answer: true,
        },
        Edit {
            name: "delete a recipe",
            apply: |s| remove(s, "demo-layer/recipes-apps/extra/extra_1.0.bb"),
            changes_answer: true,
        },
        Edit {
            name: "create a bbappend",
            apply: |s| write(s, &format!("{HELLO}/hello_%.bbappend"), "EXTRA_OEMAKE += \"A=1\"\n"),
            changes_answer: true,
        },
        Edit {
            name: "create a class the bbappend inherits",
            apply: |s| {
                write(s, "demo-layer/classes/local.bbclass", "do_compile:prepend() {\n\ttrue\n}\n");
                append(s, &format!("{HELLO}/hello_%.bbappend"), "inherit local\n");
            },
            changes_answer: true,
        },
        Edit {
            name: "edit the class",
            apply: |s| {
                append(
                    s,
                    "demo-layer/classes/local.bbclass",
                    "LOCAL_FLAGS = \"-g\"\nEXTRA_OEMAKE += \"${LOCAL_FLAGS}\"\n",
                )
            },
            changes_answer: true,
        },
        Edit {
            name: "include a file that does not exist yet",
            apply: |s| append(s, &format!("{HELLO}/hello_%.bbappend"), "include hello-extra.inc\n"),
            changes_answer: false,
        },
        Edit {
            name: "create the include",
            apply: |s| write(s, &format!("{HELLO}/hello-extra.inc"), "EXTRA_OEMAKE += \"I=1\"\n"),
            changes_answer: true,
        },
        Edit {
            name: "edit the include",
            apply: |s| write(s, &format!("{HELLO}/hello-extra.inc"), "EXTRA_OEMAKE += \"I=2\"\n"),
            changes_answer: true,
        },
        Edit {
            name: "delete the include",
            apply: |s| remove(s, &format!("{HELLO}/hello-extra.inc")),
            changes_answer: true,
        },
        Edit {
            name: "edit a file:// source",
            apply: |s| append(s, &format!("{HELLO}/files/hello.c"), "/* edited */\n"),
            changes_answer: true,
        },
        Edit {
            name: "shadow the source in FILESPATH",
            apply: |s| {
                write(s, &format!("{HELLO}/hello-1.0/hello.c"), "int main(void) { return 0; }\n")
            },
            changes_answer: true,
        },
        Edit {
            name: "delete the shadowing source",
            apply: |s| remove(s, &format!("{HELLO}/hello-1.0/hello.c")),
            changes_answer: true,
        },
        Edit {
            name: "delete the class (the inherit now fails)",
            apply: |s| remove(s, "demo-layer/classes/local.bbclass"),
            changes_answer: true,
        },
        Edit {
            name: "delete the bbappend",
            apply: |s| remove(s, &format!("{HELLO}/hello_%.bbappend")),
            changes_answer: true,
        },
    ]
}

#[test]
fn warm_answers_equal_cold_ones_after_every_kind_of_edit() {
    let site = Site::new("edits");
    let mut previous = site.answer(true);
    let cold = site.answer(false);
    assert!(previous == cold, "before any edit: {}", first_difference(&previous, &cold));
    assert!(previous.contains("\"taskhash\""), "no hashes in:\n{previous}");
    for edit in edits() {
        (edit.apply)(&site);
        let warm = site.answer(true);
        let cold = site.answer(false);
        assert!(warm == cold, "after the edit: {}: {}", edit.name, first_difference(&warm, &cold));
        assert_eq!(warm != previous, edit.changes_answer, "after the edit: {}", edit.name);
        previous = warm;
    }
    assert!(site.server_pid().is_some(), "the warm answers came from a server");
}

#[test]
fn a_server_killed_with_sigkill_is_replaced_by_the_next_command() {
    let site = Site::new("killed");
    let before = site.answer(true);
    let pid = site.server_pid().expect("the first command started a server");
    let status = Command::new("kill").args(["-KILL", &pid.to_string()]).status().unwrap();
    assert!(status.success());
    // Wait for the process to be gone, so the next command finds its socket dead.
    while Path::new(&format!("/proc/{pid}/stat")).exists()
        && !std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default().contains(") Z")
    {
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    append(&site, &format!("{HELLO}/hello_1.0.bb"), "EXTRA_OEMAKE += \"K=1\"\n");
    let after = site.answer(true);
    assert_ne!(before, after);
    let cold = site.answer(false);
    assert!(after == cold, "{}", first_difference(&after, &cold));
    let new_pid = site.server_pid().expect("a new server");
    assert_ne!(pid, new_pid);
}

#[test]
fn an_edit_during_a_build_shows_in_the_next_answer() {
    let site = Site::new("during");
    let recipe = format!("{HELLO}/hello_1.0.bb");
    // A build through the server, while the recipe is edited twice within
    // the same second; the second edit keeps the size of the first.
    let builder = {
        let mut command = Command::new(env!("CARGO_BIN_EXE_rbake"));
        command
            .env_clear()
            .env("PATH", FIXED_PATH)
            .env("HOME", &site.top)
            .env("BB_SERVER_TIMEOUT", "120")
            .current_dir(site.path("build"))
            .args(["build", "demo-image"]);
        command.stdout(std::process::Stdio::null()).stderr(std::process::Stdio::null());
        command.spawn().unwrap()
    };
    std::thread::sleep(std::time::Duration::from_millis(300));
    append(&site, &recipe, "EXTRA_OEMAKE += \"D=1\"\n");
    append(&site, &recipe, "EXTRA_OEMAKE += \"D=2\"\n");
    let text = std::fs::read_to_string(site.path(&recipe)).unwrap();
    std::fs::write(site.path(&recipe), text.replace("D=2", "D=3")).unwrap();
    let output = builder.wait_with_output().unwrap();
    assert!(output.status.success());
    let warm = site.answer(true);
    assert!(warm.contains("\"taskhash\""));
    let cold = site.answer(false);
    assert!(warm == cold, "{}", first_difference(&warm, &cold));
    let getvar = site.rbake(true, &["getvar", "-r", "hello", "EXTRA_OEMAKE", "--value"]);
    let value = String::from_utf8_lossy(&getvar.stdout);
    assert!(value.contains("D=1 D=3"), "the final content: {value}");
}

#[test]
fn an_edit_to_a_layer_python_library_restarts_the_server() {
    let site = Site::new("pylib");
    append(&site, "demo-layer/conf/layer.conf", "addpylib ${LAYERDIR}/lib demolib\n");
    write(&site, "demo-layer/lib/demolib/__init__.py", "def flag():\n    return 'P=1'\n");
    append(&site, &format!("{HELLO}/hello_1.0.bb"), "EXTRA_OEMAKE += \"${@demolib.flag()}\"\n");
    let value = |warm: bool| {
        let output = site.rbake(warm, &["getvar", "-r", "hello", "EXTRA_OEMAKE", "--value"]);
        String::from_utf8_lossy(&output.stdout).trim().to_owned()
    };
    assert_eq!(value(true), "PREFIX=/usr P=1");
    let pid = site.server_pid().expect("a server");

    // Another size: Python trusts a cached bytecode file whose source has
    // the same size and modification second, in any process.
    write(&site, "demo-layer/lib/demolib/__init__.py", "def flag():\n    return 'P=22'\n");
    assert_eq!(value(true), "PREFIX=/usr P=22", "the library's new answer shows");
    assert_eq!(value(false), "PREFIX=/usr P=22");
    assert_ne!(site.server_pid(), Some(pid), "a new server answered");
}

#[test]
fn a_server_of_another_rbake_binary_is_replaced() {
    let site = Site::new("binary");
    // Another build of rbake: the same program under another file.
    let other = site.path("rbake-other");
    std::fs::copy(env!("CARGO_BIN_EXE_rbake"), &other).unwrap();
    let started = Command::new(&other)
        .env_clear()
        .env("PATH", FIXED_PATH)
        .env("HOME", &site.top)
        .env("BB_SERVER_TIMEOUT", "120")
        .current_dir(site.path("build"))
        .args(["recipes"])
        .output()
        .unwrap();
    assert!(started.status.success());
    let old = site.server_pid().expect("the other binary's server");

    let output = site.rbake(true, &["plan", "--json", "--hashes", "world"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("NOTE: restarting the rbake server"), "{stderr}");
    assert!(output.status.success());
    let warm = String::from_utf8_lossy(&output.stdout).into_owned();
    let cold = site.answer(false);
    assert!(warm == cold, "{}", first_difference(&warm, &cold));
    assert_ne!(site.server_pid(), Some(old));
}
