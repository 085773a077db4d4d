echo price$ now
