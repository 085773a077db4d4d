# app needs the sub-package fonts-extra, which needs fonts-base.
PACKAGES = "${PN}-base ${PN}-extra"
RDEPENDS:${PN}-extra = "${PN}-base"
