ORDER += "two-percent"
