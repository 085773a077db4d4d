# A class that exports its task functions.
export_functions_do_configure () {
    echo configure
}

python export_functions_do_compile () {
    bb.note("compile")
}

EXPORT_FUNCTIONS do_configure do_compile
EXPORT_FUNCTIONS do_install
