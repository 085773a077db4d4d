echo { inside; }
find . -exec rm {} \;
