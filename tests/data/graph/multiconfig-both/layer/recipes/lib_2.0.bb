# lib 2.0
