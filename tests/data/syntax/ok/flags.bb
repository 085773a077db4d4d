# Flag names may hold letters, digits and - _ + . and, after the first
# character, @ and /.
SRC_URI[sha256sum] = "0123abcd"
SRC_URI[name.sha256sum] = "4567ef00"
A[1] = "digit"
A[x-y_z+w.v] = "punctuation"
A[a@b] = "at sign"
A[dir/sub] = "slash"
RDEPENDS:${PN}[doc] = "flag on an overridden name"
PACKAGECONFIG[gtk] = "--with-gtk,--without-gtk,gtk+3"
do_fetch[network] = "1"
A[doc] = ""
