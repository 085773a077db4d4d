RDEPENDS:${PN} = "libgl fonts-extra libfoo-plugin-png shell"
RRECOMMENDS:${PN} = "docs"
