# Tabs in anonymous Python.
python () {
	pass
}
