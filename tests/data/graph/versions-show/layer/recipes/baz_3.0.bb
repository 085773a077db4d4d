# baz 3.0
