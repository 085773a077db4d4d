echo ${OUT:-$(default_out)}
echo "${DIR:-`default_dir`}"
echo "${#LIST}" ${X%.c}
