CLASSOVERRIDE = "class-nativesdk"
BBEXTRA = "sdk"
sdk_task() {
	:
}
addtask sdk_task after do_compile before do_build
