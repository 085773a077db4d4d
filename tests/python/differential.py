"""What the differential test scripts share: where rbake's package and the
reference BitBake live, and how a difference between them is shown."""

import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
OURS = os.path.normpath(os.path.join(HERE, "..", "..", "queries", "python"))
DEFAULT_ORACLE = "/root/.cache/rbake-oracle/venv/bin/python"
DEFAULT_SHIM = os.path.normpath(os.path.join(HERE, "..", "..", "..", "shared", "oracle", "shim"))


def show_differences(differences, limit):
    """Prints the first ``limit`` of the ``(label, reference, rbake)``
    differences; returns the exit status, 1 if there are any."""
    for label, want, got in differences[:limit]:
        print("\n--- %s" % label)
        print("reference: %s" % json.dumps(want))
        print("rbake:     %s" % json.dumps(got))
    if len(differences) > limit:
        print("\n... and %d more" % (len(differences) - limit))
    return 1 if differences else 0


def run_self_probe(script, python, kind, workdir):
    """Runs ``script --probe KIND WORKDIR`` under ``python`` (a fixed hash
    seed, no bytecode, no PYTHONPATH) and returns the JSON it prints; a
    probe that fails stops the test with exit status 2."""
    env = dict(os.environ, PYTHONHASHSEED="0", PYTHONDONTWRITEBYTECODE="1")
    env.pop("PYTHONPATH", None)
    completed = subprocess.run([python, os.path.abspath(script), "--probe", kind, workdir],
                               capture_output=True, text=True, env=env, cwd=workdir)
    if completed.returncode != 0:
        print("FAIL: the %s probe did not complete:\n%s" % (kind, completed.stderr), file=sys.stderr)
        sys.exit(2)
    return json.loads(completed.stdout)
