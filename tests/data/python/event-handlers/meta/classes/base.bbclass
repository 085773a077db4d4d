python config_handler () {
    e.data.setVar("FROM_CONFIG_PARSED", "configured " + e.data.getVar("MACHINE_NAME"))
}
addhandler config_handler
config_handler[eventmask] = "bb.event.ConfigParsed"

python recipe_handler () {
    d = e.data
    d.appendVar("EVENTS", " " + bb.event.getName(e))
    if isinstance(e, bb.event.RecipeTaskPreProcess):
        d.setVar("SEEN_TASKS", " ".join(e.tasklist))
}
addhandler recipe_handler
recipe_handler[eventmask] = "bb.event.RecipePreFinalise bb.event.RecipePostKeyExpansion bb.event.RecipeTaskPreProcess bb.event.RecipeParsed"

python () {
    d.appendVar("EVENTS", " anonymous")
}
MACHINE_NAME = "qemu"
addtask build
