# With no keyword and no name, a function is anonymous Python.
() {
    d.setVar("A", "x")
}
fakeroot () {
    pass
}
