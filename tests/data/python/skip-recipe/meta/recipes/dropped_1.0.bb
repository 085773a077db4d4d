SKIP_ME = "it is not wanted"
