GLOBAL_WHERE = "classes-global"
