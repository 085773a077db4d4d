#!/usr/bin/env python3
"""Checks a bbdump.py document of a generated build directory against the
generator's manifest (DIR/layergen-manifest.tsv).

Usage: check_oracle.py DUMP.json DIR/layergen-manifest.tsv

The dump must hold DEPENDS (bbdump.py --var DEPENDS, or --all-vars). It checks
that every recipe variant of the manifest was parsed, with no error and no
skip, that it has the standard tasks, and that DEPENDS (as a set of names) is
what the generator intended. Exits 1 on any mismatch.
"""
import json
import sys

TASKS = ["do_fetch", "do_unpack", "do_patch", "do_configure", "do_compile",
         "do_install", "do_populate_sysroot", "do_package", "do_build"]


def main():
    dump = json.load(open(sys.argv[1]))
    expected = {}
    for line in open(sys.argv[2]):
        if line.startswith("#"):
            continue
        name, variant, path, deps = line.rstrip("\n").split("\t")
        expected[(path, variant)] = set(deps.split())
    problems = []
    seen = set()
    hashed = 0
    for r in dump["recipes"]:
        path = r["file"][r["file"].index("meta-gen/"):]
        key = (path, r.get("variant", ""))
        seen.add(key)
        for what in ("error", "skipped"):
            if what in r:
                problems.append("%s %s: %s %s" % (path, key[1], what, r[what]))
        if "error" in r or "skipped" in r:
            continue
        missing = [t for t in TASKS if t not in r["tasklist"]]
        if missing:
            problems.append("%s %s: missing tasks %s" % (path, key[1], missing))
        hashed += all("basehash" in t for t in r["tasks"].values())
        got = set((r["vars"].get("DEPENDS", {}).get("expanded") or "").split())
        if key not in expected:
            problems.append("%s %s: not in the manifest" % key)
        elif got != expected[key]:
            problems.append("%s %s: DEPENDS %s, expected %s" % (
                path, key[1], sorted(got), sorted(expected[key])))
    for key in sorted(set(expected) - seen):
        problems.append("%s %s: not parsed" % key)
    for p in problems[:50]:
        print(p)
    print("variants: %d parsed, %d expected, %d with every basehash, %d problems"
          % (len(dump["recipes"]), len(expected), hashed, len(problems)))
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
