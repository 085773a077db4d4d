# Any white space, or several, around the operator.
A   =   "spaces"
B	=	"tabs"
C :=  "two spaces after"
D[doc]   ?=   "flag and spaces"
E 	+=	 "mixed"
F =+ "x"
G    .=    "y"
H =.     "z"
