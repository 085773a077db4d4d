PACKAGES = "${PN} libgl-mesa ${PN}-dev"
RPROVIDES:libgl-mesa = "libgl"
