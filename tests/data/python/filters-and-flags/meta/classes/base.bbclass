python () {
    def unique_words(val):
        return " ".join(sorted(set(val.split())))
    bb.filter.filter_proc(name="unique_words")(unique_words)
    d.setVarFilter("DEPENDS", "unique_words(val)")
    d.setVarFilter("RDEPENDS", "unique_words(val)")
    d.setVarFlag("MYFLAGS", "zeta", "z")
    d.setVarFlag("MYFLAGS", "alpha", "a")
    d.setVarFlag("MYFLAGS", "mid", "m")
    flags = d.getVarFlags("MYFLAGS")
    d.setVar("FLAG_ORDER", " ".join(flags.keys()))
    d.setVar("FLAG_VALUES", " ".join(flags.values()))
    d.renameVar("OLD_NAME", "NEW_NAME")
    d.delVar("GONE")
    d.setVarFlag("do_build", "noexec", True)
}
DEPENDS = "zlib bzip2 zlib acl"
OLD_NAME = "moved"
GONE = "here"
addtask build
