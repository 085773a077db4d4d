# addtask and deltask with after and before, comments and expansions.
addtask do_patch after do_foo after do_unpack before do_configure before do_compile
addtask do_fetch2 do_patch2

addtask do_myplaintask
addtask do_myplaintask2
deltask do_myplaintask2
addtask do_mytask# comment
addtask do_mytask2 # comment2
addtask do_mytask3
deltask do_mytask3# comment
deltask do_mytask4 # comment2

# A missing task prefix on after works.
addtask do_mytask5 after mytask

deltask do_fetch ${MYVAR} ${EMPTYVAR}
deltask ${EMPTYVAR}

# Adding a task again adds to what it comes after.
addtask build
addtask compile after do_configure
addtask compile after do_configure do_prepare
addtask configure before do_build
addtask install after compile before build

# A task named before another that is not (yet) a task.
addtask early before do_later

# Deleting a task takes it out of what others come after.
addtask gone
addtask stays after do_gone
deltask gone

# Flags on tasks.
do_build[noexec] = "1"
do_install[depends] = "other:do_populate"
do_compile[dirs] = "${B}"
B = "/build"

# addtask does not expand its arguments; deltask does.
TASKNAME = "expanded"
addtask ${TASKNAME} after ${TASKNAME}_dep before do_${TASKNAME}_next
