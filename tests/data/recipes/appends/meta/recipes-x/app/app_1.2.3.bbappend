ORDER += "exact"
