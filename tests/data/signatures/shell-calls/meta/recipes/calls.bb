SUMMARY = "Shell tasks calling functions from the datastore"

direct_helper() {
	echo direct ${DIRECT_INPUT}
}
DIRECT_INPUT = "d"
subst_helper() {
	echo subst
}
backtick_helper() {
	echo backtick
}
nested_outer() {
	echo outer
}
nested_inner() {
	echo inner
}
pipe_helper() {
	cat
}
and_helper() {
	true
}
or_helper() {
	true
}
if_cond_helper() {
	true
}
then_helper() {
	:
}
elif_helper() {
	:
}
else_helper() {
	:
}
case_helper() {
	:
}
for_list_helper() {
	echo a b
}
for_body_helper() {
	:
}
while_helper() {
	false
}
until_helper() {
	true
}
subshell_helper() {
	:
}
brace_helper() {
	:
}
async_helper() {
	:
}
negated_helper() {
	false
}
redirect_helper() {
	:
}
assign_prefix_helper() {
	:
}
local_assign_helper() {
	echo value
}
eval_helper() {
	:
}
quoted_eval_helper() {
	:
}
quoted_helper() {
	:
}
dollar_helper() {
	:
}
# Calling each other in a cycle.
ping() {
	pong
}
pong() {
	ping
}
python py_helper() {
    bb.note(d.getVar("PY_INPUT"))
}
PY_INPUT = "p"
# A variable named like a command is a dependency when run as one.
tar = "not a function at all"

do_configure:append() {
	direct_helper --flag
	value=$(subst_helper)
	other=`backtick_helper`
	both="$(nested_outer "$(nested_inner)")"
	echo x | pipe_helper | sort
	test -d ${B} && and_helper
	false || or_helper
	if if_cond_helper; then
		then_helper
	elif elif_helper; then
		:
	else
		else_helper
	fi
	case "$value" in
	subst_helper)
		case_helper
		;;
	*)
		;;
	esac
	for item in $(for_list_helper); do
		for_body_helper $item
	done
	while while_helper; do
		break
	done
	until until_helper; do
		:
	done
	( subshell_helper )
	{ brace_helper; }
	async_helper &
	! negated_helper
	redirect_helper > /dev/null 2>&1
	FOO=bar assign_prefix_helper
	local_var=$(local_assign_helper)
	eval eval_helper arg
	eval "quoted_eval_helper arg"
	eval `eval_subst_helper`
	"quoted_helper" arg
	cmd=dollar_helper
	$cmd
	ping
	py_helper
	tar xf archive.tar
	not_in_datastore --arg
	wait
}

body_helper() {
	:
}
eval_subst_helper() {
	echo :
}

do_local() {
	# Functions defined in the body are not dependencies, even when a
	# datastore function has the same name.
	direct_helper() {
		echo local
	}
	local_only() {
		# ...but what their bodies run is.
		body_helper
	}
	direct_helper
	local_only
}
addtask local

heredoc_helper() {
	:
}
continued_helper() {
	:
}
arith_helper() {
	echo 2
}
export_helper() {
	echo exported
}
commented_helper() {
	:
}
HEREDOC_INPUT = "h"

do_more() {
	# commented_helper is only named in this comment.
	cat <<EOF > ${B}/out
${HEREDOC_INPUT} $(heredoc_helper)
EOF
	continued_helper \
		--one \
		--two
	n=$(expr 1 + $(arith_helper))
	export RESULT=$(export_helper)
	[ -n "$n" ] && command -v make
}
addtask more
