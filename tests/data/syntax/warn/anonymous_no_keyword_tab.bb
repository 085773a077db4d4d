# With no keyword and no name, a function is anonymous Python, so BitBake
# warns about its tabs.
() {
	pass
}
