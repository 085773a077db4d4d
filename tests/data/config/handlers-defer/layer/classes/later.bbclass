LATER = "read"
