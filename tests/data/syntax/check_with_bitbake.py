#!/usr/bin/env python3
"""Checks the syntax fixtures against BitBake's own line readers.

Runs BitBake's recipe reader (for .bb, .bbappend, .bbclass, .inc) or its
configuration reader (for .conf, as a base configuration file, where
addpylib is allowed) over each fixture, without evaluating anything, and
compares the verdict with the fixture's directory: ok/ must be accepted
silently, warn/ accepted with a warning, err/ refused. Fixtures whose first
line starts with "# FIXME" are judged the same way: their directory is
BitBake's verdict, even where the parser disagrees today.

Usage, with the oracle virtualenv of ../shared/oracle:
    PYTHONPATH=../shared/oracle/shim $PY tests/data/syntax/check_with_bitbake.py
It prints one line per fixture and exits 1 if any verdict is wrong.
"""
import logging
import os
import sys

import bb
import bb.data
from bb.parse import ast, ParseError
from bb.parse.parse_py import BBHandler, ConfHandler


class Records(logging.Handler):
    def __init__(self):
        super().__init__()
        self.records = []

    def emit(self, record):
        self.records.append(record)


RECORDS = Records()
logging.getLogger("BitBake").addHandler(RECORDS)
logging.getLogger("BitBake").propagate = False
# Parse only: evaluating would need a whole build configuration.
ast.StatementGroup.eval = lambda self, d: None


def verdict(path):
    """Returns ("ok" | "warn" | "err", message)."""
    RECORDS.records.clear()
    try:
        if path.endswith(".conf"):
            ConfHandler.handle(path, bb.data.init(), 0, baseconfig=True)
        else:
            BBHandler.cached_statements.clear()
            BBHandler.__inpython__ = False
            BBHandler.__infunc__ = []
            BBHandler.__body__ = []
            BBHandler.__residue__ = []
            BBHandler.__classname__ = os.path.splitext(os.path.basename(path))[0]
            BBHandler.get_statements(path, path, os.path.basename(path))
            if BBHandler.__infunc__:
                raise ParseError("function %s is never closed" % BBHandler.__infunc__[0], path)
    except BaseException as error:  # ParseError, bb.fatal, IndexError, UnicodeDecodeError...
        return "err", "%s: %s" % (type(error).__name__, error)
    levels = [record.levelno for record in RECORDS.records]
    if any(level >= logging.ERROR for level in levels):
        return "err", RECORDS.records[0].getMessage()
    warnings = [r.getMessage() for r in RECORDS.records if r.levelno >= logging.WARNING]
    if warnings:
        return "warn", warnings[0]
    return "ok", ""


def main():
    root = os.path.dirname(os.path.abspath(__file__))
    wrong = 0
    for directory in ("ok", "warn", "err"):
        for name in sorted(os.listdir(os.path.join(root, directory))):
            path = os.path.join(root, directory, name)
            got, message = verdict(path)
            mark = "ok  " if got == directory else "WRONG"
            wrong += got != directory
            message = "".join(c if c.isprintable() else repr(c)[1:-1] for c in message)[:120]
            print("%s %s/%s: %s %s" % (mark, directory, name, got, message))
    print("%d wrong verdict(s)" % wrong)
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
