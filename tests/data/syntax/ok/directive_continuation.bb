# Directives continued over several lines.
addtask do_x \
    after do_a \
    before do_b
require a.inc \
        b.inc
export \
LONG_EXPORT
unset \
LONG_UNSET
