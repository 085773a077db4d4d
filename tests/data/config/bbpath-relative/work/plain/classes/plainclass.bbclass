PLAINCLASS = "read"
