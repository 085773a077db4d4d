# A recipe whose compile has no network and whose install has it.
do_compile() {
	echo "netcheck compile $(tail -n +3 /proc/self/net/dev | cut -d: -f1 | tr -d ' ' | sort | tr '\n' ' ')" >> ${RESULTS}
}
do_install[network] = "1"
do_install() {
	echo "netcheck install $(tail -n +3 /proc/self/net/dev | cut -d: -f1 | tr -d ' ' | sort | tr '\n' ' ')" >> ${RESULTS}
}
