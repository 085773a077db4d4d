# require fails if a file is missing.
require foo.inc
require recipes-core/${BPN}/${BPN}.inc
require a.inc b.inc
