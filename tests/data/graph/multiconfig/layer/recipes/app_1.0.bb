DEPENDS = "lib"

# do_deploy needs lib from the second configuration as well. The form is
# mc:FROM:TO:PN:TASK, and FROM is empty for the default configuration, so
# this applies only to app of the default one.
do_deploy() {
	:
}
addtask deploy after do_install before do_build
do_deploy[mcdepends] = "mc::second:lib:do_populate_sysroot"
