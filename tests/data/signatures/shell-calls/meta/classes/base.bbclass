# Helpers that tasks call as commands.
oe_runmake() {
	${MAKE} ${EXTRA_OEMAKE} "$@" || die "oe_runmake failed"
}
die() {
	bbfatal_log "$*"
}
bbfatal_log() {
	echo "ERROR: $*"
	exit 1
}
MAKE = "make"
EXTRA_OEMAKE = "-j4"

do_configure() {
	:
}

do_compile() {
	oe_runmake
}

python do_build() {
    pass
}

addtask configure
addtask compile after do_configure
addtask build after do_compile
