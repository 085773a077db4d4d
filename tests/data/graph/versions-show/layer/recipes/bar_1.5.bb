# bar 1.5: newest, but DEFAULT_PREFERENCE keeps it out.
DEFAULT_PREFERENCE = "-1"
