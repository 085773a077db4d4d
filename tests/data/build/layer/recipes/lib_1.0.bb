# A library the app depends on.
