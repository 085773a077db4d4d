# req 1.0
