# An append file: read like a recipe after it.
FILESEXTRAPATHS:prepend := "${THISDIR}/files:"
SRC_URI += "file://extra.patch"
do_install:append () {
    install -m 0644 ${WORKDIR}/extra ${D}${sysconfdir}
}
PACKAGECONFIG:append:pn-foo = " bar"
