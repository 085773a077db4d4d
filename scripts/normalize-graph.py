#!/usr/bin/env python3
"""Normalizes the output of `bitbake -g` (or `rbake` graph output in the same
format) so that two runs can be compared with diff.

Usage: normalize-graph.py [--strip-prefix PATH]... [--edges-only] DIR
       normalize-graph.py [--strip-prefix PATH]... [--edges-only] TASK_DEPENDS_DOT [PN_BUILDLIST]

DIR holds task-depends.dot and pn-buildlist as BitBake writes them. BitBake
writes no pn-buildlist when the graph has no recipes, so a missing one counts
as empty. The result goes to stdout in three sections, each sorted by code
point:

  # pn-buildlist   one recipe name per line
  # nodes          "PN.do_task" VERSION FILE, one line per node
  # edges          "PN.do_task" -> "PN.do_dep", one line per edge

BitBake labels a node "PN do_task\\nEPOCH:PV-PR\\nFILE"; VERSION is the middle
line as written (an empty epoch leaves a leading colon) and FILE the last one,
which may carry a "virtual:CLASS:" or "mc:NAME:" prefix. Each --strip-prefix
PATH (repeatable) replaces that path at the start of FILE, or right after such a
prefix, with <root>, so that references made from different checkouts compare.
--edges-only prints the edges section alone. Uses the Python standard library
only.
"""
import argparse
import os
import re
import sys

NODE_RE = re.compile(r'^"(?P<id>[^"]+)" \[label="(?P<label>.*)"\]$')
EDGE_RE = re.compile(r'^"(?P<src>[^"]+)" -> "(?P<dst>[^"]+)"$')


def fail(message):
    sys.exit("normalize-graph.py: " + message)


def input_paths(args):
    """Returns the paths of task-depends.dot and pn-buildlist (the latter may not exist)."""
    if len(args) == 1 and os.path.isdir(args[0]):
        return os.path.join(args[0], "task-depends.dot"), os.path.join(args[0], "pn-buildlist")
    if len(args) == 1:
        return args[0], None
    if len(args) == 2:
        return args[0], args[1]
    fail("expected DIR, or TASK_DEPENDS_DOT [PN_BUILDLIST]")


def prefix_stripper(prefixes):
    """Returns a function that replaces the given path prefixes in a file name with <root>."""
    # Longer prefixes first, so that a nested checkout wins over its parent.
    cleaned = sorted({p.rstrip("/") or "/" for p in prefixes}, key=len, reverse=True)
    if not cleaned:
        return lambda path: path
    # A prefix matches at the start of the name or after a colon (virtual:native:/...),
    # and only as whole path components.
    pattern = re.compile(r"(?<![^:])(?:%s)(?=/|$)" % "|".join(map(re.escape, cleaned)))
    return lambda path: pattern.sub("<root>", path)


def read_graph(path, strip):
    """Returns the node lines and the edge lines of a task-depends.dot file."""
    nodes, edges = [], []
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if line in ("digraph depends {", "}", ""):
                continue
            edge = EDGE_RE.match(line)
            if edge:
                edges.append('"%s" -> "%s"' % (edge["src"], edge["dst"]))
                continue
            node = NODE_RE.match(line)
            if not node:
                fail("%s:%d: unexpected line: %s" % (path, number, line))
            parts = node["label"].split("\\n")
            if len(parts) != 3:
                fail("%s:%d: label has %d lines, expected 3" % (path, number, len(parts)))
            title, version, filename = parts
            # The label repeats the node's name as "PN do_task"; check it agrees.
            pn, _, task = node["id"].rpartition(".")
            if title != "%s %s" % (pn, task):
                fail("%s:%d: label %r does not match node %r" % (path, number, title, node["id"]))
            nodes.append('"%s" %s %s' % (node["id"], version, strip(filename)))
    return sorted(nodes), sorted(edges)


def read_buildlist(path):
    if path is None or not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as f:
        return sorted(line.strip() for line in f if line.strip())


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("inputs", nargs="+", metavar="PATH")
    parser.add_argument("--strip-prefix", action="append", default=[], metavar="PATH",
                        help="replace this path prefix in file names with <root> (repeatable)")
    parser.add_argument("--edges-only", action="store_true", help="print only the edges")
    args = parser.parse_args()

    dot, buildlist = input_paths(args.inputs)
    if not os.path.isfile(dot):
        fail("no such file: %s" % dot)
    nodes, edges = read_graph(dot, prefix_stripper(args.strip_prefix))
    out = sys.stdout
    if not args.edges_only:
        out.write("# pn-buildlist\n")
        out.writelines(line + "\n" for line in read_buildlist(buildlist))
        out.write("# nodes\n")
        out.writelines(line + "\n" for line in nodes)
    out.write("# edges\n")
    out.writelines(line + "\n" for line in edges)


if __name__ == "__main__":
    try:
        main()
    except BrokenPipeError:
        # A reader such as head stopped early; that is not an error.
        sys.stderr.close()
        sys.exit(0)
