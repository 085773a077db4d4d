A = x
