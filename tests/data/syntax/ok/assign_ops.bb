# Every assignment operator, without flags.
A = "plain"
B := "immediate ${A}"
C ?= "default"
D ??= "weak default"
E += "append with space"
F =+ "prepend with space"
G .= "append without space"
H =. "prepend without space"
