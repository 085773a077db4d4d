# Two recipes whose compiles share a lock file and so never overlap.
do_compile[lockfiles] = "${TOPDIR}/compile.lock"
do_compile() {
	echo "${PN} start $(date +%s%N)" >> ${RESULTS}.lock
	sleep 0.3
	echo "${PN} end $(date +%s%N)" >> ${RESULTS}.lock
}
