ORDER += "inner"
