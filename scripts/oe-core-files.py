#!/usr/bin/env python3
"""List the metadata files BitBake reads when it parses a build directory.

Local check, not CI: needs the reference BitBake library (the `bb` package of
PyPI bitbake-setup, see ../shared/oracle/setup.sh) and an OE-Core checkout with
a build directory made by scripts/oe-core-setup.sh.

BitBake's own dependency tracking is the source of truth: the configuration's
__base_depends and, for every recipe variant, __depends (lists of (path, mtime),
holding also the BBPATH candidates it tried), plus the recipe files and the
bbappends applied to them. Prints the sorted unique absolute paths of those that
exist, one per line; a summary and timings go to stderr.

Usage: $PY scripts/oe-core-files.py --topdir BUILD [--oe OE_CORE] [-j N] > list.txt
If BUILD/standins exists (host-tool stand-ins), it is put first in PATH.
"""
import argparse
import logging
import multiprocessing
import os
import re
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_SHIM = os.path.join(HERE, "..", "..", "shared", "oracle", "shim")

builder = None  # the parsed configuration, inherited by forked workers


def paths_of(deps):
    return {os.path.abspath(p) for p, _mtime in (deps or [])}


def parse_one(job):
    """Parse one recipe file (all its variants); return (file, read paths, status)."""
    import bb.parse
    fn, appends, layer = job
    seen = {fn, *appends}
    try:
        stores = builder.parseRecipeVariants(fn, list(appends), layername=layer)
    except bb.parse.SkipRecipe:
        return fn, seen, "skipped"
    except (Exception, bb.BBHandledException) as e:
        return fn, seen, "error: %s: %s" % (type(e).__name__, e)
    for rd in stores.values():
        seen |= paths_of(rd.getVar("__depends", False))
        seen |= paths_of(rd.getVar("__base_depends", False))
    skipped = any(rd.getVar("__SKIPPED", False) for rd in stores.values())
    return fn, seen, "skipped" if skipped else "ok"


def recipe_jobs(d):
    """(recipe, appends, layer) triples from BitBake's own file collector."""
    import bb.cooker
    table = []
    for coll in (d.getVar("BBFILE_COLLECTIONS") or "").split():
        pattern = d.getVar("BBFILE_PATTERN_%s" % coll) or "^NULL$"
        prio = int(d.getVar("BBFILE_PRIORITY_%s" % coll) or 0)
        table.append((coll, pattern, re.compile(pattern), prio))
    collector = bb.cooker.CookerCollectFiles(table)
    files = collector.collect_bbfiles(d, d)[0]
    return [(fn, collector.get_file_appends(fn), collector.calc_bbfile_priority(fn)[2])
            for fn in files]


def main():
    global builder
    if os.environ.get("PYTHONHASHSEED") != "0":  # same setting as the oracle
        os.execve(sys.executable, [sys.executable] + sys.argv, dict(os.environ, PYTHONHASHSEED="0"))
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--topdir", required=True, help="build directory with conf/bblayers.conf")
    ap.add_argument("--oe", help="OE-Core checkout (only checked and reported)")
    ap.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1, help="parser processes")
    ap.add_argument("--shim", default=os.environ.get("RBAKE_ORACLE_SHIM", DEFAULT_SHIM),
                    help="directory with the oracle's hashserv/prserv stand-ins")
    args = ap.parse_args()
    if args.oe and not os.path.isfile(os.path.join(args.oe, "meta", "conf", "layer.conf")):
        sys.exit("--oe %s: not an OE-Core checkout" % args.oe)

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
    d = builder.data
    found = paths_of(d.getVar("__base_depends", False))
    jobs = recipe_jobs(d)
    t1 = time.perf_counter()

    status = {}
    if args.jobs > 1:
        with multiprocessing.get_context("fork").Pool(args.jobs) as pool:
            results = list(pool.imap_unordered(parse_one, jobs, chunksize=8))
    else:
        results = [parse_one(j) for j in jobs]
    for fn, seen, st in results:
        found |= seen
        status[fn] = st
    t2 = time.perf_counter()

    files = sorted(p for p in found if os.path.isfile(p))
    sys.stdout.write("".join(p + "\n" for p in files))
    errors = sorted(fn for fn, st in status.items() if st.startswith("error"))
    for fn in errors:
        print("parse %s: %s" % (fn, status[fn]), file=sys.stderr)
    print("oe-core-files: %d recipe files (%d skipped, %d errors), %d tracked paths, %d files; "
          "config %.1fs, recipes %.1fs, total %.1fs"
          % (len(jobs), sum(st == "skipped" for st in status.values()), len(errors),
             len(found), len(files), t1 - t0, t2 - t1, t2 - t0), file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
