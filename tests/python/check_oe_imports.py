#!/usr/bin/env python3
"""Check that every module of OE-Core's meta/lib/oe imports with rbake's bb package.

Usage: check_oe_imports.py OE_LIB_DIR [MODULE ...]

OE_LIB_DIR is OE-Core's meta/lib.  Each module is imported in a fresh
interpreter with rbake's queries/python and OE_LIB_DIR on sys.path (plus
any PYTHONPATH already set, e.g. for a stand-in _rbake module), after
``import bb.build`` as under BitBake.  A module
whose import fails only because a third-party package is not installed is
reported as "external" and does not fail the check.

This needs an OE-Core checkout, so it is not part of CI.
"""

import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
BB_DIR = os.path.normpath(os.path.join(HERE, "..", "..", "queries", "python"))

PROBE = r"""
import importlib, sys, traceback
name = sys.argv[1]
try:
    # BitBake has imported bb.build (which makes ``bb`` and ``os`` builtins)
    # before metadata loads its libraries; some OE modules rely on that.
    import bb.build
    importlib.import_module(name)
except ModuleNotFoundError as e:
    top = (e.name or "").split(".")[0]
    if top not in ("bb", "oe", "_rbake", ""):
        print("EXTERNAL %s" % e.name)
        sys.exit(2)
    traceback.print_exc()
    sys.exit(1)
except BaseException:
    traceback.print_exc()
    sys.exit(1)
print("OK")
"""


def oe_modules(libdir):
    root = os.path.join(libdir, "oe")
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames
                             if os.path.exists(os.path.join(dirpath, d, "__init__.py")))
        rel = os.path.relpath(dirpath, libdir)
        package = rel.replace(os.sep, ".")
        for f in sorted(filenames):
            if not f.endswith(".py"):
                continue
            if f == "__init__.py":
                found.append(package)
            else:
                found.append(package + "." + f[:-3])
    return sorted(found)


def main(argv):
    if len(argv) < 2:
        sys.exit("usage: check_oe_imports.py OE_LIB_DIR [MODULE ...]")
    libdir = os.path.abspath(argv[1])
    if not os.path.isdir(os.path.join(libdir, "oe")):
        sys.exit("error: %s has no oe/ package (expected OE-Core's meta/lib)" % libdir)
    if not os.path.isdir(os.path.join(BB_DIR, "bb")):
        sys.exit("error: rbake's bb package not found at %s" % BB_DIR)

    modules = argv[2:] or oe_modules(libdir)
    env = dict(os.environ)
    paths = [BB_DIR, libdir] + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]
    env["PYTHONPATH"] = os.pathsep.join(paths)
    env["PYTHONDONTWRITEBYTECODE"] = "1"

    failed, external = [], []
    for name in modules:
        proc = subprocess.run([sys.executable, "-c", PROBE, name], env=env,
                              capture_output=True, text=True, cwd=libdir)
        if proc.returncode == 0:
            print("ok        %s" % name)
        elif proc.returncode == 2:
            external.append(name)
            print("external  %s (%s)" % (name, proc.stdout.strip().split(" ", 1)[-1]))
        else:
            failed.append(name)
            print("FAILED    %s" % name)
            lines = (proc.stderr or proc.stdout).strip().splitlines()
            for line in lines[-6:]:
                print("          " + line)
    print("\n%d modules: %d ok, %d external dependency missing, %d failed"
          % (len(modules), len(modules) - len(failed) - len(external), len(external), len(failed)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
