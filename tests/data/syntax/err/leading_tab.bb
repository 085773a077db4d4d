	A = "x"
