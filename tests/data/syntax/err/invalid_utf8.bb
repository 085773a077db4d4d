# FIXME: the invalid UTF-8 diagnostic covers 1 byte of the 3-byte U+FFFD that replaces the bad byte, so its range ends inside a character.
A = "café"
B = "x"
