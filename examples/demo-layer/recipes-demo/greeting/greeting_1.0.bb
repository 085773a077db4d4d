require greeting.inc

LICENSE = "MIT"
WHO = "rbake users"

do_compile:append() {
	echo "${GREETING_WORDS}, ${WHO}" > ${B}/greeting.txt
}

do_install:append() {
	install -m 0644 ${B}/greeting.txt ${D}/usr/share/${PN}/
}
