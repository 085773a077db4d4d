DEPENDS = "c"
