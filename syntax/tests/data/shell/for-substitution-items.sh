for f in $(ls *.la) `find . -name '*.pc'`; do
	rm -f $f
done
