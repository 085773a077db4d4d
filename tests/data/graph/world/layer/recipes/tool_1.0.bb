# Both variants are in world.
BBCLASSEXTEND = "native"
