# req 2.0
