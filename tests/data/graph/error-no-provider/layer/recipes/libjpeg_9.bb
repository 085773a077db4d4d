# libjpeg
