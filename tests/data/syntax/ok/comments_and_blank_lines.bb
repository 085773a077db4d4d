#!/usr/bin/env bitbake
# Comments and blank lines between statements.

#no space after the hash
A = "x"


#
B = "y # not a comment, part of the value"
	
    
C = "z"
