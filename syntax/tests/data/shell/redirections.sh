tool 2>&1 >> log
tool <in >|out 3<>rw 4<&0 5>&-
>empty touch x
cat > $(not_parsed) < input
