# FIXME: BitBake reads '() {' and 'fakeroot () {' as anonymous Python; the parser gives them shell BODY_TEXT bodies.
# With no keyword and no name, a function is anonymous Python.
() {
    d.setVar("A", "x")
}
fakeroot () {
    pass
}
