# Bootstraps from the newer foo.
PROVIDES = "oldfoo"
DEPENDS = "foo"
