deltask
