$(first) $(if) last
