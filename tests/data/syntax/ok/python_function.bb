# Named Python functions.
python do_something () {
    bb.note("something")
    if d.getVar('A'):
        x = {'a': 1}
}
python do_other() {
    pass
}
python	tabbed_name () {
    pass
}
python do_task:append () {
    bb.note("appended")
}
