# foo 2.0
