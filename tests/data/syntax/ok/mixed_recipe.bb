SUMMARY = "A small but complete recipe"
LICENSE = "MIT"
LIC_FILES_CHKSUM = "file://${COMMON_LICENSE_DIR}/MIT;md5=0835ade698e0bcf8506ecda2f7b4f302"

SRC_URI = "file://hello.c"
S = "${UNPACKDIR}"

inherit pkgconfig

do_compile () {
    ${CC} ${CFLAGS} ${LDFLAGS} hello.c -o hello
}

do_install () {
    install -d ${D}${bindir}
    install -m 0755 hello ${D}${bindir}
}

FILES:${PN} += "${bindir}/hello"
RDEPENDS:${PN}:append:class-target = " busybox"
addtask hello after do_compile before do_build
