# A shell function over an exported Python one.
third_do_report() {
	echo third report
}
EXPORT_FUNCTIONS do_report
