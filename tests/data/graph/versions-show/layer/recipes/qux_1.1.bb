# qux 1.1
PR = "r3"
