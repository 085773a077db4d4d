TOOL = "1"
