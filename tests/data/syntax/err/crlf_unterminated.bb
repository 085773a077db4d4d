A = "x"
B = "y
C = "z"
