ORDER += "extra-percent"
