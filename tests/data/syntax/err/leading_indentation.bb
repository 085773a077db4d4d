  A = "x"
