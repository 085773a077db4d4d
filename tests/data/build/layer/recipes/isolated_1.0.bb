# Python tasks that try to leak state into the next one.
python do_compile() {
    import builtins
    builtins.leaked_by_compile = True
    os.chdir("/")
}
python do_install() {
    import builtins
    if hasattr(builtins, "leaked_by_compile"):
        bb.fatal("a global from do_compile leaked into do_install")
    with open(d.getVar("RESULTS"), "a") as results:
        results.write("isolated install in %s\n" % os.getcwd())
}
do_install[dirs] = "${B}"
