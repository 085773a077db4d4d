SUMMARY = "Prints hello"
LICENSE = "MIT"
DEPENDS = "greeting"

HELLO_FLAGS = "-v"
HELLO_FLAGS:remove = "-v"
HELLO_FLAGS:append:demo = " --loud"

do_compile() {
	echo "hello ${HELLO_FLAGS}" > ${B}/hello.txt
}

do_install() {
	install -d ${D}/usr/bin
	install -m 0644 ${B}/hello.txt ${D}/usr/bin/
}
