# addtask with every combination of after and before.
addtask do_alone
addtask compile
addtask do_b after do_a
addtask do_c before do_d
addtask do_e after do_a before do_d
addtask do_f before do_d after do_a
addtask do_g after do_a do_b before do_c do_d
addtask do_h after do_a # a comment after the arguments
addtask do_i#comment without a space
addtask ${EXPANDED} after ${OTHER}
