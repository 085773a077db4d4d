# A recipe whose install waits, through RDEPENDS, for lib's sysroot.
RDEPENDS:${PN} = "lib"
PACKAGES = "${PN}"
do_install[rdeptask] = "do_populate_sysroot"
