A = "a \
# a comment in the middle
     b"
