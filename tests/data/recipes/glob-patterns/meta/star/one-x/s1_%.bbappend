ORDER += "one-x"
