PN = "hello"
PV = "1.0"
DEPENDS = "zlib"
DEPENDS:append:class-native = " zlib-native"
SUMMARY = "hello ${PV}"
inherit tool
inherit_defer ${DEFERRED}
DEFERRED = "native"
BBCLASSEXTEND = "native"
