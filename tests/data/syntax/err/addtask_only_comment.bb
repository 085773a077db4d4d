addtask # nothing
