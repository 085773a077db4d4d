//! `rbake lsp` in a real editor: headless Neovim (0.7 or later, as Debian
//! ships it) starts the server through `editors/neovim/rbake.lua`
//! (`vim.lsp.start_client`, the 0.7 API), hovers EXTRA_OEMAKE in a copy of
//! the example's hello recipe and writes the hover's Markdown, which must
//! be exact; then `editors/neovim/hover-test.sh` must pass. Without `nvim`
//! on PATH the test fails: it never passes because something is missing.

mod common;

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{example_site, root};

const PATIENCE: Duration = Duration::from_secs(120);

/// `nvim` on PATH, or a failure that says how to install it.
fn nvim() -> PathBuf {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path).map(|dir| dir.join("nvim")).find(|nvim| nvim.is_file()).expect(
        "nvim is not on PATH: install Debian's neovim package (apt-get install neovim) \
         to run the Neovim test of rbake lsp",
    )
}

/// Runs `command` to its end, killed after [`PATIENCE`]; its status,
/// standard output and standard error.
fn run(mut command: Command) -> (Option<i32>, String, String) {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|error| panic!("cannot start {command:?}: {error}"));
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > PATIENCE {
            let _ = child.kill();
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let output = child.wait_with_output().unwrap();
    let text = |bytes: Vec<u8>| String::from_utf8_lossy(&bytes).into_owned();
    (output.status.code(), text(output.stdout), text(output.stderr))
}

#[test]
fn neovim_shows_the_expanded_value_on_hover() {
    let nvim = nvim();
    let site = std::env::temp_dir().join(format!("rbake-lsp-neovim-{}", std::process::id()));
    example_site(&site);
    let recipe = site.join("demo-layer/recipes-apps/hello/hello_1.0.bb");
    let out = site.join("hover.md");
    let script = root().join("editors/neovim/hover-test.lua");

    let mut command = Command::new(&nvim);
    command
        .args(["--headless", "-u", "NONE", "-i", "NONE", "-c"])
        .arg(format!("luafile {}", script.display()))
        .env("RBAKE_BIN", env!("CARGO_BIN_EXE_rbake"))
        .env("RBAKE_RECIPE", &recipe)
        .env("RBAKE_HOVER_OUT", &out)
        .env("RBAKE_BUILD_DIR", site.join("build"))
        .env("HOME", &site)
        .env("XDG_STATE_HOME", site.join("state"))
        .current_dir(&site);
    let (status, stdout, stderr) = run(command);
    let hover = std::fs::read_to_string(&out).unwrap_or_else(|error| {
        panic!("no hover written ({error}); nvim exited with {status:?}:\n{stdout}\n{stderr}")
    });
    let conf = site.join("demo-layer/conf/bitbake.conf");
    let expected = format!(
        "**EXTRA_OEMAKE** in recipe `hello` (hello_1.0.bb)\n\n\
         ```text\nPREFIX=/usr\n```\n\n\
         Before expansion:\n\n```text\nPREFIX=${{prefix}}\n```\n\n\
         Contributions, in order:\n\n\
         - `set` at [bitbake.conf:88](file://{}#L88): `\"\"`\n\
         - `set` at [hello_1.0.bb:11](file://{}#L11): `PREFIX=${{prefix}}`\n",
        conf.display(),
        recipe.display()
    );
    assert_eq!(hover, expected, "nvim: {status:?}\n{stderr}");
    let _ = std::fs::remove_dir_all(&site);

    // The script a user runs does the same, with its own copy.
    let mut command = Command::new("sh");
    command
        .arg(root().join("editors/neovim/hover-test.sh"))
        .env("RBAKE", env!("CARGO_BIN_EXE_rbake"))
        .env(
            "PATH",
            nvim.parent()
                .map_or_else(Default::default, |dir| format!("{}:/usr/bin:/bin", dir.display())),
        );
    let (status, stdout, stderr) = run(command);
    assert_eq!(status, Some(0), "hover-test.sh:\n{stdout}\n{stderr}");
    assert_eq!(stdout, "neovim hover: ok\n", "{stderr}");
}
