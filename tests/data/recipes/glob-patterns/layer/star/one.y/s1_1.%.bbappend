ORDER += "one.y"
