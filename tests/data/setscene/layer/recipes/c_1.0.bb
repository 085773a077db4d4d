# The bottom of the chain.
