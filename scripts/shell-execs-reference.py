#!/usr/bin/env python3
"""Print what BitBake's ShellParser finds in shell snippets, as JSON.

For each file given, the whole text is parsed with
bb.codeparser.ShellParser(name, logger).parse_shell(text), as BitBake's
signature code parses a shell function body, and the output maps the file's
base name to its sorted execs (the commands it runs, less the functions it
defines), or to {"error": true} when the parser raises. This produces
syntax/tests/data/shell/expected.json, which syntax/tests/shell_execs.rs
compares with rbake's shell_execs.

Needs the reference BitBake library (PyPI bitbake-setup, see
../shared/oracle/setup.sh). Usage:
  $PY scripts/shell-execs-reference.py syntax/tests/data/shell/*.sh \\
      > syntax/tests/data/shell/expected.json
"""
import json
import logging
import os
import sys
import warnings


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    # PLY warns about its own error hook each time a snippet does not parse.
    warnings.filterwarnings("ignore")
    # BitBake logs the end of every snippet it cannot parse; the JSON says so.
    logging.disable(logging.CRITICAL)
    import bb.codeparser

    result = {}
    for path in sys.argv[1:]:
        with open(path, encoding="utf-8") as f:
            text = f.read()
        name = os.path.basename(path)
        parser = bb.codeparser.ShellParser(name, logging.getLogger("shell-execs"))
        try:
            result[name] = sorted(parser.parse_shell(text))
        except Exception:
            result[name] = {"error": True}
    json.dump(result, sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
