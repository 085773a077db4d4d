PLAIN = "appended"
