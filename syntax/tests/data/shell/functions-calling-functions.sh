helper() {
	do_work "$1"
}
other() { helper x; finish; }
other
helper
