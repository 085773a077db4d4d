A B = "x"
