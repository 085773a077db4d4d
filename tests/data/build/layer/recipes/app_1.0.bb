# An app that builds against lib.
DEPENDS = "lib"
