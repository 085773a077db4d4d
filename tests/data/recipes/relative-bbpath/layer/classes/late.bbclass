LATE = "1"
