addtask do_foo after do_bar:remove_x
