DEPENDS = "private"
