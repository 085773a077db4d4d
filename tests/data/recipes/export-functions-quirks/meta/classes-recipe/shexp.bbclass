shexp_do_configure() {
	echo sh
}
shexp_do_install() {
	:
}
EXPORT_FUNCTIONS do_configure do_install
require classes-recipe/shexp.inc
