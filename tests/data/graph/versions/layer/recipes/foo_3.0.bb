# foo 3.0: newest, but DEFAULT_PREFERENCE keeps it out.
DEFAULT_PREFERENCE = "-1"
