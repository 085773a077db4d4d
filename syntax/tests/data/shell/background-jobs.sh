server &
client; wait
