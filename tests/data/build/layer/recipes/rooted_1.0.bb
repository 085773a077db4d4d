# A recipe whose install runs as root under pseudo.
do_install[dirs] = "${B}"
fakeroot do_install() {
	echo "rooted install as $(id -u) preload ${LD_PRELOAD:-none}" >> ${RESULTS}
	touch ${B}/owned
	chown 0:0 ${B}/owned
}
