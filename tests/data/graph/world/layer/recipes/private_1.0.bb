# Out of world, but app still pulls it in.
EXCLUDE_FROM_WORLD = "1"
