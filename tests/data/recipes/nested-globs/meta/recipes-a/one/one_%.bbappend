APPENDED = "yes"
