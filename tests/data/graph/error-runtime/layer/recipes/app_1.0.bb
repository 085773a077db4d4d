RDEPENDS:${PN} = "lib"
