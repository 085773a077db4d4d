PACKAGES = "${PN} ${PN}-extra"
RDEPENDS:${PN}-extra = "not-there"
