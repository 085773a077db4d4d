DEPENDS = "b"
