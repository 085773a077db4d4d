PN = "q"
PV = "1.0"
do_gen() {
	:
}
addtask do_${TASKNAME} after do_fetch
addtask one two after do_fetch
addtask three after do_one before do_build after do_two
addtask four before do_nothing do_build
deltask ${GONE}
addtask compile after do_fetch do_fetch
do_one[noexec] = "0"
do_two[depends] = "${PN}-dep:do_build"
do_two[recideptask] = "do_build"
do_three[rdepends] = "${PN}-r:do_fetch"
deltask four
addtask four after do_one
addtask five after do_one # a comment before do_build
addtask six  after   do_five   before do_build#tight
deltask six # gone
addtask seven after do_six
