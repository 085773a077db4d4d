# Only needed at run time; pulls in zlib at run time too.
RDEPENDS:${PN} = "zlib"
