SUMMARY = "No removals: the reference point for inactive.bb"
EXTRA_OECONF = "--a --b"
MAKE_ARGS = "all"
