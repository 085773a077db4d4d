DEPENDS = "a"
