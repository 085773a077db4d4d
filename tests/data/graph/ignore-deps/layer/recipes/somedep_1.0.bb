# Dropped by -I somedep in the ignore-deps case.
DEPENDS = "zlib"
