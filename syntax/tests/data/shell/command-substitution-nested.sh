echo "$(dirname $(readlink -f $0))"
v=$(basename `pwd`)
