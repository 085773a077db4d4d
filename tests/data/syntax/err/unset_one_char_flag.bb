unset A[x]
