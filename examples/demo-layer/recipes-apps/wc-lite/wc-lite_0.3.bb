SUMMARY = "Counts lines and words, and says so in words"
LICENSE = "MIT"
DEPENDS = "libgreet"

SRC_URI = "file://wc-lite.c \
           file://Makefile \
          "
S = "${UNPACKDIR}"

# Optional features: "bytes" also counts bytes.
PACKAGECONFIG ??= "bytes"

EXTRA_OEMAKE = "PREFIX=${prefix} VERSION=${PV} \
    WITH_BYTES=${@bb.utils.contains('PACKAGECONFIG', 'bytes', '1', '0', d)}"

do_install() {
	oe_runmake install DESTDIR=${D}
}
