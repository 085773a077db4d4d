# Exported again: the generated body is replaced.
python second_do_build() {
    bb.note("second build")
}
EXPORT_FUNCTIONS do_build
