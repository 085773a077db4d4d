inherit autotools
cmake_do_configure() {
	cmake ..
}
EXPORT_FUNCTIONS do_configure
