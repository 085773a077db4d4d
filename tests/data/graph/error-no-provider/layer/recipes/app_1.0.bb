# libpng is skipped; libjpg does not exist (libjpeg does).
DEPENDS = "libpng libjpg"
