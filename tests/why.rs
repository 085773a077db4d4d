//! `rbake why` after real builds and real edits, on a copy of the build
//! fixture layer: never built, current, a changed variable traced to its
//! file and line, changed code, a changed checksummed file, a changed
//! dependency, a forced task and a nostamp task.

mod common;

use std::path::PathBuf;
use std::process::Command;

use common::{root, FIXED_PATH};

struct Scratch {
    dir: PathBuf,
}

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("rbake-why-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("top")).expect("a scratch directory");
        let status = Command::new("cp")
            .arg("-r")
            .arg(root().join("tests/data/build/layer"))
            .arg(dir.join("layer"))
            .status()
            .expect("cp");
        assert!(status.success());
        Scratch { dir }
    }

    fn rbake(&self, args: &[&str]) -> String {
        let output = Command::new(env!("CARGO_BIN_EXE_rbake"))
            .env_clear()
            .env("PATH", FIXED_PATH)
            .env("BBPATH", self.dir.join("layer"))
            .current_dir(self.dir.join("top"))
            .args(args)
            .output()
            .expect("cannot run rbake");
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        assert!(
            output.status.success(),
            "rbake {args:?}:\n{stdout}{}",
            String::from_utf8_lossy(&output.stderr)
        );
        stdout
    }

    fn append(&self, relative: &str, text: &str) {
        let path = self.dir.join("layer").join(relative);
        let mut contents = std::fs::read_to_string(&path).expect("a layer file");
        contents.push_str(text);
        std::fs::write(&path, contents).expect("edit");
    }

    fn layer_path(&self, relative: &str) -> PathBuf {
        self.dir.join("layer").join(relative)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or_default()
}

#[test]
fn why_traces_a_rebuild_to_the_edit_that_causes_it() {
    let scratch = Scratch::new("edit");
    let never = scratch.rbake(&["why", "app:do_compile"]);
    assert!(first_line(&never).contains("will run: it was never built"), "{never}");

    scratch.rbake(&["build", "app"]);
    let current = scratch.rbake(&["why", "app:do_compile"]);
    assert!(first_line(&current).contains("will not run: its stamp for taskhash"), "{current}");

    scratch.append(
        "recipes/app_1.0.bb",
        "APP_GREETING = \"hello\"\ndo_compile:append() {\n\techo ${APP_GREETING}\n}\n",
    );
    scratch.rbake(&["build", "app"]);
    let recipe = scratch.layer_path("recipes/app_1.0.bb");
    let text = std::fs::read_to_string(&recipe).unwrap().replace("\"hello\"", "\"bonjour\"");
    std::fs::write(&recipe, text).unwrap();
    let changed = scratch.rbake(&["why", "app:do_compile"]);
    assert!(first_line(&changed).contains("will run: its taskhash changed"), "{changed}");
    assert!(
        changed.contains("Variable APP_GREETING value changed from 'hello' to 'bonjour'"),
        "{changed}"
    );
    let place = format!("set at {}:3 (set \"bonjour\")", recipe.display());
    assert!(changed.contains(&place), "{changed}");

    // The same answer as JSON, for tools.
    let json: serde_json::Value =
        serde_json::from_str(&scratch.rbake(&["why", "--json", "app:do_compile"])).expect("JSON");
    assert_eq!(json["will_run"], true);
    assert_eq!(json["cause"], "changed");
    let details = json["details"].as_array().expect("details");
    assert!(details.iter().any(|line| line.as_str().is_some_and(|line| line.contains(&place))));

    // A task downstream names the dependency whose hash changed, and why.
    let downstream = scratch.rbake(&["why", "app:do_install"]);
    assert!(downstream.contains("Hash for task dependency"), "{downstream}");
    assert!(downstream.contains("app_1.0.bb:do_compile changed from"), "{downstream}");
    assert!(downstream.contains("    Variable APP_GREETING value changed"), "{downstream}");
    // The root cause comes first, before the dependency that carried it.
    let second = downstream.lines().nth(1).unwrap_or_default();
    assert_eq!(
        second, "  root cause: Variable APP_GREETING value changed from 'hello' to 'bonjour'",
        "{downstream}"
    );
    // Through a longer chain (do_populate_sysroot <- do_install <- do_compile) too.
    let far = scratch.rbake(&["why", "app:do_populate_sysroot"]);
    assert!(
        far.lines().nth(1).unwrap_or_default().starts_with("  root cause: Variable APP_GREETING"),
        "{far}"
    );
}

#[test]
fn why_names_forced_and_nostamp_tasks() {
    let scratch = Scratch::new("forced");
    scratch.rbake(&["build", "lib"]);
    // A forced run taints the task: the next build's hash differs by the taint.
    scratch.rbake(&["build", "-f", "-c", "compile", "lib"]);
    let forced = scratch.rbake(&["why", "lib:do_install"]);
    assert!(forced.contains("Taint (by forced/invalidated task) changed from None to"), "{forced}");

    scratch.rbake(&["build", "stampless"]);
    let nostamp = scratch.rbake(&["why", "stampless:do_compile"]);
    assert!(first_line(&nostamp).contains("will run: it is a nostamp task"), "{nostamp}");
}

/// A function whose code changed shows the lines that changed, and a file
/// in a task's `file-checksums` that changed is named with both checksums.
#[test]
fn why_shows_changed_code_and_a_changed_checksummed_file() {
    let scratch = Scratch::new("code");
    let notes = scratch.layer_path("recipes/notes.txt");
    std::fs::write(&notes, "first\n").unwrap();
    scratch.append(
        "recipes/app_1.0.bb",
        "do_compile:append() {\n\techo one\n}\n\
         do_compile[file-checksums] = \"${@os.path.dirname(d.getVar('FILE'))}/notes.txt:True\"\n",
    );
    scratch.rbake(&["build", "app"]);
    let current = scratch.rbake(&["why", "app:do_compile"]);
    assert!(first_line(&current).contains("will not run"), "{current}");

    let recipe = scratch.layer_path("recipes/app_1.0.bb");
    let text = std::fs::read_to_string(&recipe).unwrap().replace("echo one", "echo two");
    std::fs::write(&recipe, text).unwrap();
    let code = scratch.rbake(&["why", "app:do_compile"]);
    assert!(first_line(&code).contains("will run: its taskhash changed"), "{code}");
    assert!(code.contains("root cause: Variable do_compile value changed:"), "{code}");
    assert!(code.contains("\n      -\techo one\n      +\techo two\n"), "{code}");

    scratch.rbake(&["build", "app"]);
    std::fs::write(&notes, "second\n").unwrap();
    let file = scratch.rbake(&["why", "app:do_compile"]);
    assert!(first_line(&file).contains("will run: its taskhash changed"), "{file}");
    // Signatures name a checksummed file by its base name, as BitBake's do.
    assert!(file.contains("root cause: Checksum for file notes.txt changed from"), "{file}");
}

#[test]
fn why_names_shared_state_and_defaults_to_the_last_target() {
    // The setscene fixture layer offers what SSTATE_AVAILABLE lists.
    let dir = std::env::temp_dir().join(format!("rbake-why-{}-sstate", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("available.conf"), "SSTATE_AVAILABLE = \"c:do_package\"\n").unwrap();
    let rbake = |args: &[&str]| -> String {
        let output = Command::new(env!("CARGO_BIN_EXE_rbake"))
            .env_clear()
            .env("PATH", FIXED_PATH)
            .env("BBPATH", root().join("tests/data/setscene/layer"))
            .current_dir(&dir)
            .args(args)
            .output()
            .expect("cannot run rbake");
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    let offered = rbake(&["why", "c:do_package"]);
    assert!(
        first_line(&offered).contains("will not really run: shared state has its output"),
        "{offered}"
    );

    rbake(&["build", "c", "-c", "populate_sysroot"]);
    // Without a recipe, the last build's target.
    let current = rbake(&["why", "do_populate_sysroot"]);
    assert!(
        first_line(&current).starts_with("c:do_populate_sysroot will not run: its stamp"),
        "{current}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn why_var_shows_each_contribution_and_the_references_with_their_places() {
    let scratch = Scratch::new("var");
    scratch.append(
        "recipes/app_1.0.bb",
        "APP_FLAGS = \"a b\"\nAPP_FLAGS:append = \" c\"\nAPP_FLAGS:remove = \"b\"\nAPP_ALL = \"${APP_FLAGS} x\"\n",
    );
    let recipe = scratch.layer_path("recipes/app_1.0.bb").display().to_string();
    let all = scratch.rbake(&["why", "--var", "APP_ALL", "-r", "app"]);
    assert_eq!(first_line(&all), "APP_ALL = \"a  c x\"", "{all}");
    assert!(all.contains(&format!("    set at {recipe}:6: \"${{APP_FLAGS}} x\"")), "{all}");
    assert!(all.contains(&format!("    ${{APP_FLAGS}} = \"a  c\", set at {recipe}:5")), "{all}");

    let flags = scratch.rbake(&["why", "--var", "APP_FLAGS", "-r", "app"]);
    let order: Vec<&str> = flags.lines().filter(|line| line.starts_with("    ")).collect();
    assert_eq!(
        order,
        vec![
            format!("    set at {recipe}:3: \"a b\""),
            format!("    :append at {recipe}:4: \" c\""),
            format!("    :remove at {recipe}:5: \"b\""),
        ],
        "{flags}"
    );
    assert!(flags.contains("  removed by :remove: b"), "{flags}");
}

#[test]
fn why_plan_names_the_path_and_the_flag_behind_each_edge() {
    let scratch = Scratch::new("plan");
    let path = scratch.rbake(&["why", "--plan", "app", "lib:do_compile"]);
    let lines: Vec<&str> = path.lines().collect();
    assert_eq!(
        lines,
        vec![
            "lib:do_compile is in the plan for app:",
            "  app:do_build",
            "  <- app:do_populate_sysroot (addtask do_build after do_populate_sysroot)",
            "  <- app:do_install (addtask do_populate_sysroot after do_install)",
            "  <- app:do_compile (addtask do_install after do_compile)",
            "  <- lib:do_populate_sysroot (do_compile[deptask] = \"do_populate_sysroot\"; DEPENDS names lib)",
            "  <- lib:do_install (addtask do_populate_sysroot after do_install)",
            "  <- lib:do_compile (addtask do_install after do_compile)",
        ],
        "{path}"
    );
    let absent = scratch.rbake(&["why", "--plan", "lib", "app:do_compile"]);
    assert_eq!(first_line(&absent), "app:do_compile is not in the plan for lib");

    // Through a virtual name, the provider chosen and why.
    let app = scratch.layer_path("recipes/app_1.0.bb");
    let text = std::fs::read_to_string(&app)
        .unwrap()
        .replace("DEPENDS = \"lib\"", "DEPENDS = \"virtual/greeter\"");
    std::fs::write(&app, text).unwrap();
    scratch.append("recipes/lib_1.0.bb", "PROVIDES += \"virtual/greeter\"\n");
    let edge = "  <- lib:do_populate_sysroot (do_compile[deptask] = \"do_populate_sysroot\"; DEPENDS names virtual/greeter, provided by lib: the only provider)";
    let only = scratch.rbake(&["why", "--plan", "app", "lib:do_compile"]);
    assert!(only.lines().any(|line| line == edge), "{only}");
    scratch.append("recipes/rooted_1.0.bb", "PROVIDES += \"virtual/greeter\"\n");
    scratch.append("conf/bitbake.conf", "PREFERRED_PROVIDER_virtual/greeter = \"lib\"\n");
    let preferred = scratch.rbake(&["why", "--plan", "app", "lib:do_compile"]);
    let edge = edge.replace("the only provider", "PREFERRED_PROVIDER_virtual/greeter = \"lib\"");
    assert!(preferred.lines().any(|line| line == edge), "{preferred}");
}
