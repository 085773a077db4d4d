while read line; do
	process "$line"
done < list.txt
