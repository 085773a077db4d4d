# qux 1.0
