export A:b
