PN = "vc"
PV = "1.0"
inherit toolchain
BBCLASSEXTEND = "native nativesdk"
do_compile[depends] += "${PN}-helper:do_build"
