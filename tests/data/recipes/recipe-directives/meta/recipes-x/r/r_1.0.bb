PN = "r"
PV = "1.0"
ALL = "start"
include_all conf/extra.inc
include_all conf/none.inc
unset DROPPED
unset KEEP[other]
export EXPORTED = "yes"
export LATER
LATER = "later"
HIDDEN[unexport] = "1"
HIDDEN = "hidden"
fakeroot do_install() {
	install -d ${D}
}
addtask install after do_compile before do_build
do_install[dirs] = "${WORKDIR}/dir"
do_install[cleandirs] = "${WORKDIR}/clean"
do_install[umask] = "022"
do_install[vardeps] += "EXPORTED"
do_install[vardepsexclude] = "DATE"
