# Out of world, and nothing in world needs it.
EXCLUDE_FROM_WORLD = "1"
