#!/usr/bin/env python3
"""Compares a `bitbake -n` log with an `rbake build -n` log (see
compare-dry-run.sh): their "Sstate summary" lines and the sets of setscene
and real tasks each would run. Exits 1 when they differ.

Usage: compare-dry-run.py BITBAKE_LOG RBAKE_LOG
"""
import re
import sys


def read(path):
    text = open(path, encoding="utf-8", errors="replace").read()
    setscene = set(re.findall(r"Running setscene task \d+ of \d+ \((\S+)\)", text))
    real = set(re.findall(r"Running (?:noexec )?task \d+ of \d+ \((\S+)\)", text))
    summary = re.findall(r"Sstate summary: .*", text)
    return setscene, real, summary[-1] if summary else "(no summary)"


def main():
    b_scene, b_real, b_summary = read(sys.argv[1])
    r_scene, r_real, r_summary = read(sys.argv[2])
    print("BitBake: %s; %d setscene tasks, %d real tasks" % (b_summary, len(b_scene), len(b_real)))
    print("rbake:   %s; %d setscene tasks, %d real tasks" % (r_summary, len(r_scene), len(r_real)))
    same = b_scene == r_scene and b_real == r_real and b_summary == r_summary
    for name, theirs, ours in (("setscene", b_scene, r_scene), ("real", b_real, r_real)):
        for tid in sorted(theirs - ours)[:10]:
            print("  %s only in BitBake: %s" % (name, tid))
        for tid in sorted(ours - theirs)[:10]:
            print("  %s only in rbake: %s" % (name, tid))
    print("identical" if same else "DIFFERENT")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
