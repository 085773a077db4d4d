# BitBake warns about tabs in Python code.
python do_x () {
	bb.note("tab")
    bb.note("spaces")
  	bb.note("spaces then a tab")
}
