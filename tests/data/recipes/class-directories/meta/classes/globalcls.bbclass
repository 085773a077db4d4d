GLOBAL_WHERE = "classes"
