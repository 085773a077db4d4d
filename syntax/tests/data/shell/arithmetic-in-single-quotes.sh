echo '$((1+2))'
expr 1 + 2
