ONLY_WHERE = "other classes-recipe"
