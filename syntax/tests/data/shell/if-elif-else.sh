if [ -e a ]; then
	first
elif test -d b; then
	second
else
	third
fi
