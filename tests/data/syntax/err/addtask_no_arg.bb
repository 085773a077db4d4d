addtask
