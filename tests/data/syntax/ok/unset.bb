# unset a variable or one of its flags (flags need two characters or more).
unset A
unset do_install[depends]
unset A[ab]
unset A[x@y]
unset ${EXPANDED}
unset some-name.with+chars/and~tilde
unset	TABBED
