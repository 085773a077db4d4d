FOO=bar
COUNT=0
BAR="a b c"
