DEPENDS += "acl attr"
# Read after RDEPENDS:pkg, whose value it is, the override variant shows
# unfiltered in BitBake's dump: its expansion cache keeps what reading
# RDEPENDS:pkg put there.
RDEPENDS:pkg = "x"
RDEPENDS:pkg:class-target = "z  y  z"
RDEPENDS:other = "b  a  b"
