ONLY_WHERE = "classes"
