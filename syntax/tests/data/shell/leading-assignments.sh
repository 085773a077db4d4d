CC=gcc CFLAGS="-O2 -g" make all
LANG=C sort list
