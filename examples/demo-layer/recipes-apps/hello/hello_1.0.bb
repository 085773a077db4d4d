SUMMARY = "Greets the world, or the name on its command line"
LICENSE = "MIT"
DEPENDS = "libgreet"

SRC_URI = "file://hello.c \
           file://Makefile \
           file://0001-hello-greet-the-name-given-on-the-command-line.patch \
          "
S = "${UNPACKDIR}"

EXTRA_OEMAKE = "PREFIX=${prefix}"

do_install() {
	oe_runmake install DESTDIR=${D}
}
