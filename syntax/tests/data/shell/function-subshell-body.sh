inner() (
	cd sub && build
)
inner
