A=$(first) other
B=`second` $(skipped) third
