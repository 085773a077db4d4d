PN = "t"
PV = "1.0"
inherit pkg qa
deltask do_install
do_extra() {
	:
}
addtask do_extra after do_fetch before do_qa
do_extra[nostamp] = "1"
