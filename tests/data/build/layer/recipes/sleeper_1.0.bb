# A recipe whose compile takes a while and says where its shell is.
do_compile() {
	echo $$ > ${TOPDIR}/sleeper.pid
	sleep ${SLEEPER_SECONDS}
}
SLEEPER_SECONDS ?= "2"
