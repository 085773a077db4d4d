BOTH_WHERE = "classes-recipe"
