#!/usr/bin/env python3
"""Compares rbake's dump of OpenEmbedded-Core with BitBake's, in shards
(local check, not CI: it needs an OE-Core tree).

Usage: compare-oe-core.py BUILD_DIR [--shard-size N] [--kinds K] [--out DIR] [--signatures]

BUILD_DIR is a build directory made by scripts/oe-core-setup.sh (its
standins/ directory goes first on PATH). The recipe list comes from
`rbake recipes --json`; each shard of N recipes is dumped by the reference
(`bbdump.py --all-vars --no-hash`) and by `rbake dump --json` with the same
arguments, from the same directory and with the same PATH, and compared with
`compare.py`. The counts of every shard are added up, and the differing
facts are grouped by variable name. A shard's JSON is deleted once compared
(one variant's full dump is about 0.9 MB).

With --signatures, both sides dump only PN but compute every task's
signature (no --no-hash), the kinds default to
recipes,tasklists,vardeps,basehash, and differences are grouped by task.
"""
import argparse
import collections
import json
import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
ORACLE = os.path.join(ROOT, "..", "shared", "oracle")


def oracle_python():
    python = os.environ.get("RBAKE_ORACLE_PYTHON")
    if python:
        return python
    return subprocess.run(
        ["bash", os.path.join(ORACLE, "setup.sh")], check=True, capture_output=True, text=True
    ).stdout.strip()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("build")
    parser.add_argument("--shard-size", type=int, default=40)
    parser.add_argument("--kinds", default=None)
    parser.add_argument("--signatures", action="store_true",
                        help="compare task signatures instead of variables")
    parser.add_argument("--out", default=None, help="where shard dumps go (default BUILD/compare)")
    parser.add_argument("--rbake", default=os.path.join(ROOT, "target", "release", "rbake"))
    parser.add_argument("--first", type=int, default=0, help="skip this many recipes")
    parser.add_argument("--limit", type=int, default=0, help="compare at most this many recipes")
    args = parser.parse_args()
    if args.kinds is None:
        args.kinds = "recipes,tasklists,vardeps,basehash" if args.signatures else "recipes,vars,flags,tasklists"

    build = os.path.abspath(args.build)
    out = args.out or os.path.join(build, "compare")
    os.makedirs(out, exist_ok=True)
    env = {"PATH": os.path.join(build, "standins") + ":/usr/bin:/bin", "HOME": os.environ.get("HOME", "/root")}
    python = oracle_python()

    listing = subprocess.run(
        [args.rbake, "recipes", "--json", "--topdir", build],
        check=True, capture_output=True, text=True, env=env, cwd=build,
    )
    recipes = [entry["file"] for entry in json.loads(listing.stdout)["recipes"]]
    recipes = recipes[args.first:]
    if args.limit:
        recipes = recipes[: args.limit]
    totals = collections.Counter()
    matched = collections.Counter()
    by_name = collections.Counter()
    examples = {}
    timings = collections.Counter()
    for start in range(0, len(recipes), args.shard_size):
        shard = recipes[start : start + args.shard_size]
        # A path's own name followed by its directory is unique enough, and
        # bbdump.py selects by substring.
        selection = []
        for path in shard:
            selection += ["--recipe", path]
        dumped = ["--var", "PN"] if args.signatures else ["--all-vars", "--no-hash"]
        common = ["--topdir", build] + dumped + selection
        ref_file = os.path.join(out, "ref-%04d.json" % start)
        cand_file = os.path.join(out, "cand-%04d.json" % start)
        began = time.perf_counter()
        with open(ref_file, "w") as sink:
            subprocess.run([python, os.path.join(ORACLE, "bbdump.py")] + common,
                           stdout=sink, stderr=subprocess.DEVNULL, env=env, cwd=build, check=True)
        middle = time.perf_counter()
        with open(cand_file, "w") as sink:
            subprocess.run([args.rbake, "dump", "--json"] + common,
                           stdout=sink, stderr=subprocess.DEVNULL, env=env, cwd=build, check=True)
        ended = time.perf_counter()
        timings["reference"] += middle - began
        timings["rbake"] += ended - middle
        report = subprocess.run(
            [sys.executable, os.path.join(ORACLE, "compare.py"), ref_file, cand_file,
             "--kinds", args.kinds, "--show", "1000000"],
            capture_output=True, text=True,
        ).stdout
        last = report.strip().splitlines()[-1] if report.strip() else ""
        for kind, good, total in re.findall(r"(\w+) (\d+)/(\d+)", last):
            matched[kind] += int(good)
            totals[kind] += int(total)
        for line in report.splitlines():
            found = re.match(r"^(vars|flags|tasklists|recipes|vardeps|varvals|basehash) (\S+)(?: \((\S+)\))? (\S+)$", line)
            if found:
                key = (found.group(1), found.group(4))
                by_name[key] += 1
                examples.setdefault(key, "%s %s" % (found.group(2), found.group(3) or ""))
        print("shard %d-%d: %s" % (start, start + len(shard) - 1, last), flush=True)
        os.remove(ref_file)
        os.remove(cand_file)
    print()
    print("total: " + " ".join("%s %d/%d (%.3f%%)" % (k, matched[k], totals[k], 100.0 * matched[k] / max(totals[k], 1))
                               for k in totals))
    print("time: reference %.1f s, rbake %.1f s (both include their own configuration parse per shard)"
          % (timings["reference"], timings["rbake"]))
    print("differences by fact and name (count, first recipe):")
    for (kind, name), count in by_name.most_common():
        print("  %6d %s %s   e.g. %s" % (count, kind, name, examples[(kind, name)]))


if __name__ == "__main__":
    main()
