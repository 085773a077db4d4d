eval configure --prefix=/usr
eval "$SETUP"
X=1 eval run_tool arg
