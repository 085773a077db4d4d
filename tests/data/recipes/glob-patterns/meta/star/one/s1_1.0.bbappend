ORDER += "one"
APPENDED = "1"
