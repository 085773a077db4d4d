#!/usr/bin/env python3
"""Differential test of real fetching and unpacking: rbake's bb.fetch2 against the reference BitBake.

Usage: test_fetch_exec.py

The test builds fixtures in a scratch directory (a layer of local files
and archives made with tar, gzip, bzip2, xz, zstd and zip; a git
repository with two commits; a directory served over HTTP by a server on
127.0.0.1 started here), then runs test_fetch_exec_probe.py twice: under
the reference interpreter ($RBAKE_ORACLE_PYTHON, else
/root/.cache/rbake-oracle/venv/bin/python, with the stand-ins of
$RBAKE_ORACLE_SHIM, else ../shared/oracle/shim) and under this Python with
rbake's queries/python.  Both run the same fetch cases; the returned
values, exceptions (class and message), log lines and the trees of DL_DIR
and of the unpack directory must be identical.

Exit status: 0 if everything agrees, 1 on any difference, 2 if the test
cannot run.
"""

import functools
import hashlib
import http.server
import json
import os
import subprocess
import sys
import tempfile
import threading

from differential import DEFAULT_ORACLE, DEFAULT_SHIM, HERE, show_differences
from differential import OURS as OURS_DIR

PROBE = os.path.join(HERE, "test_fetch_exec_probe.py")
SHOW = 10


# ---------------------------------------------------------------------------
# Fixtures
# ---------------------------------------------------------------------------

def write(path, text, mode=0o644):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", newline="") as f:
        f.write(text)
    os.chmod(path, mode)


def run(command, cwd, env=None):
    subprocess.run(command, cwd=cwd, check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def make_archives(files):
    """Archives of a small source tree ``pkg-1.0/`` in every format the unpacker knows."""
    source = os.path.join(files, "..", "src")
    write(os.path.join(source, "pkg-1.0", "README"), "readme\n")
    write(os.path.join(source, "pkg-1.0", "configure"), "#!/bin/sh\necho configured\n", 0o755)
    write(os.path.join(source, "pkg-1.0", "lib", "code.c"), "int main(void) { return 0; }\n")
    write(os.path.join(source, "dos.txt"), "line one\r\nline two\r\n")
    tar = ["tar", "--owner=0", "--group=0", "--mtime=2020-01-01", "-C", source]
    run(tar + ["-cf", os.path.join(files, "a.tar"), "pkg-1.0"], source)
    for name, flag in [("a.tar.gz", "-z"), ("a.tgz", "-z"), ("a.tar.bz2", "-j"), ("a.tbz2", "-j"),
                       ("a.tar.xz", "-J"), ("a.txz", "-J")]:
        run(tar + [flag, "-cf", os.path.join(files, name), "pkg-1.0"], source)
    run(["sh", "-c", "zstd -q -c a.tar > a.tar.zst"], files)
    for tool, suffix in [("gzip", "gz"), ("bzip2", "bz2"), ("xz", "xz"), ("zstd -q", "zst")]:
        write(os.path.join(files, "single.txt"), "single %s\n" % suffix)
        run(["sh", "-c", "%s -c single.txt > single.txt.%s" % (tool, suffix)], files)
    os.remove(os.path.join(files, "single.txt"))
    run(["zip", "-q", "-r", os.path.join(files, "a.zip"), "pkg-1.0"], source)
    run(["zip", "-q", os.path.join(files, "dos.zip"), "dos.txt"], source)


def make_layer(root):
    files = os.path.join(root, "layer", "files")
    write(os.path.join(files, "hello.txt"), "hello\n")
    write(os.path.join(files, "script.sh"), "#!/bin/sh\nexit 0\n", 0o755)
    write(os.path.join(files, "fix.patch"), "--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n")
    write(os.path.join(files, "fix.diff"), "--- a/y\n+++ b/y\n")
    write(os.path.join(files, "dir", "one.txt"), "one\n")
    write(os.path.join(files, "dir", "nested", "two.txt"), "two\n", 0o600)
    write(os.path.join(files, "sub", "deep.txt"), "deep\n")
    write(os.path.join(root, "layer", "extra", "hello.txt"), "hello from extra\n")
    write(os.path.join(root, "absolute", "abs.txt"), "absolute\n")
    make_archives(files)


def make_www(root):
    www = os.path.join(root, "www")
    files = os.path.join(root, "layer", "files")
    os.makedirs(os.path.join(www, "releases"))
    os.makedirs(os.path.join(www, "mirror"))
    for name in ["a.tar.gz", "a.zip"]:
        with open(os.path.join(files, name), "rb") as src:
            data = src.read()
        for target in [os.path.join(www, "releases", name), os.path.join(www, "mirror", name)]:
            with open(target, "wb") as dst:
                dst.write(data)
    write(os.path.join(www, "releases", "notes.txt"), "release notes\n")
    write(os.path.join(www, "releases", "empty.txt"), "")
    # The file premirror: a directory of downloads.
    os.makedirs(os.path.join(root, "premirror"))
    with open(os.path.join(files, "a.tar.gz"), "rb") as src, \
            open(os.path.join(root, "premirror", "gone.tar.gz"), "wb") as dst:
        dst.write(src.read())
    return www


def make_git(root):
    """A repository with two commits on main and one on a side branch; returns the commit ids."""
    repo = os.path.join(root, "repo")
    os.makedirs(repo)
    env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.com",
               GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.com",
               GIT_AUTHOR_DATE="2020-01-01T00:00:00Z", GIT_COMMITTER_DATE="2020-01-01T00:00:00Z",
               GIT_CONFIG_GLOBAL="/dev/null", GIT_CONFIG_NOSYSTEM="1")
    run(["git", "init", "-q", "-b", "main"], repo, env)
    write(os.path.join(repo, "file.txt"), "first\n")
    run(["git", "add", "."], repo, env)
    run(["git", "commit", "-q", "-m", "first"], repo, env)
    write(os.path.join(repo, "file.txt"), "second\n")
    write(os.path.join(repo, "tool.sh"), "#!/bin/sh\n", 0o755)
    run(["git", "add", "."], repo, env)
    run(["git", "commit", "-q", "-m", "second"], repo, env)
    run(["git", "checkout", "-q", "-b", "side", "HEAD~1"], repo, env)
    write(os.path.join(repo, "side.txt"), "side\n")
    run(["git", "add", "."], repo, env)
    run(["git", "commit", "-q", "-m", "side"], repo, env)
    run(["git", "checkout", "-q", "main"], repo, env)

    # A mirror tarball of the repository, named as the fetcher names the
    # tarball of git://example.invalid/repo.git.
    bare = os.path.join(root, "bare.git")
    run(["git", "clone", "-q", "--mirror", repo, bare], root, env)
    os.makedirs(os.path.join(root, "gitmirror"))
    run(["tar", "-czf", os.path.join(root, "gitmirror", "git2_example.invalid.repo.git.tar.gz"), "."], bare, env)

    def rev(name):
        return subprocess.run(["git", "rev-parse", name], cwd=repo, capture_output=True, text=True,
                              check=True).stdout.strip()
    return repo, {"old": rev("main~1"), "new": rev("main"), "side": rev("side")}


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def start_server(www):
    handler = functools.partial(QuietHandler, directory=www)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


# The cases are in a separate module to keep this file short.
sys.path.insert(0, HERE)
from test_fetch_exec_cases import build_cases  # noqa: E402


# ---------------------------------------------------------------------------
# Driver
# ---------------------------------------------------------------------------

def interpreters():
    oracle = os.environ.get("RBAKE_ORACLE_PYTHON") or DEFAULT_ORACLE
    shim = os.environ.get("RBAKE_ORACLE_SHIM") or DEFAULT_SHIM
    if not os.path.exists(oracle):
        print("FAIL: the reference interpreter %s does not exist (set RBAKE_ORACLE_PYTHON)" % oracle,
              file=sys.stderr)
        sys.exit(2)
    if not os.path.isdir(os.path.join(shim, "hashserv")):
        print("FAIL: the oracle's stand-in modules are not in %s (set RBAKE_ORACLE_SHIM)" % shim,
              file=sys.stderr)
        sys.exit(2)
    return [("reference", oracle, shim), ("rbake", sys.executable, OURS_DIR)]


def run_probe(kind, python, bb_path, cases_file, fixtures, work):
    scratch = os.path.join(work, "scratch")
    os.makedirs(scratch)
    result_file = os.path.join(work, "result.json")
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1", GIT_CONFIG_GLOBAL="/dev/null",
               GIT_CONFIG_NOSYSTEM="1", LC_ALL="C")
    env.pop("PYTHONPATH", None)
    done = subprocess.run([python, PROBE, cases_file, fixtures, scratch, result_file, bb_path],
                          capture_output=True, text=True, env=env, cwd=work)
    if done.returncode != 0:
        sys.stderr.write(done.stderr[-4000:])
        print("FAIL: the %s probe failed" % kind, file=sys.stderr)
        sys.exit(2 if kind == "reference" else 1)
    with open(result_file) as f:
        return json.load(f)


def compare(ref, ours):
    differences = []
    for name in ref:
        if name not in ours:
            differences.append((name, "(case)", ref[name], "<missing>"))
            continue
        for key in sorted(set(ref[name]) | set(ours[name])):
            want, got = ref[name].get(key, "<missing>"), ours[name].get(key, "<missing>")
            if want != got:
                differences.append((name, key, want, got))
    return differences


def main():
    kinds = interpreters()
    with tempfile.TemporaryDirectory(prefix="rbake-fetch-") as top:
        fixtures = os.path.join(top, "fixtures")
        os.makedirs(fixtures)
        make_layer(fixtures)
        www = make_www(fixtures)
        repo, revs = make_git(fixtures)
        server = start_server(www)
        try:
            base = "http://127.0.0.1:%d" % server.server_address[1]
            checksums = {"a.tar.gz": sha256(os.path.join(www, "releases", "a.tar.gz"))}
            cases = build_cases(base, repo, revs, checksums)
            cases_file = os.path.join(top, "cases.json")
            with open(cases_file, "w") as f:
                json.dump(cases, f)
            results = {}
            for kind, python, bb_path in kinds:
                work = os.path.join(top, kind)
                os.makedirs(work)
                results[kind] = run_probe(kind, python, bb_path, cases_file, fixtures, work)
        finally:
            server.shutdown()

    if not results["rbake"]["bb_file"].startswith(OURS_DIR):
        print("FAIL: the rbake probe imported bb from %s" % results["rbake"]["bb_file"], file=sys.stderr)
        return 2
    if results["reference"]["bb_file"].startswith(OURS_DIR):
        print("FAIL: the reference probe imported rbake's bb", file=sys.stderr)
        return 2

    differences = compare(results["reference"]["cases"], results["rbake"]["cases"])
    differing = sorted(set(name for name, _, _, _ in differences))
    total = len(results["reference"]["cases"])
    print("%d fetch cases compared, %d differ" % (total, len(differing)))
    labelled = [("%s [%s]" % (name, key), want, got) for name, key, want, got in differences]
    return show_differences(labelled, SHOW)


if __name__ == "__main__":
    sys.exit(main())
