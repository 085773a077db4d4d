# A comment ending with a backslash \
# continues onto the next comment line.
A = "x"
# Several \
# continued \
# comment lines
B = "y"
