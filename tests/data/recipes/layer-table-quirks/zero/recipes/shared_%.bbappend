ORDER += "zero"
