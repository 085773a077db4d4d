# a comment with a backslash \
A = "x"
