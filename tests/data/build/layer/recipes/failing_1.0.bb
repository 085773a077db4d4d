# A recipe whose compile fails.
do_compile() {
	echo "about to fail"
	false
}
