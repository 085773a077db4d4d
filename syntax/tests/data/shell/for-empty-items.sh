for x in; do never; done
for y in a b
do
	echo $y
done
