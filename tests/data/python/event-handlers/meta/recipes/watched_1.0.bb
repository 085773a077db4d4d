EVENTS = "start"
