python () {
    if d.getVar("SKIP_ME"):
        raise bb.parse.SkipRecipe("skipped because " + d.getVar("SKIP_ME"))
}
addtask build
