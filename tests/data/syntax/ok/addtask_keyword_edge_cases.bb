addtask do_x after	do_y
addtask after do_z
addtask do_w before
