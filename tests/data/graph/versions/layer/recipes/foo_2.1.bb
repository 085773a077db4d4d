# foo 2.1
