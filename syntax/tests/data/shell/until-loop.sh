until check_ready; do
	sleep 1
done
