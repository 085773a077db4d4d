# zlib
