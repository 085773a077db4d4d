$TOOL --version
${COMPILER:-cc} -c x.c
"$WRAPPER" arg
