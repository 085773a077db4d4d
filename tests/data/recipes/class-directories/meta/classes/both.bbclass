BOTH_WHERE = "classes"
