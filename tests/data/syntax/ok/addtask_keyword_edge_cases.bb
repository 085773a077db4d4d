# FIXME: BitBake splits addtask arguments on " after " and " before " only, so these words are task names, not keywords; the parser marks them AFTER_KW/BEFORE_KW.
addtask do_x after	do_y
addtask after do_z
addtask do_w before
