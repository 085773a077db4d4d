echo "today is $(date +%F), host `hostname`"
msg='$(not_a_command)'
