cat <<ONE; cat <<TWO
one $(x)
ONE
two $(y)
TWO
last
