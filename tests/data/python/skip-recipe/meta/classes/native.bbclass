CLASS = "native"
PN = "${BPN}-native"
