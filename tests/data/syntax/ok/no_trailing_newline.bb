# The last line has no line break.
A = "x"
B = "no newline at the end"