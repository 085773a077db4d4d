A = "x"
  # an indented comment is no comment
