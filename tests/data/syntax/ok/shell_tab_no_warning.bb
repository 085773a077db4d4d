# Shell functions may use tabs.
do_x () {
	echo tab
}
