! grep -q pattern file
cat f | sort | uniq -c |
	head
