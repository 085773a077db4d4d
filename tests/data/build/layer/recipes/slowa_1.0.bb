# Two recipes whose compiles take a while; number_threads can keep them apart.
do_compile() {
	echo "${PN} start $(date +%s%N)" >> ${RESULTS}.threads
	sleep 0.5
	echo "${PN} end $(date +%s%N)" >> ${RESULTS}.threads
}
