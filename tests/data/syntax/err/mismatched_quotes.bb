A = "x'
B = 'x"
