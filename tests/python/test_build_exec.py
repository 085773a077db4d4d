#!/usr/bin/env python3
"""Differential test of running tasks: rbake's bb.build against the reference BitBake.

Usage: test_build_exec.py

test_build_exec_probe.py runs the same tasks (shell and Python, failing
and succeeding, with dirs, cleandirs, lockfiles, prefuncs, postfuncs,
nostamp, selfstamp, noexec, quieterrors, progress and stamp-extra-info
flags, exported and unexported variables, a shell task calling shell
functions and a Python task calling bb.build.exec_func) and stamp
operations, once under the reference BitBake (RBAKE_ORACLE_PYTHON, default
/root/.cache/rbake-oracle/venv/bin/python, with the stand-in modules of
RBAKE_ORACLE_SHIM, default ../shared/oracle/shim next to the repository)
and once under this Python with rbake's queries/python. Both runs use the
same scratch directory. Compared: exit status, event class names, log
records, the current directory afterwards, and every file, directory and
symlink created (run scripts, logs, log.task_order, stamps, lock and work
files) with its contents, pids and timestamps normalised. In run scripts
comment lines are left out of the comparison: the executable lines of
BitBake's preamble are reproduced, its comments (prose) are not.

Then, in a third interpreter, rbake-only behaviour: atomic stamps, and
bb.build.run_worker_task in forked children (worker variables, hashes in
stamp names, umask, the JSON event channel, a closed channel, noexec,
fakeroot through FAKEROOTCMD, and a missing fakeroot command).

Exit status: 0 if everything agrees, 1 on any difference or failed
check, 2 if the test cannot run.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile

from differential import DEFAULT_ORACLE, DEFAULT_SHIM, HERE, OURS, show_differences

PROBE = os.path.join(HERE, "test_build_exec_probe.py")
SHOW = 15
# The same environment for both runs: shell scripts see it.
ENV = {"PATH": "/usr/bin:/bin", "HOME": "/nonexistent", "LANG": "C.UTF-8",
       "PYTHONDONTWRITEBYTECODE": "1"}


def run_probe(python, root, prepend):
    for name in os.listdir(root):
        path = os.path.join(root, name)
        if os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path)
        else:
            os.unlink(path)
    proc = subprocess.run([python, PROBE, root, prepend], capture_output=True, text=True,
                          env=ENV, cwd=root)
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr)
        raise SystemExit("probe failed under %s" % python)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def without_comments(text):
    """A run script without its comment lines (the shebang and "# line:" markers stay)."""
    kept = []
    for line in text.splitlines(True):
        stripped = line.lstrip()
        if stripped.startswith("#") and not line.startswith("#!") and not line.startswith("# line:"):
            continue
        kept.append(line)
    return "".join(kept)


def comparable(path, entry):
    if entry[0] == "file" and os.path.basename(path).startswith("run."):
        return ["file", without_comments(entry[1])]
    return entry


def compare(ref, ours):
    """(number of facts compared, list of (fact, reference, rbake))."""
    differences = []
    count = 0

    def check(name, want, got):
        nonlocal count
        count += 1
        if want != got:
            differences.append((name, want, got))

    check("number of tasks", len(ref["tasks"]), len(ours["tasks"]))
    for index, (want, got) in enumerate(zip(ref["tasks"], ours["tasks"])):
        label = "%d %s" % (index, want["task"])
        for key in ("task", "ret", "events", "log records", "cwd"):
            check("%s: %s" % (label, key), want[key], got[key])
        for path in sorted(set(want["tree"]) | set(got["tree"])):
            a = want["tree"].get(path)
            b = got["tree"].get(path)
            check("%s: %s" % (label, path),
                  comparable(path, a) if a else "<missing>",
                  comparable(path, b) if b else "<missing>")
    for key in sorted(set(ref["stamps"]) | set(ours["stamps"])):
        check("stamps: %s" % key, ref["stamps"].get(key, "<missing>"), ours["stamps"].get(key, "<missing>"))
    return count, differences


def differential():
    oracle = os.environ.get("RBAKE_ORACLE_PYTHON", DEFAULT_ORACLE)
    shim = os.environ.get("RBAKE_ORACLE_SHIM") or DEFAULT_SHIM
    if not os.access(oracle, os.X_OK):
        print("error: the reference Python is missing: %s (set RBAKE_ORACLE_PYTHON)" % oracle)
        return 2
    if not os.path.isdir(shim):
        print("error: the oracle's stand-in modules are missing: %s (set RBAKE_ORACLE_SHIM)" % shim)
        return 2

    with tempfile.TemporaryDirectory(prefix="rbake-build-exec-") as scratch:
        root = os.path.join(scratch, "root")
        os.mkdir(root)
        ref = run_probe(oracle, root, shim)
        ours = run_probe(sys.executable, root, OURS)

    if not ours["bb_file"].startswith(OURS):
        print("error: our probe imported bb from %s" % ours["bb_file"])
        return 2
    if ref["bb_file"].startswith(OURS):
        print("error: the reference probe imported rbake's bb")
        return 2

    count, differences = compare(ref, ours)
    print("differential: %d facts compared over %d task runs, %d differ"
          % (count, len(ref["tasks"]), len(differences)))
    return show_differences(differences, SHOW)


def rbake_only():
    proc = subprocess.run([sys.executable, os.path.join(HERE, "test_build_exec_rbake.py"), OURS],
                          capture_output=True, text=True, env=ENV)
    sys.stdout.write(proc.stdout)
    if proc.returncode != 0:
        sys.stdout.write(proc.stderr)
    return proc.returncode


def main():
    status = differential()
    if status == 2:
        return 2
    return max(status, 1 if rbake_only() else 0)


if __name__ == "__main__":
    sys.exit(main())
