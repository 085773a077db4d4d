ORDER += "five"
