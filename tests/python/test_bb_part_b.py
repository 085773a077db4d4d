#!/usr/bin/env python3
"""Differential test of rbake's bb package (events, build helpers, fetch2, cache, runqueue, filter ...).

bb_part_b_probe.py runs the same calls twice: under the reference BitBake's
Python (RBAKE_ORACLE_PYTHON, default /root/.cache/rbake-oracle/venv/bin/python)
and under this Python with rbake's queries/python first on sys.path.  Any
difference in the results fails the test; a missing reference Python fails
it too.
"""

import json
import os
import subprocess
import sys
import tempfile

from differential import DEFAULT_ORACLE, HERE, OURS, show_differences

PROBE = os.path.join(HERE, "bb_part_b_probe.py")
SHOW = 15


def make_layer(root):
    files = {
        "files/a.patch": "a",
        "files/b.patch": "b",
        "machine/b.patch": "machine b",
        "files/sub/c.txt": "c",
        "files/dir/inner.txt": "inner",
        "files/foo.conf": "conf",
        "other/only-in-other.txt": "other",
        "abs.txt": "absolute",
        "foo_1.0.bb": "",
    }
    for rel, text in files.items():
        path = os.path.join(root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(text)


def run_probe(python, layer, bb_path):
    args = [python, PROBE, layer] + ([bb_path] if bb_path else [])
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    proc = subprocess.run(args, capture_output=True, text=True, env=env, cwd=layer)
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr)
        raise SystemExit("probe failed under %s" % python)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main():
    oracle = os.environ.get("RBAKE_ORACLE_PYTHON", DEFAULT_ORACLE)
    if not os.access(oracle, os.X_OK):
        raise SystemExit("error: the reference Python is missing: %s (set RBAKE_ORACLE_PYTHON)" % oracle)

    with tempfile.TemporaryDirectory(prefix="rbake-bb-b-") as layer:
        make_layer(layer)
        ref = run_probe(oracle, layer, None)
        ours = run_probe(sys.executable, layer, OURS)

    if not ours["bb_file"].startswith(OURS):
        raise SystemExit("error: our probe imported bb from %s" % ours["bb_file"])
    if ref["bb_file"].startswith(OURS):
        raise SystemExit("error: the reference probe imported rbake's bb")

    ref, ours = ref["results"], ours["results"]
    differences = []
    for name in ref:
        if name not in ours:
            differences.append((name, ref[name], "<missing>"))
        elif ref[name] != ours[name]:
            differences.append((name, ref[name], ours[name]))
    for name in ours:
        if name not in ref:
            differences.append((name, "<missing>", ours[name]))

    print("%d cases compared, %d differ" % (len(ref), len(differences)))
    return show_differences(differences, SHOW)


if __name__ == "__main__":
    sys.exit(main())
