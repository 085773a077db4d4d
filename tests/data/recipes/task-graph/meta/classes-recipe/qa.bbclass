do_qa() {
	:
}
addtask qa after do_package do_install before do_build do_missing
do_qa[depends] = "qa-tool:do_build other:do_fetch"
do_qa[noexec] = "1"
