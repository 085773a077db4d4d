ORDER += "nine"
