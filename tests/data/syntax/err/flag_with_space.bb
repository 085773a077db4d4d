A[a b] = "x"
