#!/usr/bin/env python3
"""Latency of `rbake lsp` on a build directory, as an editor sees it.

Starts `rbake lsp` (the binary given by --rbake, default
target/release/rbake), initializes it with the build directory, opens N
files of its layers (recipes, classes, includes and appends, in a seeded
mix), hovers M variables at seeded random assignment lines, and edits a
recipe: each edit changes the value of a variable the open files use, and
is followed at once by a hover on it. It reports:

  - the time to open the files, and the server's RSS after (VmRSS);
  - hover latency, p50 and p99 (ms);
  - edit -> diagnostics: from the didChange to the server's publishing the
    edited file's diagnostics for the new version;
  - edit -> hover: from the didChange (and a hover written with it) to the
    hover's answer, which must show the new value.

Standard library only. Example:

  benches/lsp-latency.py --build-dir /path/to/build --files 50 --hovers 200
"""
import argparse
import json
import os
import random
import re
import statistics
import subprocess
import sys
import threading
import queue
import time
import urllib.parse

ASSIGNMENT = re.compile(
    r"^(?:export\s+)?([A-Za-z0-9_][A-Za-z0-9_\-.+/]*)((?::[A-Za-z0-9_\-${}]+)*)(\[[^\]]*\])?"
    r"\s*(\?\?=|\?=|:=|\+=|=\+|\.=|=\.|=)\s*\"")
KINDS = (".bb", ".bbclass", ".inc", ".bbappend")


class Server:
    """`rbake lsp` as a child, its messages read by a thread."""

    def __init__(self, rbake, build_dir):
        self.process = subprocess.Popen(
            [rbake, "lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL, cwd=build_dir)
        self.messages = queue.Queue()
        self.next_id = 1
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        stream = self.process.stdout
        while True:
            length = None
            while True:
                line = stream.readline()
                if not line:
                    self.messages.put(None)
                    return
                line = line.strip()
                if not line:
                    break
                name, _, value = line.partition(b":")
                if name.lower() == b"content-length":
                    length = int(value)
            body = stream.read(length)
            self.messages.put((time.perf_counter(), json.loads(body)))

    def write(self, *messages):
        data = b""
        for message in messages:
            body = json.dumps(message).encode()
            data += b"Content-Length: %d\r\n\r\n" % len(body) + body
        self.process.stdin.write(data)
        self.process.stdin.flush()

    def request_message(self, method, params):
        id = self.next_id
        self.next_id += 1
        return id, {"jsonrpc": "2.0", "id": id, "method": method, "params": params}

    def notification(self, method, params):
        return {"jsonrpc": "2.0", "method": method, "params": params}

    def wait(self, predicate, timeout=600):
        """The first message (its arrival time and body) that satisfies
        `predicate`; other messages are dropped."""
        deadline = time.perf_counter() + timeout
        while True:
            item = self.messages.get(timeout=max(0.0, deadline - time.perf_counter()))
            if item is None:
                sys.exit("rbake lsp ended")
            if predicate(item[1]):
                return item

    def request(self, method, params):
        id, message = self.request_message(method, params)
        start = time.perf_counter()
        self.write(message)
        at, response = self.wait(lambda m: m.get("id") == id and "method" not in m)
        if "error" in response:
            sys.exit(f"{method}: {response['error']}")
        return (at - start) * 1000, response.get("result")

    def rss_kib(self):
        with open(f"/proc/{self.process.pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        return 0

    def close(self):
        try:
            self.request("shutdown", None)
            self.write(self.notification("exit", None))
            self.process.wait(timeout=30)
        except Exception:
            self.process.kill()


def uri(path):
    return "file://" + urllib.parse.quote(path)


def text_position(hover_result):
    """The first fenced value of a hover's Markdown."""
    if not hover_result:
        return None
    value = hover_result["contents"]["value"]
    match = re.search(r"```+text\n(.*?)\n```", value, re.S)
    return match.group(1) if match else None


def percentile(values, fraction):
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def layer_files(layers, count, rng):
    """`count` files of the layers, in a seeded mix of the kinds."""
    by_kind = {kind: [] for kind in KINDS}
    for layer in layers:
        for directory, subdirs, files in os.walk(layer):
            subdirs[:] = sorted(d for d in subdirs if not d.startswith("."))
            for name in sorted(files):
                for kind in KINDS:
                    if name.endswith(kind):
                        by_kind[kind].append(os.path.join(directory, name))
    for files in by_kind.values():
        rng.shuffle(files)
    chosen = []
    while len(chosen) < count and any(by_kind.values()):
        for kind in KINDS:
            if by_kind[kind] and len(chosen) < count:
                chosen.append(by_kind[kind].pop())
    return chosen


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rbake", default="target/release/rbake")
    parser.add_argument("--build-dir", required=True)
    parser.add_argument("--files", type=int, default=50)
    parser.add_argument("--hovers", type=int, default=200)
    parser.add_argument("--edits", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    build_dir = os.path.abspath(args.build_dir)
    rbake = os.path.abspath(args.rbake)
    server = Server(rbake, build_dir)

    start = time.perf_counter()
    server.request("initialize", {
        "processId": os.getpid(), "rootUri": uri(build_dir), "capabilities": {},
        "initializationOptions": {"rbake": {"buildDir": build_dir, "inlayHints": False}},
    })
    server.write(server.notification("initialized", {}))

    # The layers, from a hover on BBLAYERS in bblayers.conf.
    bblayers = os.path.join(build_dir, "conf", "bblayers.conf")
    with open(bblayers) as f:
        conf_text = f.read()
    line = next(i for i, l in enumerate(conf_text.splitlines()) if l.lstrip().startswith("BBLAYERS"))
    column = conf_text.splitlines()[line].index("BBLAYERS")
    _, result = server.request("textDocument/hover", {
        "textDocument": {"uri": uri(bblayers)}, "position": {"line": line, "character": column}})
    layers = (text_position(result) or "").split()
    if not layers:
        sys.exit(f"no layers in BBLAYERS of {bblayers}")
    print(f"initialize and configuration: {(time.perf_counter() - start) * 1000:.0f} ms, "
          f"{len(layers)} layers")

    # Open the files, then wait for the server to have handled them all.
    files = layer_files(layers, args.files, rng)
    texts = {}
    start = time.perf_counter()
    for path in files:
        with open(path, encoding="utf-8", errors="replace") as f:
            texts[path] = f.read()
        server.write(server.notification("textDocument/didOpen", {"textDocument": {
            "uri": uri(path), "languageId": "bitbake", "version": 1, "text": texts[path]}}))
    server.request("textDocument/documentSymbol", {"textDocument": {"uri": uri(files[-1])}})
    opened = (time.perf_counter() - start) * 1000
    kinds = {kind: sum(p.endswith(kind) for p in files) for kind in KINDS}
    print(f"opened {len(files)} files ({', '.join(f'{n} {k}' for k, n in kinds.items())}) "
          f"in {opened:.0f} ms; server RSS {server.rss_kib() / 1024:.1f} MiB")

    # Hovers on the names of seeded random assignments.
    sites = []
    for path, text in texts.items():
        for number, line_text in enumerate(text.splitlines()):
            match = ASSIGNMENT.match(line_text)
            if match and "${" not in match.group(1):
                sites.append((path, number, match.start(1) + 1))
    if not sites:
        sys.exit("no assignments in the open files")
    times = []
    answered = 0
    for _ in range(args.hovers):
        path, number, column = rng.choice(sites)
        elapsed, result = server.request("textDocument/hover", {
            "textDocument": {"uri": uri(path)}, "position": {"line": number, "character": column}})
        times.append(elapsed)
        answered += result is not None
    print(f"hover ({len(times)}, {answered} with an answer): p50 {percentile(times, 0.5):.1f} ms, "
          f"p99 {percentile(times, 0.99):.1f} ms")

    # Edits of a recipe: a variable the open files use, then a syntax error.
    used = set(re.findall(r"\$\{([A-Za-z0-9_\-]+)\}", "".join(texts.values())))
    recipe_sites = [(p, n, c) for p, n, c in sites if p.endswith(".bb")
                    and ASSIGNMENT.match(texts[p].splitlines()[n]).group(1) in used
                    and not ASSIGNMENT.match(texts[p].splitlines()[n]).group(2)
                    and not ASSIGNMENT.match(texts[p].splitlines()[n]).group(3)]
    if not recipe_sites:
        sys.exit("no open recipe sets a variable the open files use")
    path, number, column = rng.choice(recipe_sites)
    line_text = texts[path].splitlines()[number]
    name = ASSIGNMENT.match(line_text).group(1)
    quote = ASSIGNMENT.match(line_text).end()
    print(f"edits of {name} at {os.path.relpath(path, os.path.dirname(layers[0]))}:{number + 1}")
    version = 1
    to_hover, to_diagnostics = [], []
    for edit in range(args.edits):
        version += 1
        token = f"k{edit}x "
        change = server.notification("textDocument/didChange", {
            "textDocument": {"uri": uri(path), "version": version},
            "contentChanges": [{"range": {"start": {"line": number, "character": quote},
                                          "end": {"line": number, "character": quote}},
                                "text": token}]})
        id, hover = server.request_message("textDocument/hover", {
            "textDocument": {"uri": uri(path)}, "position": {"line": number, "character": column}})
        start = time.perf_counter()
        server.write(change, hover)
        at, _ = server.wait(lambda m, v=version: m.get("method") == "textDocument/publishDiagnostics"
                            and m["params"]["uri"] == uri(path) and m["params"].get("version") == v)
        to_diagnostics.append((at - start) * 1000)
        at, response = server.wait(lambda m: m.get("id") == id and "method" not in m)
        to_hover.append((at - start) * 1000)
        value = text_position(response.get("result")) or ""
        if token.strip() not in value:
            sys.exit(f"the hover after the edit does not show {token.strip()!r}: {value[:200]!r}")
    print(f"edit -> published diagnostics ({len(to_diagnostics)}): "
          f"p50 {percentile(to_diagnostics, 0.5):.1f} ms, max {max(to_diagnostics):.1f} ms")
    print(f"edit -> hover with the new value ({len(to_hover)}): "
          f"p50 {percentile(to_hover, 0.5):.1f} ms, max {max(to_hover):.1f} ms")
    print(f"server RSS at the end {server.rss_kib() / 1024:.1f} MiB")
    server.close()


if __name__ == "__main__":
    main()
