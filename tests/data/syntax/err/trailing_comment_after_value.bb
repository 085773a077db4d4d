A = "x" # a comment
