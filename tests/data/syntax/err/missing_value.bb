A =
