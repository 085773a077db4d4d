# leading comment $(not_run)
run arg # trailing $(also_not_run)
a#b
