# foo 1.0
