# BitBake warns when white space is missing around the operator.
A="x"
B ="y"
C= "z"
D[doc]="d"
E+="e"
export F="f"
