# Shell, Python, fakeroot and def functions, and their flags.
do_shell() {
	echo shell ${EXTRA}
	if true; then
		echo nested
	fi
}

python do_python() {
    bb.note("python")
}

fakeroot do_fakeroot() {
	echo fakeroot
}

fakeroot python do_both() {
    pass
}

python fakeroot do_both_reversed() {
    pass
}

def helper(d):
    return "helper"

def helper_with_body(d, x):
    # a comment inside
    if x:
        return "yes"

    return "no"

# A shell function redefined as Python loses nothing but its body; a
# Python function redefined as shell loses its python flag.
redefined() {
	echo first
}
python redefined() {
    pass
}
python back_to_shell() {
    pass
}
back_to_shell() {
	echo shell again
}

# Spacing variants of the function header.
spaced ( ) {
	echo spaced
}
tight(){
	echo tight
}

# Names with dots, dashes and plus signs.
my.func-name+x() {
	echo odd name
}

# An empty function.
empty() {
}

# Flags set before the function is defined stay.
later[doc] = "documented before definition"
later() {
	echo later
}

# A function whose body holds what looks like metadata.
looks_like_metadata() {
	A = "not an assignment"
	inherit nothing
}
EXTRA = "extra"

# An empty Python function has an empty value, which does not count as a
# definition: a shell function defined over it keeps the python flag.
python emptypy() {
}
emptypy() {
	echo shell body
}
# A flag set before any definition stays too.
preflagged[python] = "1"
preflagged() {
	echo shell
}
