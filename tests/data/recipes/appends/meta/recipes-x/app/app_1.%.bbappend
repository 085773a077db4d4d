ORDER += "one-percent"
