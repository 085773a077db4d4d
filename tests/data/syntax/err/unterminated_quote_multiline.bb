A = "a \
     b
C = "fine"
