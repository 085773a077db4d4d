# baz 0.5 with an epoch: 1:0.5 is newer than 3.0.
PE = "1"
