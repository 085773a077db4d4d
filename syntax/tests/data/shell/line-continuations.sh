./configure \
	--prefix=/usr \
	--host=x
ma\
ke all
echo 'kept\
inside quotes'
