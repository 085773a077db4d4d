RELCLASS = "read"
