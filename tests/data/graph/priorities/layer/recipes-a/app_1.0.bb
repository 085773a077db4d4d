DEPENDS = "lib util"
