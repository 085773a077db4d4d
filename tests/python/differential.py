"""What the differential test scripts share: where rbake's package and the
reference BitBake live, and how a difference between them is shown."""

import json
import os

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
