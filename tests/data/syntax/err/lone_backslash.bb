\
A = "after a lone backslash"
