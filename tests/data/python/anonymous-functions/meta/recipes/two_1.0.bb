python () {
    bb.build.deltask("do_compile", d)
    d.setVar("RECIPE_ANON", d.getVar("ANON_LIST").strip())
}
