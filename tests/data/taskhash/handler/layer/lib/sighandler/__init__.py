# The fixture layer's Python library: its signature handler.
BBIMPORTS = ["handler"]
