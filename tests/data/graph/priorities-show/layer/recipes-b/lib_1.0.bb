# lib 1.0, in collection b, which has the higher priority.
