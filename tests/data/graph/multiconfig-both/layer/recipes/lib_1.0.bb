# lib 1.0
