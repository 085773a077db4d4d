# util 1.5, in collection a, preferred.
