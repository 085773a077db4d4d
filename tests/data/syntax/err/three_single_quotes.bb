A = 'a'b'
