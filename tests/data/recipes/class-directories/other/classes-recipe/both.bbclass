BOTH_WHERE = "other classes-recipe"
