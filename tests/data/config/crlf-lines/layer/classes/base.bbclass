do_crlf() {
	echo crlf
}
addtask crlf
