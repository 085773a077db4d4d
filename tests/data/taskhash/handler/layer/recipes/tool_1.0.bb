BBCLASSEXTEND = "native"
DEPENDS:class-target = "zlib"
