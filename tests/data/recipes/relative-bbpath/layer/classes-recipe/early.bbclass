EARLY = "1"
