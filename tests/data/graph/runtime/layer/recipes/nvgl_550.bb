RPROVIDES:${PN} = "libgl"
