DEPENDS = "lib"
