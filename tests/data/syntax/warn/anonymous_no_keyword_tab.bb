# FIXME: BitBake reads '() {' as anonymous Python and warns about the tab; the parser reads a shell body and gives no warning.
# With no keyword and no name, a function is anonymous Python, so BitBake
# warns about its tabs.
() {
	pass
}
