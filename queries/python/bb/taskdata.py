"""Build target bookkeeping (BitBake's bb.taskdata); rbake keeps this on the Rust side.

Only the small pure helpers are provided.
"""

import re


def re_match_strings(target, strings):
    """Whether ``target`` matches any of the regular expressions ``strings``."""
    for pattern in strings:
        if not pattern.startswith("^") and not pattern.endswith("$"):
            # a plain name
            if target == pattern:
                return True
        elif re.match(pattern, target):
            return True
    return False


class TaskEntry:
    def __init__(self):
        self.tdepends = []
        self.idepends = []
        self.irdepends = []
