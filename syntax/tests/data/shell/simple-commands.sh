mkdir -p out
cp a b
ls -l | wc -l
