ORDER += "outer"
