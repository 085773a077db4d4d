python () {
    if d.getVar("MACHINE") == "beta" and d.getVar("PN") == "skipped-on-beta":
        raise bb.parse.SkipRecipe("not for beta")
}
addtask build
