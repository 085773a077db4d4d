# The value never closes its quote.
A = "x
B = "fine"
