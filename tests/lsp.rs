//! `rbake lsp` at the protocol level: the server runs as a child process
//! and is spoken to in real `Content-Length` frames over its standard
//! input and output, against a copy of the example layer (with the append
//! and include of `tests/data/lsp`). Hovers, definitions, diagnostics,
//! completions and symbols are checked exactly, and so are the answers to
//! malformed and unknown messages.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::Duration;

use common::{copy_tree, example_site, root, FIXED_PATH};
use serde_json::{json, Value};

/// How long an answer may take (the first parse includes the configuration).
const PATIENCE: Duration = Duration::from_secs(120);

const HELLO: &str = "demo-layer/recipes-apps/hello/hello_1.0.bb";
const HELLO_INC: &str = "demo-layer/recipes-apps/hello/hello-extra.inc";
const HELLO_APPEND: &str = "demo-layer/recipes-apps/hello/hello_1.0.bbappend";
const IMAGE: &str = "demo-layer/recipes-images/images/demo-image.bb";

/// A copy of the example layer with the fixtures, and a build directory.
struct Site {
    top: PathBuf,
}

impl Site {
    fn new(name: &str) -> Site {
        let top = std::env::temp_dir().join(format!("rbake-lsp-{}-{name}", std::process::id()));
        example_site(&top);
        copy_tree(&root().join("tests/data/lsp"), &top.join("demo-layer/recipes-apps/hello"));
        Site { top }
    }

    fn path(&self, relative: &str) -> PathBuf {
        self.top.join(relative)
    }

    fn uri(&self, relative: &str) -> String {
        format!("file://{}", self.path(relative).display())
    }

    fn text(&self, relative: &str) -> String {
        std::fs::read_to_string(self.path(relative)).unwrap()
    }
}

impl Drop for Site {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.top);
    }
}

/// The server as a child, and the messages it sent, read by a thread.
struct Client {
    child: Child,
    stdin: Option<ChildStdin>,
    messages: Receiver<Value>,
    next_id: i64,
    /// Notifications read while waiting for a response.
    pending: Vec<Value>,
}

impl Client {
    /// A server started in `/`, so that only the root says where the build is.
    fn start(site: &Site) -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_rbake"))
            .arg("lsp")
            .env_clear()
            .env("PATH", FIXED_PATH)
            .env("HOME", &site.top)
            .current_dir("/")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("cannot start rbake lsp");
        let stdout = child.stdout.take().unwrap();
        let (sender, messages) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Some(message) = read_frame(&mut reader) {
                if sender.send(message).is_err() {
                    break;
                }
            }
        });
        let stdin = child.stdin.take();
        Client { child, stdin, messages, next_id: 1, pending: Vec::new() }
    }

    /// A started server, initialized with the site's layer directory as
    /// its root (the build directory is found beside it).
    fn initialized(site: &Site) -> Client {
        let mut client = Client::start(site);
        let result = client
            .request("initialize", json!({ "rootUri": site.uri("build"), "capabilities": {} }));
        let sync = &result["result"]["capabilities"]["textDocumentSync"];
        assert_eq!(sync["change"], 2, "incremental sync: {result}");
        client.notify("initialized", json!({}));
        client
    }

    fn write_raw(&mut self, bytes: &[u8]) {
        let stdin = self.stdin.as_mut().expect("stdin is open");
        stdin.write_all(bytes).unwrap();
        stdin.flush().unwrap();
    }

    fn send(&mut self, message: &Value) {
        let body = message.to_string();
        self.write_raw(format!("Content-Length: {}\r\n\r\n{body}", body.len()).as_bytes());
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    /// Sends a request and returns the whole response.
    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        self.response(&json!(id))
    }

    /// The next response with `id`, keeping notifications for later.
    fn response(&mut self, id: &Value) -> Value {
        loop {
            let message = self.next();
            if message.get("method").is_none() && message["id"] == *id {
                return message;
            }
            self.pending.push(message);
        }
    }

    fn next(&mut self) -> Value {
        self.messages.recv_timeout(PATIENCE).expect("the server did not answer in time")
    }

    /// The next diagnostics published for `uri`.
    fn diagnostics(&mut self, uri: &str) -> Value {
        self.diagnostics_params(uri)["diagnostics"].clone()
    }

    /// The parameters of the next diagnostics published for `uri`.
    fn diagnostics_params(&mut self, uri: &str) -> Value {
        if let Some(at) = self.pending.iter().position(|m| is_diagnostics_for(m, uri)) {
            return self.pending.remove(at)["params"].clone();
        }
        loop {
            let message = self.next();
            if is_diagnostics_for(&message, uri) {
                return message["params"].clone();
            }
            self.pending.push(message);
        }
    }

    fn open(&mut self, site: &Site, relative: &str) {
        let text = site.text(relative);
        let item = json!({ "uri": site.uri(relative), "languageId": "bitbake", "version": 1, "text": text });
        self.notify("textDocument/didOpen", json!({ "textDocument": item }));
    }

    /// Replaces a range of an open buffer (zero-based lines and columns).
    fn edit(&mut self, uri: &str, version: i32, range: [u32; 4], text: &str) {
        let range = json!({
            "start": { "line": range[0], "character": range[1] },
            "end": { "line": range[2], "character": range[3] },
        });
        self.notify(
            "textDocument/didChange",
            json!({
                "textDocument": { "uri": uri, "version": version },
                "contentChanges": [{ "range": range, "text": text }],
            }),
        );
    }

    fn at(&mut self, method: &str, uri: &str, line: u32, character: u32) -> Value {
        let params = json!({
            "textDocument": { "uri": uri },
            "position": { "line": line, "character": character },
        });
        self.request(method, params)
    }

    fn hover_text(&mut self, uri: &str, line: u32, character: u32) -> String {
        let response = self.at("textDocument/hover", uri, line, character);
        let value = &response["result"]["contents"]["value"];
        value.as_str().unwrap_or_else(|| panic!("no hover: {response}")).to_owned()
    }

    /// Shuts the server down and returns its exit status and stderr.
    fn finish(mut self) -> (Option<i32>, String) {
        let response = self.request("shutdown", Value::Null);
        assert_eq!(response["result"], Value::Null, "{response}");
        self.notify("exit", Value::Null);
        self.wait()
    }

    fn wait(mut self) -> (Option<i32>, String) {
        drop(self.stdin.take());
        let status = self.child.wait().unwrap();
        let mut stderr = String::new();
        self.child.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
        (status.code(), stderr)
    }
}

fn is_diagnostics_for(message: &Value, uri: &str) -> bool {
    message["method"] == "textDocument/publishDiagnostics" && message["params"]["uri"] == uri
}

/// One frame from the server, or `None` at the end of its output.
fn read_frame(reader: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        let (name, value) = line.split_once(':')?;
        if name.eq_ignore_ascii_case("content-length") {
            length = value.trim().parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    reader.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

fn location(uri: &str, line: u32, start: u32, end: u32) -> Value {
    json!({
        "uri": uri,
        "range": { "start": { "line": line, "character": start }, "end": { "line": line, "character": end } },
    })
}

#[test]
fn hover_shows_the_value_in_the_recipe_and_follows_unsaved_edits() {
    let site = Site::new("hover");
    let mut client = Client::initialized(&site);
    let hello = site.uri(HELLO);
    client.open(&site, HELLO);
    let bitbake_conf = site.uri("demo-layer/conf/bitbake.conf");
    let expected = format!(
        "**EXTRA_OEMAKE** in recipe `hello` (hello_1.0.bb)\n\n\
         ```text\nPREFIX=/usr\n```\n\n\
         Before expansion:\n\n```text\nPREFIX=${{prefix}}\n```\n\n\
         Contributions, in order:\n\n\
         - `set` at [bitbake.conf:88]({bitbake_conf}#L88): `\"\"`\n\
         - `set` at [hello_1.0.bb:11]({hello}#L11): `PREFIX=${{prefix}}`\n"
    );
    let response = client.at("textDocument/hover", &hello, 10, 3);
    assert_eq!(response["result"]["contents"]["value"], expected.as_str());
    assert_eq!(
        response["result"]["range"],
        json!({ "start": { "line": 10, "character": 0 }, "end": { "line": 10, "character": 12 } })
    );
    // Hovering a reference inside a value names the referenced variable.
    let prefix = client.hover_text(&hello, 10, 27);
    assert!(prefix.starts_with("**prefix** in recipe `hello`"), "{prefix}");

    // An edit that is not saved counts; the file on disk is unchanged.
    client.edit(&hello, 2, [10, 32, 10, 32], " V=1");
    let edited = client.hover_text(&hello, 10, 3);
    assert!(edited.contains("```text\nPREFIX=/usr V=1\n```"), "{edited}");
    assert!(site.text(HELLO).contains("EXTRA_OEMAKE = \"PREFIX=${prefix}\"\n"));

    // A word that is no variable has no hover.
    let response = client.at("textDocument/hover", &hello, 13, 14);
    assert_eq!(response["result"], Value::Null, "{response}");
    let (status, stderr) = client.finish();
    assert_eq!(status, Some(0), "{stderr}");
}

#[test]
fn an_include_is_read_in_the_context_of_the_recipe_that_reads_it() {
    let site = Site::new("context");
    let mut client = Client::initialized(&site);
    let include = site.uri(HELLO_INC);
    client.open(&site, HELLO_INC);
    let text = client.hover_text(&include, 1, 2);
    assert!(text.starts_with("**GREETING** in recipe `hello` (hello_1.0.bb)\n\n"), "{text}");
    assert!(text.contains("```text\nhello from hello\n```"), "{text}");
    assert!(text.contains(&format!("- `set` at [hello-extra.inc:2]({include}#L2)")), "{text}");

    // The command chooses a context by recipe name, or says there is none.
    let response = client.request(
        "workspace/executeCommand",
        json!({ "command": "rbake.setContext", "arguments": ["hello"] }),
    );
    assert_eq!(response["result"], site.path(HELLO).display().to_string());

    // A class every recipe inherits is read in the first recipe's context
    // until another is chosen.
    let base = site.uri("demo-layer/classes/base.bbclass");
    let text = client.hover_text(&base, 13, 13);
    assert!(text.starts_with("**T** in recipe `hello` (hello_1.0.bb)\n"), "{text}");
    let response = client.request(
        "workspace/executeCommand",
        json!({ "command": "rbake.setContext", "arguments": ["wc-lite"] }),
    );
    assert_eq!(
        response["result"],
        site.path("demo-layer/recipes-apps/wc-lite/wc-lite_0.3.bb").display().to_string()
    );
    let text = client.hover_text(&base, 13, 13);
    assert!(text.starts_with("**T** in recipe `wc-lite` (wc-lite_0.3.bb)\n"), "{text}");
    let value = format!("```text\n{}/build/tmp/work/wc-lite-0.3-r0/temp\n```", site.top.display());
    assert!(text.contains(&value), "{text}");
    let response = client.request(
        "workspace/executeCommand",
        json!({ "command": "rbake.setContext", "arguments": ["no-such-recipe"] }),
    );
    assert_eq!(response["error"]["message"], "no recipe named no-such-recipe");
    client.finish();
}

/// A class no recipe reads, and an include of a `conf` directory, are
/// read in the configuration's context, and the hover says why.
#[test]
fn files_no_recipe_reads_are_read_in_the_configuration() {
    let site = Site::new("unread");
    std::fs::write(
        site.path("demo-layer/classes/unused.bbclass"),
        "UNUSED_VALUE = \"x${TOPDIR}\"\n",
    )
    .unwrap();
    std::fs::create_dir_all(site.path("demo-layer/conf/extra")).unwrap();
    std::fs::write(site.path("demo-layer/conf/extra/extra.inc"), "BBPATH .= \":y\"\n").unwrap();
    let mut client = Client::initialized(&site);
    let class = site.uri("demo-layer/classes/unused.bbclass");
    client.open(&site, "demo-layer/classes/unused.bbclass");
    let text = client.hover_text(&class, 0, 3);
    let label = "**UNUSED_VALUE** in the configuration (no recipe found that reads this file; \
                 choose one with the command rbake.setContext)\n\n";
    assert!(text.starts_with(label), "{text}");
    // The configuration has not read the class, so the variable has no value.
    assert!(text.contains("*not set*"), "{text}");

    let include = site.uri("demo-layer/conf/extra/extra.inc");
    client.open(&site, "demo-layer/conf/extra/extra.inc");
    let text = client.hover_text(&include, 0, 3);
    assert!(text.starts_with("**BBPATH** in the configuration\n\n"), "{text}");

    // Once a recipe inherits the class, it is read in that recipe.
    let hello = site.uri(HELLO);
    client.open(&site, HELLO);
    client.edit(&hello, 2, [0, 0, 0, 0], "inherit unused\n");
    let text = client.hover_text(&class, 0, 3);
    assert!(text.starts_with("**UNUSED_VALUE** in recipe `hello` (hello_1.0.bb)\n\n"), "{text}");
    let value = format!("```text\nx{}/build\n```", site.top.display());
    assert!(text.contains(&value), "{text}");
    client.finish();
}

/// An edit of a recipe publishes its own diagnostics, and then those of
/// the other open files it changes: here an include the recipe reads,
/// whose context now fails.
#[test]
fn an_edit_republishes_the_diagnostics_of_files_it_affects() {
    let site = Site::new("affects");
    let mut client = Client::initialized(&site);
    let (hello, include) = (site.uri(HELLO), site.uri(HELLO_INC));
    client.open(&site, HELLO_INC);
    assert_eq!(client.diagnostics(&include), json!([]));
    client.open(&site, HELLO);
    assert_eq!(client.diagnostics(&hello), json!([]));

    client.edit(
        &hello,
        2,
        [0, 0, 0, 0],
        "python __anonymous() {\n    bb.fatal(\"stop here\")\n}\n",
    );
    let own = client.diagnostics(&hello);
    assert_eq!(own[0]["message"], "stop here", "{own}");
    let other = client.diagnostics(&include);
    let message = other[0]["message"].as_str().unwrap_or_default().to_owned();
    assert!(
        message.starts_with("recipe `hello` (hello_1.0.bb), as last parsed without errors fails: "),
        "{other}"
    );
    assert!(message.ends_with("stop here"), "{other}");

    client.edit(&hello, 3, [0, 0, 3, 0], "");
    assert_eq!(client.diagnostics(&hello), json!([]));
    assert_eq!(client.diagnostics(&include), json!([]));
    client.finish();
}

#[test]
fn definitions_of_variables_includes_and_classes() {
    let site = Site::new("definition");
    let mut client = Client::initialized(&site);
    let hello = site.uri(HELLO);
    let response = client.at("textDocument/definition", &hello, 10, 3);
    let expected = json!([
        location(&site.uri("demo-layer/conf/bitbake.conf"), 87, 0, 12),
        location(&hello, 10, 0, 12),
    ]);
    assert_eq!(response["result"], expected);

    // A variable set in the append and the include, from the recipe.
    let response = client.at("textDocument/definition", &site.uri(HELLO_APPEND), 1, 12);
    assert_eq!(response["result"], json!([location(&site.uri(HELLO_INC), 0, 0, 0)]));

    let response = client.at("textDocument/definition", &site.uri(IMAGE), 3, 10);
    let class = site.uri("demo-layer/classes/image.bbclass");
    assert_eq!(response["result"], json!([location(&class, 0, 0, 0)]));
    client.finish();
}

#[test]
fn diagnostics_follow_the_buffer() {
    let site = Site::new("diagnostics");
    let mut client = Client::initialized(&site);
    let hello = site.uri(HELLO);
    client.open(&site, HELLO);
    assert_eq!(client.diagnostics(&hello), json!([]));

    client.edit(&hello, 2, [2, 0, 2, 0], "this is not bitbake\n");
    let expected = json!([{
        "range": { "start": { "line": 2, "character": 0 }, "end": { "line": 2, "character": 19 } },
        "severity": 1,
        "source": "rbake",
        "message": "unparsed line: 'this is not bitbake'",
    }]);
    assert_eq!(client.diagnostics(&hello), expected);

    client.edit(&hello, 3, [2, 0, 3, 0], "");
    assert_eq!(client.diagnostics(&hello), json!([]));

    // An edit that changes no diagnostic still has them published, for
    // its version.
    client.edit(&hello, 4, [0, 0, 0, 0], "# a comment\n");
    let params = client.diagnostics_params(&hello);
    assert_eq!((params["version"].clone(), params["diagnostics"].clone()), (json!(4), json!([])));
    client.edit(&hello, 5, [0, 0, 1, 0], "");
    assert_eq!(client.diagnostics(&hello), json!([]));

    // A `require` of a missing file is an error on its line.
    client.edit(&hello, 6, [0, 0, 0, 0], "require no-such.inc\n");
    let diagnostics = client.diagnostics(&hello);
    assert_eq!(diagnostics[0]["message"], "require: cannot find no-such.inc", "{diagnostics}");
    assert_eq!(diagnostics[0]["range"]["start"], json!({ "line": 0, "character": 0 }));
    client.finish();
}

/// Lints in the recipe's context: a task ordered against one that does not
/// exist, an override nothing knows, and a variable nothing reads; a task
/// that exists, an active override and a variable that is read pass.
#[test]
fn lints_name_unknown_tasks_and_overrides_and_unread_variables() {
    let site = Site::new("lints");
    let mut client = Client::initialized(&site);
    let hello = site.uri(HELLO);
    client.open(&site, HELLO);
    assert_eq!(client.diagnostics(&hello), json!([]));
    let lines = "do_greet() {\n    echo ${GREETED}\n}\n\
                 addtask greet after do_compil before do_install\n\
                 SUMMARY:appned = \"x\"\n\
                 SUMMARY:append = \" y\"\n\
                 GREETED = \"world\"\n\
                 UNREAD_THING = \"1\"\n";
    client.edit(&hello, 2, [0, 0, 0, 0], lines);
    let diagnostics = client.diagnostics(&hello);
    let found: Vec<(u64, u64, String)> = diagnostics
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let line = d["range"]["start"]["line"].as_u64().unwrap();
            (line, d["severity"].as_u64().unwrap(), d["message"].as_str().unwrap().to_owned())
        })
        .collect();
    let context = "recipe `hello` (hello_1.0.bb)";
    let expected = vec![
        (
            3,
            2,
            format!(
                "addtask: {context} has no task or function named `do_compil`, so BitBake \
                 ignores it here"
            ),
        ),
        (
            4,
            3,
            format!(
                "the override `appned` does not apply in {context}, and no configuration \
                 file, class or library of the layers names it"
            ),
        ),
        (7, 4, format!("`UNREAD_THING` is set here, but nothing in {context} reads it")),
    ];
    assert_eq!(found, expected, "{diagnostics}");
    assert_eq!(diagnostics[2]["tags"], json!([1]));
    client.finish();
}

/// Runs rbake commands in the site's build directory, where the first
/// starts a server; stops it when dropped.
struct ServerGuard<'a>(&'a Site);

impl ServerGuard<'_> {
    fn rbake(&self, args: &[&str]) -> std::process::Output {
        Command::new(env!("CARGO_BIN_EXE_rbake"))
            .env_clear()
            .env("PATH", FIXED_PATH)
            .env("HOME", &self.0.top)
            .env("BB_SERVER_TIMEOUT", "120")
            .current_dir(self.0.path("build"))
            .args(args)
            .output()
            .expect("cannot run rbake")
    }
}

impl Drop for ServerGuard<'_> {
    fn drop(&mut self) {
        let _ = self.rbake(&["server", "--stop"]);
    }
}

/// A task's hover lists what it runs after and needs of other recipes,
/// and says whether it will run as a running server's `rbake why` does,
/// or how to learn it when no server runs.
#[test]
fn a_task_hover_shows_its_dependencies_and_whether_it_will_run() {
    let site = Site::new("task");
    let mut client = Client::initialized(&site);
    let hello = site.uri(HELLO);
    client.open(&site, HELLO);
    let line = site.text(HELLO).lines().position(|line| line.starts_with("do_install()")).unwrap();
    let text = client.hover_text(&hello, line as u32, 3);
    assert!(
        text.contains("**Task** `do_install` of `hello`\n\n- runs after: do_compile\n"),
        "{text}"
    );
    let base = site.uri("demo-layer/classes/base.bbclass");
    let deptask = site
        .text("demo-layer/classes/base.bbclass")
        .lines()
        .position(|line| line.starts_with("do_configure[deptask]"));
    let other = client.hover_text(&base, deptask.unwrap() as u32, 3);
    assert!(other.contains("**Task** `do_configure` of `hello`\n\n"), "{other}");
    assert!(other.contains("- `[deptask]`: do_populate_sysroot\n"), "{other}");
    let no_server = "- next build: unknown: start `rbake server` in the build directory to see it \
                     here, or run `rbake why`\n";
    assert!(text.contains(no_server), "{text}");

    let server = ServerGuard(&site);
    let why = server.rbake(&["why", "hello:do_install"]);
    assert!(why.status.success(), "{}", String::from_utf8_lossy(&why.stderr));
    let text = client.hover_text(&hello, line as u32, 3);
    let never = "- next build: will run: it was never built (no stamp, and no record of an \
                 earlier run)\n";
    assert!(text.contains(never), "{text}");
    drop(server);
    client.finish();
}

#[test]
fn completion_offers_variables_classes_and_flags() {
    let site = Site::new("completion");
    let mut client = Client::initialized(&site);
    let hello = site.uri(HELLO);
    client.open(&site, HELLO);
    client.edit(&hello, 2, [15, 0, 15, 0], "EXTRA_OE\ninherit \ndo_install[dep\n");
    let response = client.at("textDocument/completion", &hello, 15, 8);
    let items = &response["result"]["items"];
    assert_eq!(*items, json!([{ "label": "EXTRA_OEMAKE", "kind": 6, "detail": "PREFIX=/usr" }]));

    let response = client.at("textDocument/completion", &hello, 16, 8);
    let labels: Vec<&str> =
        response["result"].as_array().unwrap().iter().filter_map(|i| i["label"].as_str()).collect();
    assert_eq!(labels, ["base", "image", "sstate"]);

    let response = client.at("textDocument/completion", &hello, 17, 14);
    let labels: Vec<&str> =
        response["result"].as_array().unwrap().iter().filter_map(|i| i["label"].as_str()).collect();
    assert!(labels.contains(&"depends"), "{labels:?}");

    // Tasks after `addtask`, operations and overrides after `NAME:`.
    client.edit(&hello, 3, [18, 0, 18, 0], "addtask greet after do_\nSUMMARY:\n");
    let response = client.at("textDocument/completion", &hello, 18, 23);
    let labels: Vec<&str> =
        response["result"].as_array().unwrap().iter().filter_map(|i| i["label"].as_str()).collect();
    assert!(labels.contains(&"do_compile") && labels.contains(&"do_install"), "{labels:?}");
    assert_eq!(response["result"][0]["detail"], "task");
    let response = client.at("textDocument/completion", &hello, 19, 8);
    let labels: Vec<&str> =
        response["result"].as_array().unwrap().iter().filter_map(|i| i["label"].as_str()).collect();
    assert_eq!(labels[..3], ["append", "prepend", "remove"], "{labels:?}");
    assert!(labels.contains(&"class-target"), "{labels:?}");
    client.finish();
}

#[test]
fn document_symbols_list_variables_and_functions() {
    let site = Site::new("symbols");
    let mut client = Client::initialized(&site);
    let response = client.request(
        "textDocument/documentSymbol",
        json!({ "textDocument": { "uri": site.uri(HELLO) } }),
    );
    let symbols = response["result"].as_array().unwrap();
    let names: Vec<(&str, i64)> = symbols
        .iter()
        .map(|symbol| (symbol["name"].as_str().unwrap(), symbol["kind"].as_i64().unwrap()))
        .collect();
    let expected = [
        ("SUMMARY", 13),
        ("LICENSE", 13),
        ("DEPENDS", 13),
        ("SRC_URI", 13),
        ("S", 13),
        ("EXTRA_OEMAKE", 13),
        ("do_install", 12),
    ];
    assert_eq!(names, expected);
    assert_eq!(symbols[3]["range"]["start"]["line"], 4);
    assert_eq!(symbols[3]["range"]["end"]["line"], 7);
    client.finish();
}

#[test]
fn malformed_and_unknown_messages_get_errors_and_the_session_goes_on() {
    let site = Site::new("errors");
    let mut client = Client::start(&site);
    let early = client.request("textDocument/hover", json!({}));
    assert_eq!(early["error"]["code"], -32002, "{early}");
    client.request("initialize", json!({ "rootUri": site.uri("build"), "capabilities": {} }));

    client.write_raw(b"Content-Length: 9\r\n\r\n{not json");
    let response = client.response(&Value::Null);
    assert_eq!(response["error"]["code"], -32700, "{response}");
    assert_eq!(response["id"], Value::Null);

    let response = client.request("rbake/noSuchMethod", json!({}));
    assert_eq!(response["error"]["code"], -32601, "{response}");

    let response = client.at("textDocument/hover", &site.uri(HELLO), 999, 0);
    assert_eq!(response["error"]["code"], -32602, "{response}");
    let response = client.at("textDocument/hover", &site.uri(HELLO), 0, 999);
    assert_eq!(response["error"]["code"], -32602, "{response}");
    let response = client.request("textDocument/hover", json!({ "bad": true }));
    assert_eq!(response["error"]["code"], -32602, "{response}");

    // The session still answers.
    let text = client.hover_text(&site.uri(HELLO), 10, 3);
    assert!(text.starts_with("**EXTRA_OEMAKE**"), "{text}");
    let (status, stderr) = client.finish();
    assert_eq!(status, Some(0), "{stderr}");
}

#[test]
fn a_broken_frame_ends_the_session_without_a_panic() {
    let site = Site::new("broken");
    for broken in [
        &b"Content-Length: 100\r\n\r\n{\"jsonrpc\""[..],
        b"Content-Length: many\r\n\r\n{}",
        b"hello\r\n\r\n",
    ] {
        let mut client = Client::initialized(&site);
        client.write_raw(broken);
        let (status, stderr) = client.wait();
        assert!(matches!(status, Some(0 | 1)), "{status:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
        assert!(stderr.contains("rbake lsp: error:"), "{stderr}");
    }
}

/// The hover on EXTRA_OEMAKE from a server initialized with `params`, and
/// the messages it showed the user.
fn hover_after_initialize(site: &Site, params: Value) -> (String, Vec<String>) {
    let mut client = Client::start(site);
    client.request("initialize", params);
    let shown = client
        .pending
        .iter()
        .filter(|message| message["method"] == "window/showMessage")
        .map(|message| message["params"]["message"].as_str().unwrap_or_default().to_owned())
        .collect();
    let text = client.hover_text(&site.uri(HELLO), 10, 3);
    client.finish();
    (text, shown)
}

#[test]
fn the_build_directory_comes_from_the_options_else_from_the_root() {
    let site = Site::new("build-dir");
    let layer = site.uri("demo-layer");
    let build = site.path("build").display().to_string();
    let from_config = "- `set` at [bitbake.conf:88]";

    // No bblayers.conf at or above the root: the user is told.
    let (text, shown) =
        hover_after_initialize(&site, json!({ "rootUri": layer, "capabilities": {} }));
    assert!(!text.contains(from_config), "{text}");
    let expected =
        format!("rbake: {} has no conf/bblayers.conf", site.path("demo-layer").display());
    assert!(shown.len() == 1 && shown[0].starts_with(&expected), "{shown:?}");

    let options = [
        json!({ "rootUri": layer, "initializationOptions": { "buildDir": build } }),
        json!({ "rootUri": layer, "initializationOptions": { "rbake": { "buildDir": site.uri("build") } } }),
        json!({ "workspaceFolders": [{ "uri": site.uri("build/sub/dir"), "name": "sub" }] }),
    ];
    for params in options {
        let (text, shown) = hover_after_initialize(&site, params.clone());
        assert!(text.contains(from_config), "{params}: {text}");
        assert_eq!(shown, Vec::<String>::new());
    }
}

/// The locations of a response as `(file relative to the site, line,
/// start, end)`, for short expectations.
fn places(site: &Site, response: &Value) -> Vec<(String, u64, u64, u64)> {
    let prefix = site.uri("");
    let locations = response["result"].as_array().unwrap_or_else(|| panic!("{response}"));
    locations
        .iter()
        .map(|location| {
            let uri = location["uri"].as_str().unwrap();
            let range = &location["range"];
            let end = &range["end"];
            assert_eq!(range["start"]["line"], end["line"], "{location}");
            (
                uri.strip_prefix(&prefix).unwrap_or(uri).to_owned(),
                range["start"]["line"].as_u64().unwrap(),
                range["start"]["character"].as_u64().unwrap(),
                end["character"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn references(client: &mut Client, uri: &str, line: u32, character: u32, all: bool) -> Value {
    let params = json!({
        "textDocument": { "uri": uri },
        "position": { "line": line, "character": character },
        "context": { "includeDeclaration": all },
    });
    client.request("textDocument/references", params)
}

#[test]
fn references_of_variables_and_tasks() {
    let site = Site::new("references");
    let mut client = Client::initialized(&site);
    let hello = site.uri(HELLO);
    client.open(&site, HELLO);
    let base = "demo-layer/classes/base.bbclass";
    let conf = "demo-layer/conf/bitbake.conf";
    let recipe = "demo-layer/recipes-apps/hello/hello_1.0.bb";
    let place = |file: &str, line, start, end| (file.to_owned(), line, start, end);

    // The statements that set EXTRA_OEMAKE, and its `${EXTRA_OEMAKE}`s.
    let response = references(&mut client, &hello, 10, 3, true);
    let expected = [
        place(base, 45, 35, 47),
        place(base, 46, 28, 40),
        place(conf, 87, 0, 12),
        place(recipe, 10, 0, 12),
    ];
    assert_eq!(places(&site, &response), expected);

    // Without the declarations; an unsaved use in the buffer counts, and
    // the task named in a dependency flag of the buffer.
    let added = "X = \"${EXTRA_OEMAKE}\"\ndo_build[depends] += \"libgreet:do_install\"\n";
    client.edit(&hello, 2, [11, 0, 11, 0], added);
    let response = references(&mut client, &hello, 10, 3, false);
    let expected = [place(base, 45, 35, 47), place(base, 46, 28, 40), place(recipe, 11, 7, 19)];
    assert_eq!(places(&site, &response), expected);

    // A task: its function and flags, `addtask` lines (`install` and
    // `after do_install`), EXPORT_FUNCTIONS and the `[depends]` mention.
    let response = references(&mut client, &hello, 14, 3, true);
    let expected = [
        place(base, 145, 0, 10),
        place(base, 146, 0, 10),
        place(base, 216, 8, 15),
        place(base, 217, 22, 32),
        place(base, 218, 31, 41),
        place(base, 225, 69, 79),
        place(recipe, 12, 31, 41),
        place(recipe, 14, 0, 10),
    ];
    assert_eq!(places(&site, &response), expected);
    // The same from the `addtask` line's short name.
    let from_addtask = references(&mut client, &site.uri(base), 216, 10, true);
    assert_eq!(places(&site, &from_addtask), expected);

    // From inside `${D}`: the setting and every use.
    let response = references(&mut client, &hello, 15, 30, true);
    let expected = [
        place(base, 146, 27, 28),
        place(base, 168, 12, 13),
        place(base, 169, 33, 34),
        place(base, 193, 12, 13),
        place(base, 195, 50, 51),
        place(conf, 37, 0, 1),
        place(recipe, 15, 30, 31),
    ];
    assert_eq!(places(&site, &response), expected);
    client.finish();
}

fn inlay_hints(client: &mut Client, uri: &str, lines: [u32; 2]) -> Vec<(u64, u64, String)> {
    let range = json!({
        "start": { "line": lines[0], "character": 0 },
        "end": { "line": lines[1], "character": 0 },
    });
    let response = client.request(
        "textDocument/inlayHint",
        json!({ "textDocument": { "uri": uri }, "range": range }),
    );
    let hints = response["result"].as_array().unwrap_or_else(|| panic!("{response}"));
    hints
        .iter()
        .map(|hint| {
            assert_eq!(hint["paddingLeft"], true, "{hint}");
            (
                hint["position"]["line"].as_u64().unwrap(),
                hint["position"]["character"].as_u64().unwrap(),
                hint["label"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[test]
fn inlay_hints_show_expanded_values_unless_turned_off() {
    let site = Site::new("inlay");
    let mut client = Client::initialized(&site);
    let hello = site.uri(HELLO);
    client.open(&site, HELLO);
    let unpackdir = format!("{}/build/tmp/work/hello-1.0-r0/sources", site.top.display());
    let cut = |text: &str| match text.char_indices().nth(60) {
        Some((at, _)) => format!("→ {}…", &text[..at]),
        None => format!("→ {text}"),
    };
    let hint = |line, character, label: &str| (line, character, label.to_owned());
    let expected = [
        hint(0, 61, "→ Greets the world, or the name on its command line"),
        hint(1, 15, "→ MIT"),
        hint(2, 20, "→ libgreet"),
        // At the end of the statement's last line, on one line and cut.
        hint(7, 11, "→ file://hello.c file://Makefile file://0001-hello-greet-the-n…"),
        hint(8, 18, &cut(&unpackdir)),
        hint(10, 33, "→ PREFIX=/usr"),
    ];
    assert_eq!(inlay_hints(&mut client, &hello, [0, 20]), expected);
    // Only the lines asked for; an unsaved edit counts, and a flag shows
    // the flag's value.
    client.edit(&hello, 2, [10, 32, 10, 32], " V=1\"\ndo_install[doc] = \"${PN}");
    let expected = [hint(10, 37, "→ PREFIX=/usr V=1"), hint(11, 25, "→ hello")];
    assert_eq!(inlay_hints(&mut client, &hello, [9, 11]), expected);
    client.finish();

    // The option turns them off: no capability, and no hints if asked.
    let mut client = Client::start(&site);
    let response = client.request(
        "initialize",
        json!({ "rootUri": site.uri("build"), "initializationOptions": { "rbake": { "inlayHints": false } } }),
    );
    let capabilities = &response["result"]["capabilities"];
    assert_eq!(capabilities["inlayHintProvider"], Value::Null, "{capabilities}");
    client.open(&site, HELLO);
    assert_eq!(inlay_hints(&mut client, &hello, [0, 20]), []);
    client.finish();
}

#[test]
fn semantic_tokens_of_a_small_buffer() {
    let site = Site::new("semantic");
    let mut client = Client::start(&site);
    let response =
        client.request("initialize", json!({ "rootUri": site.uri("build"), "capabilities": {} }));
    let legend = &response["result"]["capabilities"]["semanticTokensProvider"]["legend"];
    let types: Vec<&str> =
        legend["tokenTypes"].as_array().unwrap().iter().map(|t| t.as_str().unwrap()).collect();
    let modifiers: Vec<&str> =
        legend["tokenModifiers"].as_array().unwrap().iter().map(|t| t.as_str().unwrap()).collect();
    let uri = site.uri("demo-layer/classes/small.bbclass");
    let text = "# note\n\
                export FOO:append:class-native[doc] = \"a ${BAR} ${@d.getVar('X')}\"\n\
                inherit base\n\
                do_x() {\n\
                \x20   echo ${D} é\n\
                }\n\
                python do_p() {\n\
                \x20   bb.note(\"x\")\n\
                }\n";
    let item = json!({ "uri": uri, "languageId": "bitbake", "version": 1, "text": text });
    client.notify("textDocument/didOpen", json!({ "textDocument": item }));
    let response = client
        .request("textDocument/semanticTokens/full", json!({ "textDocument": { "uri": uri } }));
    let data: Vec<u64> = response["result"]["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_u64().unwrap())
        .collect();
    // Decoded: line, start, length, type, modifiers.
    let (mut line, mut start) = (0, 0);
    let mut decoded = Vec::new();
    for token in data.chunks(5) {
        if token[0] > 0 {
            start = 0;
        }
        line += token[0];
        start += token[1];
        let mods: Vec<&str> = (0..modifiers.len())
            .filter(|bit| token[4] & (1 << bit) != 0)
            .map(|bit| modifiers[bit])
            .collect();
        decoded.push((line, start, token[2], types[token[3] as usize], mods.join(",")));
    }
    let expected = [
        (0, 0, 6, "comment", ""),
        (1, 0, 6, "keyword", ""),
        (1, 7, 3, "variable", "declaration"),
        (1, 10, 7, "modifier", ""),
        (1, 17, 13, "modifier", ""),
        (1, 30, 5, "property", ""),
        (1, 36, 1, "operator", ""),
        (1, 38, 3, "string", ""),
        (1, 41, 6, "macro", ""),
        (1, 47, 1, "string", ""),
        (1, 48, 17, "macro", "python"),
        (1, 65, 1, "string", ""),
        (2, 0, 7, "keyword", ""),
        (3, 0, 4, "function", "declaration"),
        (4, 0, 9, "string", ""),
        (4, 9, 4, "macro", ""),
        // " é": two UTF-16 units.
        (4, 13, 2, "string", ""),
        (6, 0, 6, "keyword", ""),
        (6, 7, 4, "function", "declaration"),
        (7, 0, 16, "string", "python"),
    ];
    let decoded: Vec<(u64, u64, u64, &str, &str)> =
        decoded.iter().map(|(l, s, n, t, m)| (*l, *s, *n, *t, m.as_str())).collect();
    assert_eq!(decoded, expected);
    client.finish();
}

fn frame(message: &Value) -> String {
    let body = message.to_string();
    format!("Content-Length: {}\r\n\r\n{body}", body.len())
}

fn hover_request(id: i64, uri: &str, line: u32, character: u32) -> Value {
    json!({
        "jsonrpc": "2.0", "id": id, "method": "textDocument/hover",
        "params": { "textDocument": { "uri": uri }, "position": { "line": line, "character": character } },
    })
}

#[test]
fn queued_requests_are_dropped_for_a_later_change_or_cancellation() {
    let site = Site::new("stale");
    let mut client = Client::initialized(&site);
    let hello = site.uri(HELLO);
    let include = site.uri(HELLO_INC);
    client.open(&site, HELLO);
    client.open(&site, HELLO_INC);
    assert_eq!(client.diagnostics(&hello), json!([]));
    // Written at once, so the server reads them all before answering.
    let change = json!({
        "jsonrpc": "2.0", "method": "textDocument/didChange",
        "params": {
            "textDocument": { "uri": hello, "version": 2 },
            "contentChanges": [{
                "range": { "start": { "line": 10, "character": 32 }, "end": { "line": 10, "character": 32 } },
                "text": " V=1",
            }],
        },
    });
    let cancel = json!({ "jsonrpc": "2.0", "method": "$/cancelRequest", "params": { "id": 103 } });
    let batch = [
        hover_request(100, &hello, 10, 3),
        hover_request(101, &include, 1, 2),
        change,
        hover_request(102, &hello, 10, 3),
        hover_request(103, &hello, 10, 3),
        cancel,
    ];
    let bytes: String = batch.iter().map(frame).collect();
    client.write_raw(bytes.as_bytes());

    let stale = client.response(&json!(100));
    assert_eq!(stale["error"]["code"], -32801, "{stale}");
    // Another document's request is answered.
    let other = client.response(&json!(101));
    assert!(other["result"]["contents"]["value"].as_str().unwrap().starts_with("**GREETING**"));
    // A request after the change sees the new text.
    let fresh = client.response(&json!(102));
    let value = fresh["result"]["contents"]["value"].as_str().unwrap();
    assert!(value.contains("```text\nPREFIX=/usr V=1\n```"), "{value}");
    let cancelled = client.response(&json!(103));
    assert_eq!(cancelled["error"]["code"], -32800, "{cancelled}");
    let (status, stderr) = client.finish();
    assert_eq!(status, Some(0), "{stderr}");
}

/// Found by the fuzz target: a word after a character of several bytes
/// (the cursor inside `}éé`) made hover and completion slice inside the
/// character, and answer with an internal error.
#[test]
fn the_cursor_after_a_character_of_several_bytes() {
    let site = Site::new("multibyte");
    let mut client = Client::initialized(&site);
    let uri = site.uri("demo-layer/recipes-apps/hello/extra.inc");
    let text = "A = \"x\"\n}\u{e9}\u{e9}\n\u{e9}TOPDIR\n";
    let item = json!({ "uri": uri, "languageId": "bitbake", "version": 1, "text": text });
    client.notify("textDocument/didOpen", json!({ "textDocument": item }));
    for character in 0..4 {
        let response = client.at("textDocument/hover", &uri, 1, character);
        assert_eq!(response["result"], Value::Null, "{response}");
        let response = client.at("textDocument/completion", &uri, 1, character);
        assert!(response["result"].is_object(), "{response}");
        let response = client.at("textDocument/definition", &uri, 1, character);
        assert_eq!(response["result"], Value::Null, "{response}");
    }
    // The word after `é` is found whole (the file is read in the
    // configuration's context, which knows TOPDIR).
    let response = client.at("textDocument/hover", &uri, 2, 1);
    let range =
        json!({ "start": { "line": 2, "character": 1 }, "end": { "line": 2, "character": 7 } });
    assert_eq!(response["result"]["range"], range, "{response}");
    assert!(response["result"]["contents"]["value"].as_str().unwrap().starts_with("**TOPDIR**"));
    let (status, stderr) = client.finish();
    assert_eq!(status, Some(0), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}
