A = "café"
B = "x"
