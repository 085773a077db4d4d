SUMMARY = "A tiny C library of greetings"
DESCRIPTION = "libgreet formats greetings and counted nouns; hello and \
wc-lite link it statically."
LICENSE = "MIT"

SRC_URI = "file://greet.c \
           file://greet.h \
           file://Makefile \
          "
S = "${UNPACKDIR}"

EXTRA_OEMAKE = "PREFIX=${prefix} VERSION=${PV}"

do_install() {
	oe_runmake install DESTDIR=${D}
}
