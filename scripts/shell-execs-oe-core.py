#!/usr/bin/env python3
"""Collect OpenEmbedded-Core's shell function bodies and what BitBake's ShellParser finds in them.

Local check, not CI: needs the reference BitBake library (the `bb` package of
PyPI bitbake-setup, see ../shared/oracle/setup.sh) and an OE-Core checkout with
a build directory made by scripts/oe-core-setup.sh.

For every recipe variant, every variable with the `func` flag and without the
`python` flag is taken as BitBake's signature code takes it: the `_content` of
the function from a copy of the datastore with BB_HASH_CODEPARSER_VALS applied,
expanded, and the text of the expansion (`retparser=True`, `.value`). Bodies are
deduplicated by text. Each body is given to bb.codeparser.ShellParser and one
JSON line {"body": TEXT, "execs": [sorted names] or null on a parse error} is
written per body. The Rust side checks these lines with
`cargo run -p rbake-syntax --example shell_execs_check -- OUT.jsonl`.

Usage: $PY scripts/shell-execs-oe-core.py [--topdir /tmp/oe-build] [--recipes N]
                                          [--recipe SUBSTR]... [-j N] [--out FILE]
Run with PATH=/tmp/oe-build/standins:/usr/bin:/bin (BUILD/standins is also put
first in PATH by the script itself).
"""
import argparse
import json
import logging
import multiprocessing
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_SHIM = os.path.join(HERE, "..", "..", "shared", "oracle", "shim")

builder = None  # the parsed configuration, inherited by forked workers


def shell_execs(text):
    """ShellParser's execs for one body, or None if it raises."""
    import bb.codeparser
    parser = bb.codeparser.ShellParser("body", logging.getLogger("shell-execs"))
    try:
        return sorted(parser.parse_shell(text))
    except Exception:
        return None


def shell_bodies(d):
    """The expanded shell function bodies of one datastore, as BitBake's signatures see them."""
    codeparserd = d.createCopy()
    for forced in (d.getVar("BB_HASH_CODEPARSER_VALS") or "").split():
        key, value = forced.split("=", 1)
        codeparserd.setVar(key, value)
    bodies = []
    for key in list(d.keys()):
        if not d.getVarFlag(key, "func", False) or d.getVarFlag(key, "python", False):
            continue
        try:
            _value, parsed = codeparserd.getVarFlag(key, "_content", False, retparser=True)
        except Exception:  # an expansion BitBake cannot do; no body to compare
            continue
        if parsed is not None and isinstance(parsed.value, str):
            bodies.append(parsed.value)
    return bodies


def parse_one(job):
    """Parse one recipe file (all its variants); return (file, bodies, status)."""
    import bb.parse
    fn, appends, layer = job
    try:
        stores = builder.parseRecipeVariants(fn, list(appends), layername=layer)
    except bb.parse.SkipRecipe:
        return fn, {}, "skipped"
    except (Exception, bb.BBHandledException) as e:
        return fn, {}, "error: %s: %s" % (type(e).__name__, e)
    found = {}
    for rd in stores.values():
        if rd.getVar("__SKIPPED", False):
            continue
        for body in shell_bodies(rd):
            if body not in found:
                found[body] = shell_execs(body)
    return fn, found, "ok"


def recipe_jobs(d):
    """(recipe, appends, layer) triples from BitBake's own file collector,
    as scripts/oe-core-files.py finds them."""
    import importlib.util
    spec = importlib.util.spec_from_file_location("oe_core_files", os.path.join(HERE, "oe-core-files.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.recipe_jobs(d)


def main():
    global builder
    if os.environ.get("PYTHONHASHSEED") != "0":  # same setting as the oracle
        os.execve(sys.executable, [sys.executable] + sys.argv, dict(os.environ, PYTHONHASHSEED="0"))
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--topdir", default="/tmp/oe-build", help="build directory with conf/bblayers.conf")
    ap.add_argument("--recipes", type=int, help="only the first N recipe files")
    ap.add_argument("--recipe", action="append", default=[], help="only recipes whose path contains this")
    ap.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1, help="parser processes")
    ap.add_argument("--out", default="/tmp/shell-execs-oe-core.jsonl", help="JSONL output file")
    ap.add_argument("--shim", default=os.environ.get("RBAKE_ORACLE_SHIM", DEFAULT_SHIM),
                    help="directory with the oracle's hashserv/prserv stand-ins")
    args = ap.parse_args()

    sys.path.insert(0, os.path.abspath(args.shim))
    import bb
    import bb.cookerdata

    logging.basicConfig(level=logging.ERROR, stream=sys.stderr)
    topdir = os.path.abspath(args.topdir)
    os.chdir(topdir)  # BitBake resolves ./ paths and writes its tmp/ here
    path = os.environ.get("PATH", "")
    if os.path.isdir(os.path.join(topdir, "standins")):
        path = os.path.join(topdir, "standins") + ":" + path
    env = {"TOPDIR": topdir, "PATH": path, "BB_ENV_PASSTHROUGH_ADDITIONS": "TOPDIR"}
    os.environ.update(env)

    t0 = time.perf_counter()
    cfg = bb.cookerdata.CookerConfiguration()
    cfg.env = dict(env)
    builder = bb.cookerdata.CookerDataBuilder(cfg)
    builder.parseBaseConfiguration()
    jobs = recipe_jobs(builder.data)
    if args.recipe:
        jobs = [j for j in jobs if any(s in j[0] for s in args.recipe)]
    if args.recipes is not None:
        jobs = jobs[:args.recipes]

    if args.jobs > 1:
        with multiprocessing.get_context("fork").Pool(args.jobs) as pool:
            results = list(pool.imap_unordered(parse_one, jobs, chunksize=4))
    else:
        results = [parse_one(j) for j in jobs]
    bodies = {}
    status = {}
    for fn, found, st in results:
        status[fn] = st
        for body, execs in found.items():
            bodies.setdefault(body, execs)
    with open(args.out, "w") as out:
        for body in sorted(bodies):
            out.write(json.dumps({"body": body, "execs": bodies[body]}) + "\n")
    errors = sorted(fn for fn, st in status.items() if st.startswith("error"))
    for fn in errors:
        print("parse %s: %s" % (fn, status[fn]), file=sys.stderr)
    print("shell-execs-oe-core: %d recipe files (%d errors), %d distinct bodies (%d ShellParser errors) "
          "in %s; %.1fs"
          % (len(jobs), len(errors), len(bodies), sum(v is None for v in bodies.values()),
             args.out, time.perf_counter() - t0), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
